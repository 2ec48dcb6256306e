// One-second summaries ("ticks"): the only per-sample pass. Everything downstream (calibration, mounting, epochs,
// nights, mornings) works on ticks, so memory grows with seconds, not samples, and any epoch length that is a
// whole number of seconds can be built from them. Ticks are aligned to originMs + k * 1000.
import { sagittalDeg } from './angles.js';
import { Lowpass3 } from './lowpass.js';
import type { Segment } from './resample.js';
import type { Mat3 } from './rotation.js';

/** Columns of a tick table; missing ticks have n = 0 and NaN elsewhere. */
export const TICK_COLUMNS = [
  'n',
  /** Mean acceleration per axis, g. */
  'mx',
  'my',
  'mz',
  /** Within-tick variance per axis, g^2. */
  'vx',
  'vy',
  'vz',
  /** Within-tick covariance of x and z, g^2: with vx and vz, the horizontal axis walking accelerates along. */
  'cxz',
  /** Mean and SD of |a| within the tick, g. */
  'magMean',
  'magSd',
  /** Mean of max(|a| - 1, 0), g (ENMO). */
  'enmo',
  /**
   * Extremes of the sagittal and frontal inclination of quasi-static, low-passed samples taken near rest, each
   * from the samples leaning more in its plane than in the other, degrees (NaN: none).
   */
  'sagMin',
  'sagMax',
  'froMin',
  'froMax',
  /** The same without the at-rest condition: the fallback for a bend whose apex is never at rest. */
  'sagMinAny',
  'sagMaxAny',
  'froMinAny',
  'froMaxAny',
  /** Peak and mean trunk angular speed (sagittal and frontal planes), deg/s. */
  'speedPeak',
  'speedMean',
] as const;
export type TickColumn = (typeof TICK_COLUMNS)[number];

/** Columns as a literal object (fast properties), not built from a list. */
function makeColumns(capacity: number): Record<TickColumn, Float64Array> {
  const f = () => new Float64Array(capacity);
  return {
    n: f(),
    mx: f(),
    my: f(),
    mz: f(),
    vx: f(),
    vy: f(),
    vz: f(),
    cxz: f(),
    magMean: f(),
    magSd: f(),
    enmo: f(),
    sagMin: f(),
    sagMax: f(),
    froMin: f(),
    froMax: f(),
    sagMinAny: f(),
    sagMaxAny: f(),
    froMinAny: f(),
    froMaxAny: f(),
    speedPeak: f(),
    speedMean: f(),
  };
}

/** Ticks first..first+length-1 (tick k starts at originMs + k * 1000), one Float64Array per column. */
export class TickTable {
  first = 0;
  length = 0;
  cols: Record<TickColumn, Float64Array>;
  constructor(
    readonly originMs: number,
    capacity = 1024,
  ) {
    this.cols = makeColumns(capacity);
  }

  get end(): number {
    return this.first + this.length;
  }

  startMs(k: number): number {
    return this.originMs + k * 1000;
  }

  /** Row of tick k, or -1 outside the table. */
  row(k: number): number {
    return k >= this.first && k < this.end ? k - this.first : -1;
  }

  /** Appends tick k (after marking any missing ticks before it as empty); returns its row, for the caller to fill. */
  append(k: number): number {
    if (this.length === 0) this.first = k;
    this.ensure(k - this.first + 1);
    while (this.end < k) {
      const r = this.length++;
      for (const c of TICK_COLUMNS) this.cols[c][r] = c === 'n' ? 0 : Number.NaN;
    }
    return this.length++;
  }

  /** Forgets ticks before k (streaming keeps only what pending nights and mornings need). */
  dropBefore(k: number): void {
    const drop = Math.min(Math.max(0, k - this.first), this.length);
    if (drop === 0) return;
    for (const c of TICK_COLUMNS) this.cols[c].copyWithin(0, drop, this.length);
    this.first += drop;
    this.length -= drop;
  }

