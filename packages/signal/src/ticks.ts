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

/** Ticks first..first+length-1 (tick k starts at originMs + k * 1000), one Float64Array per column. */
export class TickTable {
  first = 0;
  length = 0;
  cols: Record<TickColumn, Float64Array>;
  constructor(
    readonly originMs: number,
    capacity = 1024,
  ) {
    this.cols = Object.fromEntries(TICK_COLUMNS.map((c) => [c, new Float64Array(capacity)])) as Record<
      TickColumn,
      Float64Array
    >;
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

  /** Appends tick k (after filling any missing ticks before it); returns its row. */
  append(k: number): number {
    if (this.length === 0) this.first = k;
    while (this.end <= k) {
      this.ensure(this.length + 1);
      const r = this.length++;
      for (const c of TICK_COLUMNS) this.cols[c][r] = c === 'n' ? 0 : Number.NaN;
    }
    return k - this.first;
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
    const next = Math.max(size, cap * 2);
    for (const c of TICK_COLUMNS) {
      const grown = new Float64Array(next);
      grown.set(this.cols[c].subarray(0, this.length));
      this.cols[c] = grown;
    }
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
/** A low-passed sample counts as quasi-static (gravity dominates) when its norm is within this of 1 g. */
const QUASI_STATIC_G = 0.06;

/**
 * Accumulates samples into ticks, applying calibration and the mounting rotation first (pass the identity and no
 * calibration to get device-frame ticks). Streaming: push batches in time order; each completed tick is appended to
 * `table` when the first sample of a later tick arrives (or on flush).
 */
export class TickAccumulator {
  readonly table: TickTable;
  private readonly m: Mat3;
  private readonly off: readonly number[];
  private readonly sc: readonly number[];
  private filter: Lowpass3 | null = null;
  private filterRate = 0;
  private lastT = Number.NEGATIVE_INFINITY;
  private tick = Number.NaN;
  private tickEnd = Number.NEGATIVE_INFINITY;
  // Running sums of the open tick.
  private n = 0;
  private s = new Float64Array(12);
  private sagMin = Number.POSITIVE_INFINITY;
  private sagMax = Number.NEGATIVE_INFINITY;
  private froMin = Number.POSITIVE_INFINITY;
  private froMax = Number.NEGATIVE_INFINITY;
  private speedPeak = 0;
  private speedSum = 0;
  private speedN = 0;
  private prevSag = Number.NaN;
  private prevFro = Number.NaN;
  /** Skip angles and speeds (first pass for calibration and mounting: sums only). */
  private readonly summariesOnly: boolean;
  /** Gaps between batches longer than this restart the filter. */
  readonly maxGapMs: number;

  constructor(
    originMs: number,
    mounting: Mat3,
    calibration: Calibration = NO_CALIBRATION,
    options: { maxGapMs?: number; summariesOnly?: boolean } = {},
  ) {
    this.summariesOnly = options.summariesOnly ?? false;
    this.table = new TickTable(originMs);
    this.m = mounting;
    this.off = calibration.offset;
    this.sc = calibration.scale;
    this.maxGapMs = options.maxGapMs ?? 500;
  }

  /** Index of the tick still open (later samples may join it); ticks before it are complete. */
  get openTick(): number {
    return this.n > 0 ? this.tick : this.table.end;
  }

  /** UTC ms of the last sample pushed. */
  get lastSampleMs(): number {
    return this.lastT;
  }

  push(b: TickSamples): void {
    const { rateHz, ax, ay, az, gx, gy, gz } = b;
    const n = ax.length;
    if (n === 0) return;
    const dt = 1000 / rateHz;
    const origin = this.table.originMs;
    const m = this.m;
    const [o0, o1, o2] = this.off as [number, number, number];
    const [c0, c1, c2] = this.sc as [number, number, number];
    const gyro = gx !== undefined && gy !== undefined && gz !== undefined;
    if (this.filter === null || this.filterRate !== rateHz || b.t0 - this.lastT > Math.max(this.maxGapMs, 1.5 * dt)) {
      this.filter = new Lowpass3(ANGLE_LOWPASS_HZ, rateHz);
      this.filterRate = rateHz;
      const x = (ax[0]! + o0) * c0;
      const y = (ay[0]! + o1) * c1;
      const z = (az[0]! + o2) * c2;
      this.filter.reset(m[0] * x + m[1] * y + m[2] * z, m[3] * x + m[4] * y + m[5] * z, m[6] * x + m[7] * y + m[8] * z);
      this.prevSag = Number.NaN;
      this.prevFro = Number.NaN;
    }
    const f = this.filter;
    const s = this.s;
    for (let i = 0; i < n; i++) {
      const t = b.t0 + i * dt;
      if (t <= this.lastT) continue; // repeated or late samples: the tick they belong to is already summarised
      if (t >= this.tickEnd) {
        this.closeTick();
        this.tick = Math.floor((t - origin) / 1000);
        this.tickEnd = origin + (this.tick + 1) * 1000;
      }
      this.lastT = t;
      const rx = (ax[i]! + o0) * c0;
      const ry = (ay[i]! + o1) * c1;
      const rz = (az[i]! + o2) * c2;
      const x = m[0] * rx + m[1] * ry + m[2] * rz;
      const y = m[3] * rx + m[4] * ry + m[5] * rz;
      const z = m[6] * rx + m[7] * ry + m[8] * rz;
      const mag = Math.sqrt(x * x + y * y + z * z);
      this.n++;
      s[0]! += x;
      s[1]! += y;
      s[2]! += z;
      s[3]! += x * x;
      s[4]! += y * y;
      s[5]! += z * z;
      s[6]! += mag;
      s[7]! += mag * mag;
      s[8]! += mag > 1 ? mag - 1 : 0;
      if (this.summariesOnly) continue;
      const fx = f.step(0, x);
      const fy = f.step(1, y);
      const fz = f.step(2, z);
      const fn = Math.sqrt(fx * fx + fy * fy + fz * fz);
      let speed = Number.NaN;
      if (fn > 1 - QUASI_STATIC_G && fn < 1 + QUASI_STATIC_G) {
        const sag = sagittalDeg(fx, fy);
        const fro = frontalDeg(fy, fz);
        if (sag < this.sagMin) this.sagMin = sag;
        if (sag > this.sagMax) this.sagMax = sag;
        if (fro < this.froMin) this.froMin = fro;
        if (fro > this.froMax) this.froMax = fro;
        if (!gyro && !Number.isNaN(this.prevSag)) {
          const ds = sag - this.prevSag;
          const df = fro - this.prevFro;
          speed = Math.sqrt(ds * ds + df * df) * rateHz;
        }
        this.prevSag = sag;
        this.prevFro = fro;
      } else {
        this.prevSag = Number.NaN;
        this.prevFro = Number.NaN;
      }
      if (gyro) {
        // Body-frame rotation about x (frontal plane) and z (sagittal plane); rotation about the spine is not bending.
        const wx = gx[i]!;
        const wy = gy[i]!;
        const wz = gz[i]!;
        const bx = m[0] * wx + m[1] * wy + m[2] * wz;
        const bz = m[6] * wx + m[7] * wy + m[8] * wz;
        speed = Math.sqrt(bx * bx + bz * bz);
      }
      if (!Number.isNaN(speed)) {
        if (speed > this.speedPeak) this.speedPeak = speed;
        this.speedSum += speed;
        this.speedN++;
      }
    }
  }

  /** Closes the open tick (end of data). */
  flush(): void {
    this.closeTick();
    this.tickEnd = Number.NEGATIVE_INFINITY;
  }

  private closeTick(): void {
    const n = this.n;
    if (n > 0) {
      const r = this.table.append(this.tick);
      const c = this.table.cols;
      const s = this.s;
      const mx = s[0]! / n;
      const my = s[1]! / n;
      const mz = s[2]! / n;
      const magMean = s[6]! / n;
      c.n[r] = n;
      c.mx[r] = mx;
      c.my[r] = my;
      c.mz[r] = mz;
      c.vx[r] = Math.max(0, s[3]! / n - mx * mx);
      c.vy[r] = Math.max(0, s[4]! / n - my * my);
      c.vz[r] = Math.max(0, s[5]! / n - mz * mz);
      c.magMean[r] = magMean;
      c.magSd[r] = Math.sqrt(Math.max(0, s[7]! / n - magMean * magMean));
      c.enmo[r] = s[8]! / n;
      const qs = this.sagMin <= this.sagMax;
      c.sagMin[r] = qs ? this.sagMin : Number.NaN;
      c.sagMax[r] = qs ? this.sagMax : Number.NaN;
      c.froMin[r] = qs ? this.froMin : Number.NaN;
      c.froMax[r] = qs ? this.froMax : Number.NaN;
      c.speedPeak[r] = this.speedN > 0 ? this.speedPeak : Number.NaN;
      c.speedMean[r] = this.speedN > 0 ? this.speedSum / this.speedN : Number.NaN;
    }
    this.n = 0;
    this.s.fill(0);
    this.sagMin = Number.POSITIVE_INFINITY;
    this.sagMax = Number.NEGATIVE_INFINITY;
    this.froMin = Number.POSITIVE_INFINITY;
    this.froMax = Number.NEGATIVE_INFINITY;
    this.speedPeak = 0;
    this.speedSum = 0;
    this.speedN = 0;
  }
}
