// Autocalibration of offset and scale against 1 g on still windows (van Hees et al. 2014, J Appl Physiol 117:738;
// the GGIR g.calibrate method without the temperature term). Works on device-frame ticks of uncalibrated data.
import { type Calibration, NO_CALIBRATION, type TickTable } from './ticks.js';

export const CALIBRATION_VERSION = 'autocalibration@1.0.0';

export interface CalibrationOptions {
  /** Window length in seconds (GGIR: 10). */
  windowS?: number;
  /** A window is still when the SD of every axis is below this, g (GGIR: 13 mg). */
  stillSdG?: number;
  /** Accept only when the error after calibration is below this, g (GGIR: 10 mg). */
  maxErrorG?: number;
  /** Sphere coverage: every axis needs still points below -this and above +this, g (GGIR: 0.3). */
  sphereG?: number;
  /** Fewest still windows worth fitting. */
  minWindows?: number;
}

export interface CalibrationReport {
  algorithm: string;
  applied: boolean;
  /** Why it was not applied, when it was not. */
  reason: string | null;
  offset: [number, number, number];
  scale: [number, number, number];
  /** Mean | |a| - 1 | over the still windows before and after, mg (null without still windows). */
  errorBeforeMg: number | null;
  errorAfterMg: number | null;
  stillWindows: number;
  /** Lowest and highest still-window mean per axis, g: how much of the sphere the still points cover. */
  coverage: { min: [number, number, number]; max: [number, number, number] } | null;
  sphereCovered: boolean;
}

/** Still windows: means per axis, from ticks (pooled within- and between-tick variance). */
export function stillWindowMeans(ticks: TickTable, windowS: number, stillSdG: number): Float64Array[] {
  const c = ticks.cols;
  const out: Float64Array[] = [[], [], []].map(() => new Float64Array(Math.floor(ticks.length / windowS) + 1));
  let count = 0;
  for (let r0 = 0; r0 + windowS <= ticks.length; r0 += windowS) {
    let n = 0;
    const sum = [0, 0, 0];
    for (let r = r0; r < r0 + windowS; r++) {
      const nr = c.n[r]!;
      if (nr === 0) {
        n = 0;
        break;
      }
      n += nr;
      sum[0]! += nr * c.mx[r]!;
      sum[1]! += nr * c.my[r]!;
      sum[2]! += nr * c.mz[r]!;
    }
    if (n === 0) continue;
    const mean = sum.map((s) => s / n);
    const cols = [
      [c.mx, c.vx],
      [c.my, c.vy],
      [c.mz, c.vz],
    ] as const;
    let still = true;
    for (let a = 0; a < 3 && still; a++) {
      let ss = 0;
      for (let r = r0; r < r0 + windowS; r++) {
        const d = cols[a]![0][r]! - mean[a]!;
        ss += c.n[r]! * (cols[a]![1][r]! + d * d);
      }
      still = Math.sqrt(ss / n) < stillSdG;
    }
    if (!still) continue;
    for (let a = 0; a < 3; a++) out[a]![count] = mean[a]!;
    count++;
  }
  return out.map((a) => a.slice(0, count));
}

function meanAbsNormError(p: Float64Array[], offset: readonly number[], scale: readonly number[]): number {
  let e = 0;
  const n = p[0]!.length;
  for (let i = 0; i < n; i++) {
    const x = (p[0]![i]! + offset[0]!) * scale[0]!;
    const y = (p[1]![i]! + offset[1]!) * scale[1]!;
    const z = (p[2]![i]! + offset[2]!) * scale[2]!;
    e += Math.abs(Math.sqrt(x * x + y * y + z * z) - 1);
  }
  return e / n;
}

