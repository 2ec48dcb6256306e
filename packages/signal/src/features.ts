// Per-epoch features from ticks: what the posture models see. The rule uses the gravity direction; a learned
// model (packages/classifier) can use the whole vector. Columns are named so models can check what they get.
import { angleBetweenDeg, frontalDeg, rollDeg, sagittalDeg, tiltFromVerticalDeg } from './angles.js';
import type { TickTable } from './ticks.js';

export const EPOCH_FEATURE_NAMES = [
  /** Unit gravity direction in the body frame. */
  'gx',
  'gy',
  'gz',
  /** Angle of the spine from vertical / 90. */
  'tilt90',
  /** Roll as sine and cosine (no wrap-around). */
  'sinRoll',
  'cosRoll',
  /** Length of the mean acceleration vector, g (below 1 when the trunk moves within the epoch). */
  'meanNorm',
  /** SD of |a| (pooled over the epoch), g. */
  'magSd',
  /** ENMO, g. */
  'enmo',
  /** Largest angle between a tick's gravity direction and the epoch's, degrees / 90. */
  'spread90',
  /** Peak trunk angular speed / 100 deg/s (0 when unknown). */
  'speed100',
  /** Share of the expected samples present. */
  'coverage',
  /** Per-axis median of the one-second gravity directions: the epoch's direction, robust to a movement that
   *  takes less than half of it (an aborted turn, a limb movement). Unit length. */
  'medX',
  'medY',
  'medZ',
  /** Within-second acceleration across the trunk (x-z plane) as a doubled angle, see EpochSummary.axis2. */
  'axis2Cos',
  'axis2Sin',
] as const;
export const EPOCH_FEATURE_COUNT = EPOCH_FEATURE_NAMES.length;

export interface EpochSummary {
  /** UTC epoch ms of the epoch start. */
  start: number;
  durationS: number;
  samples: number;
  coverage: number;
  /** Mean body-frame acceleration, g. */
  mean: [number, number, number];
  sagittalDeg: number;
  frontalDeg: number;
  rollDeg: number;
  tiltDeg: number;
  magSd: number;
  enmo: number;
  spreadDeg: number;
  /** Per-axis median of the one-second mean directions, normalized. */
  medianDir: [number, number, number];
  /** Peak and mean trunk angular speed, deg/s (null when no quasi-static samples and no gyroscope). */
  speedPeak: number | null;
  speedMean: number | null;
  /**
   * Within-second acceleration in the x-z plane (across the spine) as a doubled-angle vector ((vx - vz), 2 cov(x, z))
   * / (vx + vz): half its angle (roll convention, atan2(z, x)) is the axis the trunk accelerates along, its length
   * (0-1) how much that axis dominates. Walking accelerates the trunk mostly forward and back, so while walking this
   * shows the mounting's turn about the spine, which gravity cannot.
   */
  axis2: [number, number];
}

// Scratch for the per-second directions of one epoch (epochs are at most 300 s).
let dirX = new Float64Array(300);
let dirY = new Float64Array(300);
let dirZ = new Float64Array(300);

function median(a: Float64Array, n: number): number {
  const s = a.subarray(0, n).sort();
  return n % 2 ? s[(n - 1) / 2]! : 0.5 * (s[n / 2 - 1]! + s[n / 2]!);
}