  private ensure(size: number): void {
    const cap = this.cols.n.length;
    if (size <= cap) return;
    const grown = makeColumns(Math.max(size, cap * 2));
    for (const c of TICK_COLUMNS) grown[c].set(this.cols[c].subarray(0, this.length));
    this.cols = grown;
  }
}

export interface Calibration {
  /** calibrated = (raw + offset) * scale, per axis (GGIR convention). */
  offset: readonly [number, number, number];
  scale: readonly [number, number, number];
}

export const NO_CALIBRATION: Calibration = { offset: [0, 0, 0], scale: [1, 1, 1] };

/** A batch of samples at a fixed rate: sample i was taken at t0 + i * 1000 / rateHz. */
export type TickSamples = Segment;

const ANGLE_LOWPASS_HZ = 3;
/** Angles are computed on block means at about this rate: bending is far slower, and it saves most of the work. */
const ANGLE_RATE_HZ = 12.5;
/** A low-passed sample counts as quasi-static (gravity dominates) when its norm is within this of 1 g. */
const QUASI_STATIC_G = 0.06;
const QS_LO = (1 - QUASI_STATIC_G) ** 2;
const QS_HI = (1 + QUASI_STATIC_G) ** 2;
const DEG = 180 / Math.PI;
/** Inclination extremes count only while the trunk turns slower than this, deg/s, and accelerates less than
 *  STILL_DEG_S2, deg/s^2. */
const STILL_DEG_S = 15;
const STILL_DEG_S2 = 60;

// Running state (kept between batches). Slots up to TICK_SLOTS are the open tick's sums and start afresh each tick.
const N = 0;
const SX = 1;
const SY = 2;
const SZ = 3;
const SXX = 4;
const SYY = 5;
const SZZ = 6;
const SMAG = 7;
const SMAG2 = 8;
const SENMO = 9;
// Extremes of tan(sagittal) = -fx/fy and tan(frontal) = -fz/fy while fy > 0 (monotonic there, so no atan2 per
// sample), and of the sagittal angle itself past horizontal.
const UMIN = 10;
const UMAX = 11;
const VMIN = 12;
const VMAX = 13;
const AMIN = 14;
const AMAX = 15;
/** Peak squared speed, sum and count of speeds. */
const SPEAK = 16;
const SSUM = 17;
const SN = 18;
/** Tangent extremes without the at-rest condition. */
const UMIN_ANY = 19;
const UMAX_ANY = 20;
const VMIN_ANY = 21;
const VMAX_ANY = 22;
const SXZ = 23;
const TICK_SLOTS = 24;
/** Low-pass state (two delay values per axis), the open block's raw sums and count, the previous tangents. */
const Z = 24;
const BLK = 30;
const PREV_U = 34;
const PREV_V = 35;
const PREV_DS = 36;
const PREV_DF = 37;
const STATE_SIZE = 38;

// Parameters of the kernel: mounting (9), offset (3), scale (3), filter (5), flags and rates.
const P_OFF = 9;
const P_SCALE = 12;
const P_FILTER = 15;
const P_PASS = 20;
const P_BLOCK = 21;
const P_RATE_RAD = 22;
const P_ANGLES = 23;
const P_STRIDE = 24;
const PARAM_SIZE = 25;

function atanDeg(u: number): number {
  return Math.atan(u) * DEG;
}

function clearTick(st: Float64Array): void {
  st.fill(0, 0, TICK_SLOTS);
  st[UMIN] = st[VMIN] = st[AMIN] = st[UMIN_ANY] = st[VMIN_ANY] = Number.POSITIVE_INFINITY;
  st[UMAX] = st[VMAX] = st[AMAX] = st[UMAX_ANY] = st[VMAX_ANY] = Number.NEGATIVE_INFINITY;
}

