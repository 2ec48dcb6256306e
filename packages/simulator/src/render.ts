// Renders a timeline into IMU samples. Per sample: the trunk's orientation and its derivatives from the plan
// (with breathing, sway, gait and limb-movement overlays); the specific force in the body frame (gravity reaction,
// translational acceleration, lever-arm terms) and the angular rate; the mounting rotation into the device frame;
// then offset, gain, noise and int16 quantization. Noise is counter based, so any run of samples renders alike
// whether alone or as part of a longer rendering.
import type { CyclePlan, Timeline } from './cycle.js';
import type { Person } from './person.js';
import { ACTIVITIES, type Activity, NON_WEAR_CODE, postureCode, type Segment } from './plan.js';
import { CounterNoise } from './random.js';
import { axisAngle, type Mat3, multiply, transpose } from './rotation.js';
import { quantize, type Sensor } from './sensor.js';

// Module-level copies of Math functions: under a vm context (Jest) every lookup of the global `Math` is a slow
// interceptor call, which made hot loops tens of times slower.
const { atan2, cos, floor, max, min, sin, PI } = Math;
const NAN = Number.NaN;
const D2R = PI / 180;
const R2D = 180 / PI;
const G0 = 9.80665;
const TWO_PI = 2 * PI;

/** Per-sample flags in SampleTruth.flags. */
export const FLAG_IN_BED = 1;
export const FLAG_ASLEEP = 2;
export const FLAG_TRANSITION = 4;

/** Ground truth per sample, parallel to the sample arrays. */
export interface SampleTruth {
  /** Index in POSTURES, or NON_WEAR_CODE (255). */
  posture: Uint8Array;
  /** Index in ACTIVITIES. */
  activity: Uint8Array;
  /** FLAG_IN_BED | FLAG_ASLEEP | FLAG_TRANSITION. */
  flags: Uint8Array;
  /** Trunk angles from the noise-free body-frame gravity direction, degrees (NaN off the body). */
  sagittalDeg: Float32Array;
  frontalDeg: Float32Array;
  rollDeg: Float32Array;
}

export interface SampleArrays {
  /** Accelerometer counts (int16) in device axes; multiply by accScaleMg / 1000 for g. */
  ax: Int16Array;
  ay: Int16Array;
  az: Int16Array;
  /** Gyroscope counts in device axes; multiply by scaleMdps / 1000 for deg/s. */
  gx?: Int16Array;
  gy?: Int16Array;
  gz?: Int16Array;
  truth?: SampleTruth;
}

export function allocateSamples(n: number, gyro: boolean, truth: boolean): SampleArrays {
  const out: SampleArrays = { ax: new Int16Array(n), ay: new Int16Array(n), az: new Int16Array(n) };
  if (gyro) {
    out.gx = new Int16Array(n);
    out.gy = new Int16Array(n);
    out.gz = new Int16Array(n);
  }
  if (truth) {
    out.truth = {
      posture: new Uint8Array(n),
      activity: new Uint8Array(n),
      flags: new Uint8Array(n),
      sagittalDeg: new Float32Array(n),
      frontalDeg: new Float32Array(n),
      rollDeg: new Float32Array(n),
    };
  }
  return out;
}

export interface RendererOptions {
  rateHz: number;
  /** True UTC epoch ms of sample 0. */
  startMs: number;
  /** Sample clock (output data rate) error: the sensor samples (1 + ppm / 1e6) times faster than nominal. */
  sampleRateErrorPpm: number;
  /** Key of the counter-based noise (derive it from the device seed). */
  noiseKey: number;
}

/** Fractional part: keeps trigonometric arguments small (V8 reduces huge arguments slowly). */
const frac = (x: number) => x - floor(x);
const minJerk = (u: number) => u * u * u * (10 + u * (-15 + 6 * u));
const minJerkD = (u: number) => 30 * u * u * (1 - u) * (1 - u);
const minJerkDD = (u: number) => 60 * u * (1 - u) * (1 - 2 * u);

const ACTIVITY_CODES = Object.fromEntries(ACTIVITIES.map((a, i) => [a, i])) as Record<Activity, number>;

