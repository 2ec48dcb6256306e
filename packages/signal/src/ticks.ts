// One-second summaries ("ticks"): the only per-sample pass. Everything downstream (calibration, mounting, epochs,
// nights, mornings) works on ticks, so memory grows with seconds, not samples, and any epoch length that is a
// whole number of seconds can be built from them. Ticks are aligned to originMs + k * 1000.
import { frontalDeg, sagittalDeg } from './angles.js';
import { Lowpass3 } from './lowpass.js';
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
  /** Mean and SD of |a| within the tick, g. */
  'magMean',
  'magSd',
  /** Mean of max(|a| - 1, 0), g (ENMO). */
  'enmo',
  /** Extremes of the sagittal and frontal inclination of quasi-static, low-passed samples, degrees. */
  'sagMin',
  'sagMax',
  'froMin',
  'froMax',
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
    magMean: f(),
    magSd: f(),
    enmo: f(),
    sagMin: f(),
    sagMax: f(),
    froMin: f(),
    froMax: f(),
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

export interface TickSamples {
  t0: number;
  rateHz: number;
  ax: Float32Array;
  ay: Float32Array;
  az: Float32Array;
  gx?: Float32Array;
  gy?: Float32Array;
  gz?: Float32Array;
}

const ANGLE_LOWPASS_HZ = 3;
/** Angles are computed on block means at about this rate: bending is far slower, and it saves most of the work. */
const ANGLE_RATE_HZ = 12.5;
/** A low-passed sample counts as quasi-static (gravity dominates) when its norm is within this of 1 g. */
const QUASI_STATIC_G = 0.06;
const QS_LO = (1 - QUASI_STATIC_G) ** 2;
const QS_HI = (1 + QUASI_STATIC_G) ** 2;
const DEG = 180 / Math.PI;

// Slots of the open tick's running state (kept between batches).
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
// sample), and of the angles themselves otherwise.
const UMIN = 10;
const UMAX = 11;
const VMIN = 12;
const VMAX = 13;
const AMIN = 14;
const AMAX = 15;
const BMIN = 16;
const BMAX = 17;
const SPEAK = 18;
const SSUM = 19;
const SN = 20;
const STATE = 21;

function atanDeg(u: number): number {
  return Math.atan(u) * DEG;
}

function clearState(st: Float64Array): void {
  st.fill(0, 0, STATE);
  st[UMIN] = st[VMIN] = st[AMIN] = st[BMIN] = Number.POSITIVE_INFINITY;
  st[UMAX] = st[VMAX] = st[AMAX] = st[BMAX] = Number.NEGATIVE_INFINITY;
}

/**
 * Accumulates samples into ticks, applying calibration and the mounting rotation first (pass the identity and no
 * calibration to get device-frame ticks). Streaming: push batches in time order; each completed tick is appended to
 * `table` when the first sample of a later tick arrives (or on flush). The loop keeps its sums in locals and
 * computes no trigonometry per sample: it is the one pass over the raw data.
 */
export class TickAccumulator {
  readonly table: TickTable;
  private readonly m: Mat3;
  private readonly off: readonly number[];
  private readonly sc: readonly number[];
  private filter: Lowpass3 | null = null;
  private filterRate = 0;
  /** Filter state: y, then the two delay values, per axis. */
  private readonly z = new Float64Array(6);
  private lastT = Number.NEGATIVE_INFINITY;
  private tick = Number.NaN;
  private tickEnd = Number.NEGATIVE_INFINITY;
  private readonly st = new Float64Array(STATE);
  /** Block of samples averaged before the angle filter (decimation to about 12.5 Hz; the mean is the anti-alias). */
  private readonly block = new Float64Array(4);
  private blockLen = 1;
  /** Previous quasi-static sample's tangents, for the angular speed without a gyroscope (NaN: none). */
  private prevU = Number.NaN;
  private prevV = Number.NaN;
  /**
   * Skip angles and speeds (first pass for calibration and mounting: sums only). That pass also reads only every
   * stride-th sample above 10 Hz: means and SDs over a second are as well estimated from ten samples as from fifty.
   */
  private readonly summariesOnly: boolean;
  private stride: number;
  /** Gaps between batches longer than this restart the filter. */
  readonly maxGapMs: number;