/**
 * The per-sample work for samples [from, to) of one tick: calibrate, rotate, sum; every block of samples, low-pass
 * the block mean and track inclination extremes and angular speed. A plain function with everything in locals, so
 * the engine keeps it in registers; the caller splits batches at tick boundaries.
 */
function accumulate(
  ax: Float32Array,
  ay: Float32Array,
  az: Float32Array,
  gx: Float32Array | undefined,
  gy: Float32Array | undefined,
  gz: Float32Array | undefined,
  from: number,
  to: number,
  p: Float64Array,
  st: Float64Array,
): void {
  const m0 = p[0]!;
  const m1 = p[1]!;
  const m2 = p[2]!;
  const m3 = p[3]!;
  const m4 = p[4]!;
  const m5 = p[5]!;
  const m6 = p[6]!;
  const m7 = p[7]!;
  const m8 = p[8]!;
  const o0 = p[P_OFF]!;
  const o1 = p[P_OFF + 1]!;
  const o2 = p[P_OFF + 2]!;
  const c0 = p[P_SCALE]!;
  const c1 = p[P_SCALE + 1]!;
  const c2 = p[P_SCALE + 2]!;
  const stride = p[P_STRIDE]!;
  let n = st[N]!;
  let sx = st[SX]!;
  let sy = st[SY]!;
  let sz = st[SZ]!;
  let sxx = st[SXX]!;
  let syy = st[SYY]!;
  let szz = st[SZZ]!;
  let sxz = st[SXZ]!;
  let smag = st[SMAG]!;
  let smag2 = st[SMAG2]!;
  let senmo = st[SENMO]!;
  if (p[P_ANGLES]! === 0) {
    // Sums only (the first pass). The preamble repeats the full loop's on purpose: one tight loop each.
    for (let i = from; i < to; i += stride) {
      const rx = (ax[i]! + o0) * c0;
      const ry = (ay[i]! + o1) * c1;
      const rz = (az[i]! + o2) * c2;
      const x = m0 * rx + m1 * ry + m2 * rz;
      const y = m3 * rx + m4 * ry + m5 * rz;
      const z = m6 * rx + m7 * ry + m8 * rz;
      const mag2 = x * x + y * y + z * z;
      const mag = Math.sqrt(mag2);
      n++;
      sx += x;
      sy += y;
      sz += z;
      sxx += x * x;
      syy += y * y;
      szz += z * z;
      sxz += x * z;
      smag += mag;
      smag2 += mag2;
      senmo += mag > 1 ? mag - 1 : 0;
    }
  } else {
    const pass = p[P_PASS]! === 1;
    const b0 = p[P_FILTER]!;
    const b1 = p[P_FILTER + 1]!;
    const b2 = p[P_FILTER + 2]!;
    const a1 = p[P_FILTER + 3]!;
    const a2 = p[P_FILTER + 4]!;
    const blockLen = p[P_BLOCK]!;
    const rateRad = p[P_RATE_RAD]!;
    const gyro = gx !== undefined && gy !== undefined && gz !== undefined;
    let zx1 = st[Z]!;
    let zx2 = st[Z + 1]!;
    let zy1 = st[Z + 2]!;
    let zy2 = st[Z + 3]!;
    let zz1 = st[Z + 4]!;
    let zz2 = st[Z + 5]!;
    let bx = st[BLK]!;
    let by = st[BLK + 1]!;
    let bz = st[BLK + 2]!;
    let bn = st[BLK + 3]!;
    let prevU = st[PREV_U]!;
    let prevV = st[PREV_V]!;
    let prevDs = st[PREV_DS]!;
    let prevDf = st[PREV_DF]!;
    let uMin = st[UMIN]!;
    let uMax = st[UMAX]!;
    let vMin = st[VMIN]!;
    let vMax = st[VMAX]!;
    let uMinAny = st[UMIN_ANY]!;
    let uMaxAny = st[UMAX_ANY]!;
    let vMinAny = st[VMIN_ANY]!;
    let vMaxAny = st[VMAX_ANY]!;
    let speakSq = st[SPEAK]!;
    let ssum = st[SSUM]!;
    let sn = st[SN]!;
    for (let i = from; i < to; i++) {
      const rx = (ax[i]! + o0) * c0;
      const ry = (ay[i]! + o1) * c1;
      const rz = (az[i]! + o2) * c2;
      const x = m0 * rx + m1 * ry + m2 * rz;
      const y = m3 * rx + m4 * ry + m5 * rz;
      const z = m6 * rx + m7 * ry + m8 * rz;
      const mag2 = x * x + y * y + z * z;
      const mag = Math.sqrt(mag2);
      n++;
      sx += x;
      sy += y;
      sz += z;
      sxx += x * x;
      syy += y * y;
      szz += z * z;
      sxz += x * z;
      smag += mag;
      smag2 += mag2;
      senmo += mag > 1 ? mag - 1 : 0;
      let speed = -1;
      // Raw sums: calibration and rotation are linear, so they apply to the block mean at the block's end.
      bx += ax[i]!;
      by += ay[i]!;
      bz += az[i]!;
      if (++bn === blockLen) {
        const bxr = (bx / bn + o0) * c0;
        const byr = (by / bn + o1) * c1;
        const bzr = (bz / bn + o2) * c2;
        bx = by = bz = bn = 0;
        let fx = m0 * bxr + m1 * byr + m2 * bzr;
        let fy = m3 * bxr + m4 * byr + m5 * bzr;
        let fz = m6 * bxr + m7 * byr + m8 * bzr;
        if (!pass) {
          const x1 = fx;
          const y1 = fy;
          const z1 = fz;
          fx = b0 * x1 + zx1;
          zx1 = b1 * x1 - a1 * fx + zx2;
          zx2 = b2 * x1 - a2 * fx;
          fy = b0 * y1 + zy1;
          zy1 = b1 * y1 - a1 * fy + zy2;
          zy2 = b2 * y1 - a2 * fy;
          fz = b0 * z1 + zz1;
          zz1 = b1 * z1 - a1 * fz + zz2;
          zz2 = b2 * z1 - a2 * fz;
        }
        const fn2 = fx * fx + fy * fy + fz * fz;
        if (fn2 > QS_LO && fn2 < QS_HI && fy > 0) {
          const inv = -1 / fy;
          const u = fx * inv;
          const v = fz * inv;
          // d(atan u) = du / (1 + u^2)
          const ds = (u - prevU) / (1 + u * u);
          const df = (v - prevV) / (1 + v * v);
          const angSpeed = Math.sqrt(ds * ds + df * df) * rateRad; // NaN after a break
          // Angular acceleration (deg/s^2) from the change of the rate components.
          const dds = ds - prevDs;
          const ddf = df - prevDf;
          const angAcc = Math.sqrt(dds * dds + ddf * ddf) * rateRad * (rateRad / DEG);
          prevDs = ds;
          prevDf = df;
          // Extremes only where the trunk is at rest: a trunk decelerating into a bend adds tangential acceleration
          // that reads as extra tilt, a short sharp peak; the real apex is flat (slow and not accelerating).
          // Each sample counts for the plane it leans in most, so a big forward bend seen through a slightly
          // turned mounting does not read as a lateral one.
          const rest = angSpeed < STILL_DEG_S && angAcc < STILL_DEG_S2;
          if (u * u >= v * v) {
            if (u < uMinAny) uMinAny = u;
            if (u > uMaxAny) uMaxAny = u;
            if (rest && u < uMin) uMin = u;
            if (rest && u > uMax) uMax = u;
          } else {
            if (v < vMinAny) vMinAny = v;
            if (v > vMaxAny) vMaxAny = v;
            if (rest && v < vMin) vMin = v;
            if (rest && v > vMax) vMax = v;
          }
          if (!gyro && !Number.isNaN(angSpeed)) speed = angSpeed;
          prevU = u;
          prevV = v;
        } else {
          prevDs = Number.NaN;
          if (fn2 > QS_LO && fn2 < QS_HI) extremeAngles(st, fx, fy);
          prevU = Number.NaN;
        }
      }
      if (gyro) {
        // Body-frame rotation about x (frontal plane) and z (sagittal plane); rotation about the spine is not bending.
        const wx = gx[i]!;
        const wy = gy[i]!;
        const wz = gz[i]!;
        const bxw = m0 * wx + m1 * wy + m2 * wz;
        const bzw = m6 * wx + m7 * wy + m8 * wz;
        speed = Math.sqrt(bxw * bxw + bzw * bzw);
      }
      if (speed >= 0) {
        if (speed * speed > speakSq) speakSq = speed * speed;
        ssum += speed;
        sn++;
      }
    }
    st[Z] = zx1;
    st[Z + 1] = zx2;
    st[Z + 2] = zy1;
    st[Z + 3] = zy2;
    st[Z + 4] = zz1;
    st[Z + 5] = zz2;
    st[BLK] = bx;
    st[BLK + 1] = by;
    st[BLK + 2] = bz;
    st[BLK + 3] = bn;
    st[PREV_U] = prevU;
    st[PREV_V] = prevV;
    st[PREV_DS] = prevDs;
    st[PREV_DF] = prevDf;
    st[UMIN] = uMin;
    st[UMAX] = uMax;
    st[VMIN] = vMin;
    st[VMAX] = vMax;
    st[UMIN_ANY] = uMinAny;
    st[UMAX_ANY] = uMaxAny;
    st[VMIN_ANY] = vMinAny;
    st[VMAX_ANY] = vMaxAny;
    st[SPEAK] = speakSq;
    st[SSUM] = ssum;
    st[SN] = sn;
  }
  st[N] = n;
  st[SX] = sx;
  st[SY] = sy;
  st[SZ] = sz;
  st[SXX] = sxx;
  st[SYY] = syy;
  st[SZZ] = szz;
  st[SXZ] = sxz;
  st[SMAG] = smag;
  st[SMAG2] = smag2;
  st[SENMO] = senmo;
}

