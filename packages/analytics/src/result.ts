// What every statistic returns when it cannot be computed, so callers and the API show why instead of a number.
import { z } from 'zod';

export const intervalSchema = z
  .tuple([z.number(), z.number()])
  .describe('confidence interval [lower, upper] at the table confidence level');
export type Interval = z.infer<typeof intervalSchema>;

export const unavailableSchema = z.object({
  status: z.enum(['not enough data', 'no variation']),
  /** For "not enough data": how many more complete observations would meet the minimum. */
  needed: z.number().int().positive().optional(),
  message: z.string(),
});
export type Unavailable = z.infer<typeof unavailableSchema>;

export function notEnoughData(needed: number, message: string): Unavailable {
  return { status: 'not enough data', needed, message };
}

export function noVariation(message: string): Unavailable {
  return { status: 'no variation', message };
}

export function isConstant(values: readonly number[]): boolean {
  return values.every((v) => v === values[0]);
}

/** The statistics take complete pairs; missing values are dropped by the caller (pairwise deletion). */
export function assertPairs(x: readonly number[], y: readonly number[]): void {
  if (x.length !== y.length) throw new RangeError(`x has ${x.length} values but y has ${y.length}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
      throw new RangeError(`pair ${i} is not two finite numbers; drop missing values first`);
    }
  }
}
