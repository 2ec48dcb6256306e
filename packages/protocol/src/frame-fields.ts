// Field rules shared by both wire forms of an `imu` frame, so that the binary header and the JSON form accept
// exactly the same values and name them the same way in rejections.
import { z } from 'zod';
import type { Rejection } from './errors.js';
import { LIMITS } from './limits.js';

export const uint32Field = z.number().int().min(0).max(0xffffffff);
/** Range only; the acceptance window (not before 2020, not in the future) gets its own codes in checkBatchTime. */
export const t0Field = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const rateHzField = z.number().min(LIMITS.minRateHz).max(LIMITS.maxRateHz);
export const accScaleField = z.number().min(LIMITS.minAccScaleMg).max(LIMITS.maxAccScaleMg);
export const gyroScaleField = z.number().min(LIMITS.minGyroScaleMdps).max(LIMITS.maxGyroScaleMdps);
export const countField = z.number().int().min(1).max(LIMITS.maxSamples);

/** Rates travel at 1 uHz resolution (the binary header's unit), so both forms decode to the same number. */
export function rateFromMicrohertz(rateUhz: number): number {
  return rateUhz / 1e6;
}
export function rateToMicrohertz(rateHz: number): number {
  return Math.round(rateHz * 1e6);
}

/**
 * Scales travel as float32 (the binary header's type), so both forms use the float32 value. A count becomes
 * count * scale / 1000 (g or deg/s), computed in float64 (the product is exact) and stored as float32.
 */
export function wireScale(scale: number): number {
  return Math.fround(scale);
}

function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

/** The acceptance window for a batch's timestamps: from 2020 on, and no sample over 5 min ahead of the server. */
export function checkBatchTime(t0: number, count: number, rateHz: number, nowMs: number): Rejection | null {
  if (t0 < LIMITS.minTimestampMs) {
    return {
      code: 'TIMESTAMP_TOO_OLD',
      message: `t0: ${iso(t0)} is before ${iso(LIMITS.minTimestampMs)}; set the device clock before recording`,
    };
  }
  const lastMs = t0 + ((count - 1) * 1000) / rateHz;
  if (lastMs > nowMs + LIMITS.maxFutureMs) {
    return {
      code: 'TIMESTAMP_IN_FUTURE',
      message: `t0: the batch ends at ${iso(lastMs)}, more than 5 min after the server time ${iso(nowMs)}`,
    };
  }
  return null;
}