/** Summarises ticks k0..k0+len-1; null when fewer than minCoverage of the expected samples are present. */
export function summarizeEpoch(
  ticks: TickTable,
  k0: number,
  len: number,
  rateHz: number,
  minCoverage: number,
): EpochSummary | null {
  const c = ticks.cols;
  if (dirX.length < len) {
    dirX = new Float64Array(len);
    dirY = new Float64Array(len);
    dirZ = new Float64Array(len);
  }
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sz = 0;
  let smag = 0;
  let smag2 = 0;
  let senmo = 0;
  let peak = Number.NaN;
  let speedSum = 0;
  let speedTicks = 0;
  let svx = 0;
  let svz = 0;
  let scxz = 0;
  for (let k = k0; k < k0 + len; k++) {
    const r = ticks.row(k);
    if (r < 0 || c.n[r]! === 0) continue;
    const nr = c.n[r]!;
    n += nr;
    sx += nr * c.mx[r]!;
    sy += nr * c.my[r]!;
    sz += nr * c.mz[r]!;
    smag += nr * c.magMean[r]!;
    smag2 += nr * (c.magSd[r]! ** 2 + c.magMean[r]! ** 2);
    senmo += nr * c.enmo[r]!;
    svx += nr * c.vx[r]!;
    svz += nr * c.vz[r]!;
    scxz += nr * c.cxz[r]!;
    const p = c.speedPeak[r]!;
    if (!Number.isNaN(p)) {
      if (!(peak >= p)) peak = p;
      speedSum += c.speedMean[r]!;
      speedTicks++;
    }
  }
  const coverage = n / (rateHz * len);
  if (n === 0 || coverage < minCoverage) return null;
  const mean: [number, number, number] = [sx / n, sy / n, sz / n];
  const magMean = smag / n;
  let spread = 0;
  let m = 0;
  for (let k = k0; k < k0 + len; k++) {
    const r = ticks.row(k);
    if (r < 0 || c.n[r]! === 0) continue;
    const a = angleBetweenDeg([c.mx[r]!, c.my[r]!, c.mz[r]!], mean);
    if (a > spread) spread = a;
    const norm = Math.sqrt(c.mx[r]! ** 2 + c.my[r]! ** 2 + c.mz[r]! ** 2) || 1;
    dirX[m] = c.mx[r]! / norm;
    dirY[m] = c.my[r]! / norm;
    dirZ[m] = c.mz[r]! / norm;
    m++;
  }
  const med: [number, number, number] = [median(dirX, m), median(dirY, m), median(dirZ, m)];
  const medNorm = Math.sqrt(med[0] ** 2 + med[1] ** 2 + med[2] ** 2) || 1;
  return {
    start: ticks.startMs(k0),
    durationS: len,
    samples: n,
    coverage: Math.min(1, coverage),
    mean,
    sagittalDeg: sagittalDeg(mean[0], mean[1]),
    frontalDeg: frontalDeg(mean[1], mean[2]),
    rollDeg: rollDeg(mean[0], mean[2]),
    tiltDeg: tiltFromVerticalDeg(mean[0], mean[1], mean[2]),
    magSd: Math.sqrt(Math.max(0, smag2 / n - magMean * magMean)),
    enmo: senmo / n,
    spreadDeg: spread,
    medianDir: [med[0] / medNorm, med[1] / medNorm, med[2] / medNorm],
    speedPeak: !Number.isNaN(peak) ? peak : null,
    speedMean: speedTicks > 0 ? speedSum / speedTicks : null,
    axis2: svx + svz > 0 ? [(svx - svz) / (svx + svz), (2 * scxz) / (svx + svz)] : [0, 0],
  };
}

/** Writes the feature vector of one epoch into out at row i. */
export function writeFeatures(e: EpochSummary, out: Float32Array, i: number): void {
  const norm = Math.sqrt(e.mean[0] ** 2 + e.mean[1] ** 2 + e.mean[2] ** 2) || 1;
  const roll = (e.rollDeg * Math.PI) / 180;
  const o = i * EPOCH_FEATURE_COUNT;
  out[o] = e.mean[0] / norm;
  out[o + 1] = e.mean[1] / norm;
  out[o + 2] = e.mean[2] / norm;
  out[o + 3] = e.tiltDeg / 90;
  out[o + 4] = Math.sin(roll);
  out[o + 5] = Math.cos(roll);
  out[o + 6] = norm;
  out[o + 7] = e.magSd;
  out[o + 8] = e.enmo;
  out[o + 9] = e.spreadDeg / 90;
  out[o + 10] = (e.speedPeak ?? 0) / 100;
  out[o + 11] = e.coverage;
  out[o + 12] = e.medianDir[0];
  out[o + 13] = e.medianDir[1];
  out[o + 14] = e.medianDir[2];
  out[o + 15] = e.axis2[0];
  out[o + 16] = e.axis2[1];
}

export function featureMatrix(epochs: readonly EpochSummary[]): Float32Array {
  const out = new Float32Array(epochs.length * EPOCH_FEATURE_COUNT);
  for (let i = 0; i < epochs.length; i++) writeFeatures(epochs[i]!, out, i);
  return out;
}