export class Renderer {
  private readonly dtMs: number;
  private readonly noise: CounterNoise;
  private readonly person: Person;
  private readonly gaitAxisCos: number;
  private readonly gaitAxisSin: number;
  // Cursor over the plan: the current cycle and indexes into its lists.
  private cycle: CyclePlan | null = null;
  private seg = 0;
  private twitch = 0;
  private artifact = 0;
  private mount = 0;
  /** deviceFromBody (the transpose of the plan's deviceToBody) in force between changes. */
  private mounting: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  // Pose scratch: angles (deg), rates (deg/s), accelerations (deg/s^2), heading rate and acceleration,
  // translational acceleration in the heading frame (g).
  private readonly p = new Float64Array(14);

  constructor(
    private readonly timeline: Timeline,
    private readonly sensor: Sensor,
    private readonly options: RendererOptions,
  ) {
    this.dtMs = 1000 / (options.rateHz * (1 + options.sampleRateErrorPpm / 1e6));
    this.noise = new CounterNoise(options.noiseKey);
    this.person = timeline.person;
    this.gaitAxisCos = Math.cos(this.person.body.gaitAxisDeg * D2R);
    this.gaitAxisSin = Math.sin(this.person.body.gaitAxisDeg * D2R);
  }

  /** True UTC ms of sample k. */
  timeOf(k: number): number {
    return this.options.startMs + k * this.dtMs;
  }