/**
 * Bent past horizontal (fy <= 0): the tangent is not monotonic there, so the sagittal angle itself is kept. The
 * frontal inclination atan2(-z, y) means nothing once the spine is horizontal or beyond, so none is taken.
 */
function extremeAngles(st: Float64Array, fx: number, fy: number): void {
  const sag = sagittalDeg(fx, fy);
  if (sag < st[AMIN]!) st[AMIN] = sag;
  if (sag > st[AMAX]!) st[AMAX] = sag;
}

/**
 * Accumulates samples into ticks, applying calibration and the mounting rotation first (pass the identity and no
 * calibration to get device-frame ticks). Streaming: push batches in time order; each completed tick is appended to
 * `table` when the first sample of a later tick arrives (or on flush). This is the one pass over the raw data: no
 * trigonometry per sample, inclinations on block means at about 12.5 Hz.
 */
export class TickAccumulator {
  readonly table: TickTable;
  private readonly p = new Float64Array(PARAM_SIZE);
  private readonly st = new Float64Array(STATE_SIZE);
  private filterRate = 0;
  private lastT = Number.NEGATIVE_INFINITY;
  private tick = Number.NaN;
  private tickEnd = Number.NEGATIVE_INFINITY;
  /**
   * Skip angles and speeds (first pass for calibration and mounting: sums only). That pass also reads only every
   * stride-th sample above 10 Hz: means and SDs over a second are as well estimated from ten samples as from fifty.
   */
  private readonly summariesOnly: boolean;
  /** Gaps between batches longer than this restart the filter. */
  readonly maxGapMs: number;