/** Iterative closest-point fit of offset and scale to the unit sphere, weighted as in GGIR. */
export function fitSphere(p: Float64Array[], maxIter = 1000, tol = 1e-10): Calibration {
  const n = p[0]!.length;
  const offset = [0, 0, 0];
  const scale = [1, 1, 1];
  const w = new Float64Array(n).fill(1);
  const curr = [0, 1, 2].map(() => new Float64Array(n));
  const closest = [0, 1, 2].map(() => new Float64Array(n));
  let prevRes = Number.POSITIVE_INFINITY;
  for (let iter = 0; iter < maxIter; iter++) {
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < 3; a++) curr[a]![i] = (p[a]![i]! + offset[a]!) * scale[a]!;
      const norm = Math.sqrt(curr[0]![i]! * curr[0]![i]! + curr[1]![i]! * curr[1]![i]! + curr[2]![i]! * curr[2]![i]!);
      for (let a = 0; a < 3; a++) closest[a]![i] = curr[a]![i]! / norm;
    }
    for (let a = 0; a < 3; a++) {
      // Weighted least squares closest = intercept + slope * curr.
      let sw = 0;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let sxy = 0;
      for (let i = 0; i < n; i++) {
        const x = curr[a]![i]!;
        const y = closest[a]![i]!;
        sw += w[i]!;
        sx += w[i]! * x;
        sy += w[i]! * y;
        sxx += w[i]! * x * x;
        sxy += w[i]! * x * y;
      }
      const slope = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
      const intercept = (sy - slope * sx) / sw;
      if (!Number.isFinite(slope) || slope === 0) continue;
      for (let i = 0; i < n; i++) curr[a]![i] = intercept + slope * curr[a]![i]!;
      offset[a]! += intercept / (scale[a]! * slope);
      scale[a]! *= slope;
    }
    let res = 0;
    let sw = 0;
    for (let i = 0; i < n; i++) sw += w[i]!;
    for (let i = 0; i < n; i++) {
      let d2 = 0;
      for (let a = 0; a < 3; a++) d2 += (curr[a]![i]! - closest[a]![i]!) ** 2;
      res += (w[i]! * d2) / sw;
      w[i] = Math.min(1 / Math.sqrt(d2), 100);
    }
    res = (3 * res) / n;
    if (Math.abs(res - prevRes) < tol) break;
    prevRes = res;
  }
  return { offset: offset as [number, number, number], scale: scale as [number, number, number] };
}

/** The report when calibration was switched off. */
export function calibrationDisabled(): CalibrationReport {
  return {
    algorithm: CALIBRATION_VERSION,
    applied: false,
    reason: 'disabled',
    offset: [0, 0, 0],
    scale: [1, 1, 1],
    errorBeforeMg: null,
    errorAfterMg: null,
    stillWindows: 0,
    coverage: null,
    sphereCovered: false,
  };
}

export function autocalibrate(ticks: TickTable, options: CalibrationOptions = {}): CalibrationReport {
  const { windowS = 10, stillSdG = 0.013, maxErrorG = 0.01, sphereG = 0.3, minWindows = 10 } = options;
  const p = stillWindowMeans(ticks, windowS, stillSdG);
  const count = p[0]!.length;
  const min = p.map((a) => (count ? Math.min(...a) : Number.NaN)) as [number, number, number];
  const max = p.map((a) => (count ? Math.max(...a) : Number.NaN)) as [number, number, number];
  const sphereCovered = count > 0 && min.every((v) => v < -sphereG) && max.every((v) => v > sphereG);
  const none = {
    algorithm: CALIBRATION_VERSION,
    applied: false,
    offset: [...NO_CALIBRATION.offset] as [number, number, number],
    scale: [...NO_CALIBRATION.scale] as [number, number, number],
    stillWindows: count,
    coverage: count ? { min, max } : null,
    sphereCovered,
  };
  const before = count ? meanAbsNormError(p, NO_CALIBRATION.offset, NO_CALIBRATION.scale) * 1000 : null;
  if (count < minWindows) {
    return {
      ...none,
      reason: `only ${count} still windows (need ${minWindows})`,
      errorBeforeMg: before,
      errorAfterMg: null,
    };
  }
  if (!sphereCovered) {
    return {
      ...none,
      reason: `still orientations do not cover the sphere: every axis needs still points below -${sphereG} g and above +${sphereG} g`,
      errorBeforeMg: before,
      errorAfterMg: null,
    };
  }
  const fit = fitSphere(p);
  const after = meanAbsNormError(p, fit.offset, fit.scale) * 1000;
  const ok = after < before! && after < maxErrorG * 1000;
  return {
    ...none,
    applied: ok,
    reason: ok
      ? null
      : `error after calibration ${after.toFixed(1)} mg is not below ${maxErrorG * 1000} mg and the error before`,
    offset: ok ? ([...fit.offset] as [number, number, number]) : none.offset,
    scale: ok ? ([...fit.scale] as [number, number, number]) : none.scale,
    errorBeforeMg: before,
    errorAfterMg: after,
  };
}