  constructor(
    originMs: number,
    mounting: Mat3,
    calibration: Calibration = NO_CALIBRATION,
    options: { maxGapMs?: number; summariesOnly?: boolean } = {},
  ) {
    this.summariesOnly = options.summariesOnly ?? false;
    this.stride = 1;
    this.table = new TickTable(originMs);
    this.m = mounting;
    this.off = calibration.offset;
    this.sc = calibration.scale;
    this.maxGapMs = options.maxGapMs ?? 500;
    clearState(this.st);
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
    const { rateHz, ax, ay, az, gx, gy, gz } = b;
    const count = ax.length;
    if (count === 0) return;
    const dt = 1000 / rateHz;
    const origin = this.table.originMs;
    const m = this.m;
    const m0 = m[0];
    const m1 = m[1];
    const m2 = m[2];
    const m3 = m[3];
    const m4 = m[4];
    const m5 = m[5];
    const m6 = m[6];
    const m7 = m[7];
    const m8 = m[8];
    const o0 = this.off[0]!;
    const o1 = this.off[1]!;
    const o2 = this.off[2]!;
    const c0 = this.sc[0]!;
    const c1 = this.sc[1]!;
    const c2 = this.sc[2]!;
    const angles = !this.summariesOnly;
    this.stride = angles ? 1 : Math.max(1, Math.floor(rateHz / 10));
    const stride = this.stride;
    const gyro = angles && gx !== undefined && gy !== undefined && gz !== undefined;
    if (
      angles &&
      (this.filter === null || this.filterRate !== rateHz || b.t0 - this.lastT > Math.max(this.maxGapMs, 1.5 * dt))
    ) {
      this.blockLen = Math.max(1, Math.floor(rateHz / ANGLE_RATE_HZ));
      this.block.fill(0);
      this.filter = new Lowpass3(ANGLE_LOWPASS_HZ, rateHz / this.blockLen);
      this.filterRate = rateHz;
      const x = (ax[0]! + o0) * c0;
      const y = (ay[0]! + o1) * c1;
      const z = (az[0]! + o2) * c2;
      this.filter.reset(m0 * x + m1 * y + m2 * z, m3 * x + m4 * y + m5 * z, m6 * x + m7 * y + m8 * z);
      this.filter.save(this.z);
      this.prevU = Number.NaN;
      this.prevV = Number.NaN;
    }
    const f = this.filter;
    const pass = f?.passthrough ?? true;
    const b0 = f?.b0 ?? 1;
    const b1 = f?.b1 ?? 0;
    const b2 = f?.b2 ?? 0;
    const a1 = f?.a1 ?? 0;
    const a2 = f?.a2 ?? 0;
    const zs = this.z;
    let zx1 = zs[0]!;
    let zx2 = zs[1]!;
    let zy1 = zs[2]!;
    let zy2 = zs[3]!;
    let zz1 = zs[4]!;
    let zz2 = zs[5]!;
    const st = this.st;
    let n = st[N]!;
    let sx = st[SX]!;
    let sy = st[SY]!;
    let sz = st[SZ]!;
    let sxx = st[SXX]!;
    let syy = st[SYY]!;
    let szz = st[SZZ]!;
    let smag = st[SMAG]!;
    let smag2 = st[SMAG2]!;
    let senmo = st[SENMO]!;
    let uMin = st[UMIN]!;
    let uMax = st[UMAX]!;
    let vMin = st[VMIN]!;
    let vMax = st[VMAX]!;
    let speakSq = st[SPEAK]!;
    let ssum = st[SSUM]!;
    let sn = st[SN]!;
    let prevU = this.prevU;
    let prevV = this.prevV;
    let lastT = this.lastT;
    let tickEnd = this.tickEnd;
    const blockLen = this.blockLen;
    const blk = this.block;
    let bx = blk[0]!;
    let by = blk[1]!;
    let bz = blk[2]!;
    let bn = blk[3]!;
    const rateRad = (rateHz / blockLen) * DEG;
    for (let i = 0; i < count; i += stride) {
      const t = b.t0 + i * dt;
      if (t <= lastT) continue; // repeated or late samples: the tick they belong to is already summarised
      if (t >= tickEnd) {
        if (n > 0) {
          st[N] = n;
          st[SX] = sx;
          st[SY] = sy;
          st[SZ] = sz;
          st[SXX] = sxx;
          st[SYY] = syy;
          st[SZZ] = szz;
          st[SMAG] = smag;
          st[SMAG2] = smag2;
          st[SENMO] = senmo;
          st[UMIN] = uMin;
          st[UMAX] = uMax;
          st[VMIN] = vMin;
          st[VMAX] = vMax;
          st[SPEAK] = speakSq;
          st[SSUM] = ssum;
          st[SN] = sn;
          this.closeTick();
          n = sx = sy = sz = sxx = syy = szz = smag = smag2 = senmo = speakSq = ssum = sn = 0;
          uMin = vMin = Number.POSITIVE_INFINITY;
          uMax = vMax = Number.NEGATIVE_INFINITY;
        }
        this.tick = Math.floor((t - origin) / 1000);
        tickEnd = origin + (this.tick + 1) * 1000;
      }
      lastT = t;
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
      smag += mag;
      smag2 += mag2;
      if (mag > 1) senmo += mag - 1;
      if (!angles) continue;
      let speed = Number.NaN;
      bx += x;
      by += y;
      bz += z;
      if (++bn === blockLen) {
        let fx = bx / bn;
        let fy = by / bn;
        let fz = bz / bn;
        bx = by = bz = bn = 0;
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
        if (fn2 > QS_LO && fn2 < QS_HI) {
          if (fy > 0) {
            const inv = -1 / fy;
            const u = fx * inv;
            const v = fz * inv;
            if (u < uMin) uMin = u;
            if (u > uMax) uMax = u;
            if (v < vMin) vMin = v;
            if (v > vMax) vMax = v;
            if (!gyro && !Number.isNaN(prevU)) {
              // d(atan u) = du / (1 + u^2)
              const ds = (u - prevU) / (1 + u * u);
              const df = (v - prevV) / (1 + v * v);
              speed = Math.sqrt(ds * ds + df * df) * rateRad;
            }
            prevU = u;
            prevV = v;
          } else {
            this.extremeAngles(fx, fy, fz);
            prevU = Number.NaN;
          }
        } else prevU = Number.NaN;
      }
      if (gyro) {
        // Body-frame rotation about x (frontal plane) and z (sagittal plane); rotation about the spine is not bending.
        const wx = gx[i]!;
        const wy = gy[i]!;
        const wz = gz[i]!;
        const bx = m0 * wx + m1 * wy + m2 * wz;
        const bz = m6 * wx + m7 * wy + m8 * wz;
        speed = Math.sqrt(bx * bx + bz * bz);
      }
      if (!Number.isNaN(speed)) {
        if (speed * speed > speakSq) speakSq = speed * speed;
        ssum += speed;
        sn++;
      }
    }
    st[N] = n;
    st[SX] = sx;
    st[SY] = sy;
    st[SZ] = sz;
    st[SXX] = sxx;
    st[SYY] = syy;
    st[SZZ] = szz;
    st[SMAG] = smag;
    st[SMAG2] = smag2;
    st[SENMO] = senmo;
    st[UMIN] = uMin;
    st[UMAX] = uMax;
    st[VMIN] = vMin;
    st[VMAX] = vMax;
    st[SPEAK] = speakSq;
    st[SSUM] = ssum;
    st[SN] = sn;
    zs[0] = zx1;
    zs[1] = zx2;
    zs[2] = zy1;
    zs[3] = zy2;
    zs[4] = zz1;
    zs[5] = zz2;
    blk[0] = bx;
    blk[1] = by;
    blk[2] = bz;
    blk[3] = bn;
    this.prevU = prevU;
    this.prevV = prevV;
    this.lastT = lastT;
    this.tickEnd = tickEnd;
  }