  constructor(
    originMs: number,
    mounting: Mat3,
    calibration: Calibration = NO_CALIBRATION,
    options: { maxGapMs?: number; summariesOnly?: boolean; capacitySeconds?: number } = {},
  ) {
    this.summariesOnly = options.summariesOnly ?? false;
    // Sized up front when the length is known (a whole recording): no growing copies, no garbage.
    this.table = new TickTable(originMs, Math.max(16, Math.ceil(options.capacitySeconds ?? 1024)));
    this.p.set(mounting, 0);
    this.p.set(calibration.offset, P_OFF);
    this.p.set(calibration.scale, P_SCALE);
    this.p[P_ANGLES] = this.summariesOnly ? 0 : 1;
    this.p[P_STRIDE] = 1;
    this.maxGapMs = options.maxGapMs ?? 500;
    clearTick(this.st);
  }

  /** Index of the tick still open (later samples may join it); ticks before it are complete. */
  get openTick(): number {
    return this.st[N]! > 0 ? this.tick : this.table.end;
  }

  /** UTC ms of the last sample pushed. */
  get lastSampleMs(): number {
    return this.lastT;
  }

  push(b: TickSamples): void {
    const { rateHz, ax, ay, az } = b;
    const count = ax.length;
    if (count === 0) return;
    const dt = 1000 / rateHz;
    const t0 = b.t0;
    const p = this.p;
    if (this.summariesOnly) p[P_STRIDE] = Math.max(1, Math.floor(rateHz / 10));
    else if (this.filterRate !== rateHz || t0 - this.lastT > Math.max(this.maxGapMs, 1.5 * dt)) {
      this.restartFilter(b);
    }
    const origin = this.table.originMs;
    // Samples at or before the last one pushed are repeats: their tick is already summarised.
    let i = 0;
    while (i < count && t0 + i * dt <= this.lastT) i++;
    while (i < count) {
      if (t0 + i * dt >= this.tickEnd) {
        if (this.st[N]! > 0) this.closeTick();
        this.tick = Math.floor((t0 + i * dt - origin) / 1000);
        this.tickEnd = origin + (this.tick + 1) * 1000;
      }
      // The first sample at or after the tick's end, by the same arithmetic as the test above.
      let j = Math.max(i + 1, Math.ceil((this.tickEnd - t0) / dt));
      while (j > i + 1 && t0 + (j - 1) * dt >= this.tickEnd) j--;
      while (j < count && t0 + j * dt < this.tickEnd) j++;
      j = Math.min(j, count);
      // With a stride, keep the phase of the whole batch so every stride-th sample is read.
      const stride = p[P_STRIDE]!;
      const from = stride > 1 ? i + ((stride - (i % stride)) % stride) : i;
      accumulate(ax, ay, az, b.gx, b.gy, b.gz, from, j, p, this.st);
      i = j;
    }
    this.lastT = t0 + (count - 1) * dt;
  }