  /** Renders samples k0 .. k0 + n - 1 into `out` starting at `at`. */
  render(k0: number, n: number, out: SampleArrays, at = 0): void {
    const { sensor, p, noise } = this;
    const lsb = sensor.accScaleMg / 1000;
    const step = 2 ** (16 - sensor.bits);
    const sigma = sensor.noiseMg / 1000;
    const [ox, oy, oz] = sensor.offsetMg.map((v) => v / 1000) as [number, number, number];
    const [kx, ky, kz] = sensor.gain;
    const gyro = sensor.gyro && out.gx ? sensor.gyro : null;
    const glsb = gyro ? gyro.scaleMdps / 1000 : 0;
    const truth = out.truth;
    const [rx, ry, rz] = this.person.body.leverArmM;

    let codesOf: Segment | null = null;
    let postureC = 0;
    let activityC = 0;
    let flagsC = 0;
    for (let i = 0; i < n; i++) {
      const k = k0 + i;
      const t = this.timeOf(k);
      const seg = this.segmentAt(t);
      const j = at + i;
      let dx: number;
      let dy: number;
      let dz: number;
      let wx = 0;
      let wy = 0;
      let wz = 0;
      if (seg.kind === 'offbody') {
        [dx, dy, dz] = seg.deviceUp;
        if (truth) {
          truth.sagittalDeg[j] = NAN;
          truth.frontalDeg[j] = NAN;
          truth.rollDeg[j] = NAN;
        }
      } else {
        this.pose(seg, t);
        this.addTwitches(t);
        const th = p[0]! * D2R;
        const be = p[1]! * D2R;
        const ph = p[2]! * D2R;
        const sT = sin(th);
        const cT = cos(th);
        const sB = sin(be);
        const cB = cos(be);
        const sP = sin(ph);
        const cP = cos(ph);
        // Gravity reaction ("up") in the body frame: R^T (0, 1, 0), R = Rz(-sag) Rx(lat) Ry(roll).
        const ux = -sT * cP + cT * sB * sP;
        const uy = cT * cB;
        const uz = -sT * sP - cT * sB * cP;
        // Specific force: R^T (a + up) with a in the heading frame (forward, up, right).
        const v0 = p[11]!;
        const v1 = 1 + p[12]!;
        const v2 = p[13]!;
        const x1 = v0 * cT - v1 * sT;
        const y1 = v0 * sT + v1 * cT;
        const y2 = y1 * cB + v2 * sB;
        const z2 = -y1 * sB + v2 * cB;
        let fx = x1 * cP - z2 * sP;
        let fy = y2;
        let fz = x1 * sP + z2 * cP;
        // Angular rate (deg/s) and, neglecting products of rates, angular acceleration, body frame.
        wx = p[9]! * ux + p[3]! * cB * sP + p[4]! * cP;
        wy = p[9]! * uy - p[3]! * sB + p[5]!;
        wz = p[9]! * uz - p[3]! * cB * cP + p[4]! * sP;
        const qx = (p[10]! * ux + p[6]! * cB * sP + p[7]! * cP) * D2R;
        const qy = (p[10]! * uy - p[6]! * sB + p[8]!) * D2R;
        const qz = (p[10]! * uz - p[6]! * cB * cP + p[7]! * sP) * D2R;
        // Lever arm: the sensor sits off the centre of rotation: alpha x r + omega x (omega x r).
        const ox1 = wx * D2R;
        const oy1 = wy * D2R;
        const oz1 = wz * D2R;
        const cx = oy1 * rz - oz1 * ry;
        const cy = oz1 * rx - ox1 * rz;
        const cz = ox1 * ry - oy1 * rx;
        fx += (qy * rz - qz * ry + oy1 * cz - oz1 * cy) / G0;
        fy += (qz * rx - qx * rz + oz1 * cx - ox1 * cz) / G0;
        fz += (qx * ry - qy * rx + ox1 * cy - oy1 * cx) / G0;
        const m = this.mountingAt(t);
        dx = m[0]! * fx + m[1]! * fy + m[2]! * fz;
        dy = m[3]! * fx + m[4]! * fy + m[5]! * fz;
        dz = m[6]! * fx + m[7]! * fy + m[8]! * fz;
        if (gyro) {
          const gx = m[0]! * wx + m[1]! * wy + m[2]! * wz;
          const gy = m[3]! * wx + m[4]! * wy + m[5]! * wz;
          wz = m[6]! * wx + m[7]! * wy + m[8]! * wz;
          wx = gx;
          wy = gy;
        }
        if (truth) {
          truth.sagittalDeg[j] = atan2(-ux, uy) * R2D;
          truth.frontalDeg[j] = atan2(-uz, uy) * R2D;
          truth.rollDeg[j] = atan2(uz, ux) * R2D;
        }
      }
      const spike = this.artifactAt(t);
      if (spike) {
        dx += spike[0];
        dy += spike[1];
        dz += spike[2];
      }
      out.ax[j] = quantize(ox + kx * dx + sigma * noise.at(k, 0), lsb, step);
      out.ay[j] = quantize(oy + ky * dy + sigma * noise.at(k, 1), lsb, step);
      out.az[j] = quantize(oz + kz * dz + sigma * noise.at(k, 2), lsb, step);
      if (gyro) {
        out.gx![j] = quantize(gyro.biasDps[0] + wx + gyro.noiseDps * noise.at(k, 3), glsb, 1);
        out.gy![j] = quantize(gyro.biasDps[1] + wy + gyro.noiseDps * noise.at(k, 4), glsb, 1);
        out.gz![j] = quantize(gyro.biasDps[2] + wz + gyro.noiseDps * noise.at(k, 5), glsb, 1);
      }
      if (truth) {
        if (codesOf !== seg) {
          const st = seg.truth;
          codesOf = seg;
          postureC = st.activity === 'non-wear' ? NON_WEAR_CODE : postureCode(st.posture);
          activityC = ACTIVITY_CODES[st.activity];
          flagsC = (st.inBed ? FLAG_IN_BED : 0) | (st.asleep ? FLAG_ASLEEP : 0) | (st.transition ? FLAG_TRANSITION : 0);
        }
        truth.posture[j] = postureC;
        truth.activity[j] = activityC;
        truth.flags[j] = flagsC;
      }
    }
  }

  /** The segment holding time t; the cursor moves forward, or is re-seeked when t goes back. */
  private segmentAt(t: number): Segment {
    let cycle = this.cycle;
    if (!cycle || t < cycle.start || t >= cycle.end || t < cycle.segments[this.seg]!.t0) {
      cycle = this.timeline.cycleAt(t);
      this.enter(cycle, t);
    }
    const segs = cycle.segments;
    while (t >= segs[this.seg]!.t1 && this.seg < segs.length - 1) this.seg++;
    return segs[this.seg]!;
  }

  private enter(cycle: CyclePlan, t: number): void {
    this.cycle = cycle;
    this.seg = firstEndingAfter(cycle.segments, t, (s) => s.t1);
    this.twitch = firstEndingAfter(cycle.twitches, t, (w) => w.t0 + w.durMs);
    this.artifact = firstEndingAfter(cycle.artifacts, t, (a) => a.t0 + a.durMs);
    this.mount = 0;
    this.mounting = transpose(cycle.mounting.initial);
    for (const c of cycle.mounting.changes) {
      if (c.t1 > t) break;
      this.mounting = transpose(c.after);
      this.mount++;
    }
  }