  /** Trunk bent past horizontal (fy <= 0): the tangent is not monotonic there, so keep the angles themselves. */
  private extremeAngles(fx: number, fy: number, fz: number): void {
    const st = this.st;
    const sag = sagittalDeg(fx, fy);
    const fro = frontalDeg(fy, fz);
    if (sag < st[AMIN]!) st[AMIN] = sag;
    if (sag > st[AMAX]!) st[AMAX] = sag;
    if (fro < st[BMIN]!) st[BMIN] = fro;
    if (fro > st[BMAX]!) st[BMAX] = fro;
  }

  /** Closes the open tick (end of data). */
  flush(): void {
    this.closeTick();
    this.tickEnd = Number.NEGATIVE_INFINITY;
  }

  private closeTick(): void {
    const toDeg = atanDeg;
    const st = this.st;
    const n = st[N]!;
    if (n > 0) {
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
      c.magMean[r] = magMean;
      c.magSd[r] = Math.sqrt(Math.max(0, st[SMAG2]! / n - magMean * magMean));
      c.enmo[r] = st[SENMO]! / n;
      const sagMin = Math.min(toDeg(st[UMIN]!), st[AMIN]!);
      const sagMax = Math.max(toDeg(st[UMAX]!), st[AMAX]!);
      const qs = sagMin <= sagMax;
      c.sagMin[r] = qs ? sagMin : Number.NaN;
      c.sagMax[r] = qs ? sagMax : Number.NaN;
      c.froMin[r] = qs ? Math.min(toDeg(st[VMIN]!), st[BMIN]!) : Number.NaN;
      c.froMax[r] = qs ? Math.max(toDeg(st[VMAX]!), st[BMAX]!) : Number.NaN;
      c.speedPeak[r] = st[SN]! > 0 ? Math.sqrt(st[SPEAK]!) : Number.NaN;
      c.speedMean[r] = st[SN]! > 0 ? st[SSUM]! / st[SN]! : Number.NaN;
    }
    clearState(st);
  }
}