  private restartFilter(b: TickSamples): void {
    const p = this.p;
    const blockLen = Math.max(1, Math.floor(b.rateHz / ANGLE_RATE_HZ));
    const f = new Lowpass3(ANGLE_LOWPASS_HZ, b.rateHz / blockLen);
    this.filterRate = b.rateHz;
    p[P_FILTER] = f.b0;
    p[P_FILTER + 1] = f.b1;
    p[P_FILTER + 2] = f.b2;
    p[P_FILTER + 3] = f.a1;
    p[P_FILTER + 4] = f.a2;
    p[P_PASS] = f.passthrough ? 1 : 0;
    p[P_BLOCK] = blockLen;
    p[P_RATE_RAD] = (b.rateHz / blockLen) * DEG;
    // Start at steady state on the first sample, so a new segment does not ring.
    const x = (b.ax[0]! + p[P_OFF]!) * p[P_SCALE]!;
    const y = (b.ay[0]! + p[P_OFF + 1]!) * p[P_SCALE + 1]!;
    const z = (b.az[0]! + p[P_OFF + 2]!) * p[P_SCALE + 2]!;
    f.reset(p[0]! * x + p[1]! * y + p[2]! * z, p[3]! * x + p[4]! * y + p[5]! * z, p[6]! * x + p[7]! * y + p[8]! * z);
    const zs = new Float64Array(6);
    f.save(zs);
    this.st.set(zs, Z);
    this.st.fill(0, BLK, BLK + 4);
    this.st[PREV_U] = Number.NaN;
    this.st[PREV_V] = Number.NaN;
    this.st[PREV_DS] = Number.NaN;
    this.st[PREV_DF] = Number.NaN;
  }