  /** deviceFromBody at time t. */
  private mountingAt(t: number): Mat3 {
    const changes = this.cycle!.mounting.changes;
    while (this.mount < changes.length && t >= changes[this.mount]!.t1) {
      this.mounting = transpose(changes[this.mount++]!.after);
    }
    const c = changes[this.mount];
    if (!c || t < c.t0) return this.mounting;
    // Part of the way through the change: deviceToBody = R(axis, s(u) angle) before.
    const u = (t - c.t0) / (c.t1 - c.t0);
    return transpose(multiply(axisAngle(c.axis, c.angleDeg * minJerk(u)), c.before));
  }

  private artifactAt(t: number): [number, number, number] | null {
    const list = this.cycle!.artifacts;
    while (this.artifact < list.length && t >= list[this.artifact]!.t0 + list[this.artifact]!.durMs) this.artifact++;
    const a = list[this.artifact];
    if (!a || t < a.t0) return null;
    const w = sin((PI * (t - a.t0)) / a.durMs);
    return [a.accG[0] * w, a.accG[1] * w, a.accG[2] * w];
  }

  private addTwitches(t: number): void {
    const list = this.cycle!.twitches;
    while (this.twitch < list.length && t >= list[this.twitch]!.t0 + list[this.twitch]!.durMs) this.twitch++;
    const p = this.p;
    for (let i = this.twitch; i < list.length && list[i]!.t0 <= t; i++) {
      const w = list[i]!;
      const tau = (t - w.t0) / 1000;
      const d = w.durMs / 1000;
      if (tau >= d) continue;
      // Hann window times a sine: a burst that starts and ends at rest.
      const win = 0.5 * (1 - cos((TWO_PI * tau) / d));
      const winD = ((0.5 * TWO_PI) / d) * sin((TWO_PI * tau) / d);
      const om = TWO_PI * w.freqHz;
      const s = sin(om * tau);
      const c = cos(om * tau);
      const sig = win * s;
      const sigD = winD * s + win * om * c;
      for (let a = 0; a < 3; a++) {
        p[a]! += w.angleDeg[a]! * sig;
        p[3 + a]! += w.angleDeg[a]! * sigD;
      }
      p[11]! += w.accG[0] * sig;
      p[12]! += w.accG[1] * sig;
      p[13]! += w.accG[2] * sig;
    }
  }

  /** Fills the pose scratch for segment `seg` at time t. */
  private pose(seg: Segment, t: number): void {
    const p = this.p;
    p.fill(0);
    const f = seg.from;
    const body = this.person.body;
    if (seg.kind === 'move') {
      const T = (seg.t1 - seg.t0) / 1000;
      const u = min(1, max(0, (t - seg.t0) / (seg.t1 - seg.t0)));
      const s = minJerk(u);
      const sd = minJerkD(u) / T;
      const sdd = minJerkDD(u) / (T * T);
      const dSag = seg.to.sag - f.sag;
      const dLat = seg.to.lat - f.lat;
      const dRoll = seg.to.roll - f.roll;
      p[0] = f.sag + dSag * s;
      p[1] = f.lat + dLat * s;
      p[2] = f.roll + dRoll * s;
      p[3] = dSag * sd;
      p[4] = dLat * sd;
      p[5] = dRoll * sd;
      p[6] = dSag * sdd;
      p[7] = dLat * sdd;
      p[8] = dRoll * sdd;
      if (seg.bumpDeg !== 0) {
        // Hips lift during a turn: the head-up incline rises and falls with sin(pi u).
        const w = PI / T;
        p[0]! += seg.bumpDeg * sin(PI * u);
        p[3]! += seg.bumpDeg * w * cos(PI * u);
        p[6]! -= seg.bumpDeg * w * w * sin(PI * u);
      }
      if (seg.headingDeg !== 0) {
        p[9] = seg.headingDeg * sd;
        p[10] = seg.headingDeg * sdd;
      }
      const [lf, lu, lr] = seg.liftM;
      if (lf !== 0 || lu !== 0 || lr !== 0) {
        p[11] = (lf * sdd) / G0;
        p[12] = (lu * sdd) / G0;
        p[13] = (lr * sdd) / G0;
      }
      return;
    }
    p[0] = f.sag;
    p[1] = f.lat;
    p[2] = f.roll;
    const ts = t / 1000;
    if (seg.kind === 'walk') {
      this.gait(seg, t);
      return;
    }
    // Overlays fade in and out over a second at the edges of a hold.
    const ramp = min(1, (t - seg.t0) / 1000, (seg.t1 - t) / 1000);
    if (seg.breathing > 0) {
      // Breathing at a slowly wandering rate (+-8% over about 100 s): phase = 2 pi f0 (t - 0.08 P/(2 pi) cos(2 pi t/P)).
      const f0 = body.breathingHz;
      const P = 97;
      const slow = TWO_PI * frac(ts / P);
      const phase = TWO_PI * frac(f0 * ts) - f0 * 0.08 * P * cos(slow);
      const rate = TWO_PI * f0 * (1 + 0.08 * sin(slow));
      const amp = body.breathingDeg * seg.breathing * ramp;
      const s = sin(phase);
      const c = cos(phase);
      p[0]! += amp * s;
      p[3]! += amp * rate * c;
      p[6]! -= amp * rate * rate * s;
      p[2]! += 0.4 * amp * s;
      p[5]! += 0.4 * amp * rate * c;
    }
    if (seg.swayDeg > 0) {
      const a = seg.swayDeg * ramp;
      const w1 = TWO_PI * 0.13;
      const w2 = TWO_PI * 0.31;
      const w3 = TWO_PI * 0.17;
      const a1 = TWO_PI * frac(0.13 * ts);
      const a2 = TWO_PI * frac(0.31 * ts) + 1;
      const a3 = TWO_PI * frac(0.17 * ts) + 2;
      p[0]! += a * (sin(a1) + 0.5 * sin(a2));
      p[3]! += a * (w1 * cos(a1) + 0.5 * w2 * cos(a2));
      p[1]! += a * sin(a3);
      p[4]! += a * w3 * cos(a3);
    }
  }