  /** Closes the open tick (end of data). */
  flush(): void {
    if (this.st[N]! > 0) this.closeTick();
    this.tickEnd = Number.NEGATIVE_INFINITY;
  }

  private closeTick(): void {
    const st = this.st;
    const n = st[N]!;
    const r = this.table.append(this.tick);
    const c = this.table.cols;
    const mx = st[SX]! / n;
    const my = st[SY]! / n;
    const mz = st[SZ]! / n;
    const magMean = st[SMAG]! / n;
    c.n[r] = n;
    c.mx[r] = mx;
    c.my[r] = my;
    c.mz[r] = mz;
    c.vx[r] = Math.max(0, st[SXX]! / n - mx * mx);
    c.vy[r] = Math.max(0, st[SYY]! / n - my * my);
    c.vz[r] = Math.max(0, st[SZZ]! / n - mz * mz);
    c.cxz[r] = st[SXZ]! / n - mx * mz;
    c.magMean[r] = magMean;
    c.magSd[r] = Math.sqrt(Math.max(0, st[SMAG2]! / n - magMean * magMean));
    c.enmo[r] = st[SENMO]! / n;
    if (this.summariesOnly) {
      // The first pass has no angles; its angle columns stay unset and are never read.
      clearTick(st);
      return;
    }
    const sagMin = Math.min(atanDeg(st[UMIN]!), st[AMIN]!);
    const sagMax = Math.max(atanDeg(st[UMAX]!), st[AMAX]!);
    const froMin = atanDeg(st[VMIN]!);
    const froMax = atanDeg(st[VMAX]!);
    c.sagMin[r] = sagMin <= sagMax ? sagMin : Number.NaN;
    c.sagMax[r] = sagMin <= sagMax ? sagMax : Number.NaN;
    c.froMin[r] = froMin <= froMax ? froMin : Number.NaN;
    c.froMax[r] = froMin <= froMax ? froMax : Number.NaN;
    // Past horizontal (fy <= 0) there is no at-rest test: those sagittal angles count in both.
    const sagMinAny = Math.min(atanDeg(st[UMIN_ANY]!), st[AMIN]!);
    const sagMaxAny = Math.max(atanDeg(st[UMAX_ANY]!), st[AMAX]!);
    const froMinAny = atanDeg(st[VMIN_ANY]!);
    const froMaxAny = atanDeg(st[VMAX_ANY]!);
    c.sagMinAny[r] = sagMinAny <= sagMaxAny ? sagMinAny : Number.NaN;
    c.sagMaxAny[r] = sagMinAny <= sagMaxAny ? sagMaxAny : Number.NaN;
    c.froMinAny[r] = froMinAny <= froMaxAny ? froMinAny : Number.NaN;
    c.froMaxAny[r] = froMinAny <= froMaxAny ? froMaxAny : Number.NaN;
    c.speedPeak[r] = st[SN]! > 0 ? Math.sqrt(st[SPEAK]!) : Number.NaN;
    c.speedMean[r] = st[SN]! > 0 ? st[SSUM]! / st[SN]! : Number.NaN;
    clearTick(st);
  }
}