  /**
   * Walking: vertical, forward and sideways trunk acceleration as harmonics of the step frequency (lateral at the
   * stride frequency), with small trunk rotations; the harmonics integrate to bounded displacement. Heading turns
   * are min-jerk over the segment.
   */
  private gait(seg: Segment, t: number): void {
    const p = this.p;
    const tg = (t - seg.gaitStart) / 1000;
    const ramp = max(0, min(1, tg / 1.5, (seg.gaitEnd - t) / 1500));
    const w = TWO_PI * seg.cadenceHz;
    const g = seg.gaitG * ramp;
    const st = sin(w * tg);
    const ct = cos(w * tg);
    const sh = sin(0.5 * w * tg + 0.7);
    const ch = cos(0.5 * w * tg + 0.7);
    p[12] = g * (ct + 0.3 * cos(2 * w * tg + 0.5));
    const forward = 0.6 * g * (cos(w * tg + 1.2) + 0.25 * cos(2 * w * tg));
    const side = 0.35 * g * cos(0.5 * w * tg + 0.3);
    p[11] = forward * this.gaitAxisCos - side * this.gaitAxisSin;
    p[13] = forward * this.gaitAxisSin + side * this.gaitAxisCos;
    const aSag = 1.5 * ramp;
    const aLat = 2 * ramp;
    const aTwist = 4 * ramp;
    p[0]! += aSag * st;
    p[3]! += aSag * w * ct;
    p[6]! -= aSag * w * w * st;
    p[1]! += aLat * sh;
    p[4]! += aLat * 0.5 * w * ch;
    p[7]! -= aLat * 0.25 * w * w * sh;
    p[2]! += aTwist * sh;
    p[5]! += aTwist * 0.5 * w * ch;
    p[8]! -= aTwist * 0.25 * w * w * sh;
    if (seg.headingDeg !== 0) {
      const T = (seg.t1 - seg.t0) / 1000;
      const u = min(1, max(0, (t - seg.t0) / (seg.t1 - seg.t0)));
      p[9] = (seg.headingDeg * minJerkD(u)) / T;
      p[10] = (seg.headingDeg * minJerkDD(u)) / (T * T);
    }
  }
}

/** Index of the first item whose end is after t (items sorted by start, non-overlapping enough). */
function firstEndingAfter<T>(items: T[], t: number, end: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (end(items[mid]!) <= t) lo = mid + 1;
    else hi = mid;
  }
  return min(lo, max(0, items.length - 1));
}
