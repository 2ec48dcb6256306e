// Pearson's r and Spearman's rho with Fisher-z confidence intervals and t-test p-values (docs/statistics.md).
import { sampleCorrelation } from 'simple-statistics';
import { z } from 'zod';
import { normalCritical, twoSidedTPValue } from './distributions.js';
import { MIN_PAIRS } from './minimums.js';
import {
  assertPairs,
  type Interval,
  intervalSchema,
  isConstant,
  notEnoughData,
  noVariation,
  type Unavailable,
} from './result.js';

export const pearsonSchema = z.object({
  status: z.literal('ok'),
  r: z.number(),
  ci: intervalSchema,
  p: z.number(),
});
export type Pearson = z.infer<typeof pearsonSchema>;

export const spearmanSchema = z.object({
  status: z.literal('ok'),
  rho: z.number(),
  ci: intervalSchema,
  p: z.number(),
});
export type Spearman = z.infer<typeof spearmanSchema>;

/** Rounding can push |r| a hair past 1, which would turn the t statistic and atanh into NaN. */
function clampCorrelation(r: number): number {
  return Math.max(-1, Math.min(1, r));
}

/** Two-sided p-value of H0: correlation 0, by t = r sqrt(df / (1 - r^2)) with df degrees of freedom. */
export function correlationPValue(r: number, df: number): number {
  return twoSidedTPValue(r * Math.sqrt(df / (1 - r * r)), df);
}

/** tanh(atanh(r) -/+ z * se): the Fisher-z interval for a correlation with the given standard error of atanh(r). */
export function fisherInterval(r: number, se: number, confidence: number): Interval {
  const z = Math.atanh(r);
  const half = normalCritical(confidence) * se;
  return [Math.tanh(z - half), Math.tanh(z + half)];
}

/** Why a correlation over these complete pairs cannot be computed, or null when it can. */
export function correlationUnavailable(x: readonly number[], y: readonly number[]): Unavailable | null {
  assertPairs(x, y);
  if (x.length < MIN_PAIRS) {
    return notEnoughData(
      MIN_PAIRS - x.length,
      `${x.length} complete pairs; a correlation with its interval needs at least ${MIN_PAIRS}`,
    );
  }
  if (isConstant(x) || isConstant(y)) {
    return noVariation(`${isConstant(x) ? 'x' : 'y'} takes a single value over the ${x.length} complete pairs`);
  }
  return null;
}

/**
 * Pearson's r with the interval and p-value of R's cor.test: Fisher z with SE 1/sqrt(n-3), t test with n-2 df.
 * Takes complete pairs only.
 */
export function pearson(x: readonly number[], y: readonly number[], confidence = 0.95): Pearson | Unavailable {
  const unavailable = correlationUnavailable(x, y);
  if (unavailable) return unavailable;
  const n = x.length;
  const r = clampCorrelation(sampleCorrelation(x as number[], y as number[]));
  return { status: 'ok', r, ci: fisherInterval(r, 1 / Math.sqrt(n - 3), confidence), p: correlationPValue(r, n - 2) };
}

/**
 * Ranks from 0, ties sharing the average of the ranks they span: simple-statistics' midranks (private to its
 * sampleRankCorrelation, which the tests check this against), by a native numeric sort.
 */
export function midranks(values: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  const rankOf = new Map<number, number>();
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[i]) j++;
    rankOf.set(sorted[i]!, (i + j) / 2);
    i = j + 1;
  }
  return values.map((v) => rankOf.get(v)!);
}

/**
 * Spearman's rho (Pearson's r of mid-ranks, so ties share their average rank). The p-value uses the t approximation
 * with n-2 df (R's cor.test(method = "spearman", exact = FALSE), scipy's spearmanr); the interval is Fisher z with
 * the Bonett & Wright (2000) standard error sqrt((1 + rho^2 / 2) / (n - 3)). Takes complete pairs only.
 */
export function spearman(
  x: readonly number[],
  y: readonly number[],
  confidence = 0.95,
  /** The midranks of x and y when the caller has them already (a table reuses them across its pairs). */
  ranks?: { x: readonly number[]; y: readonly number[] },
): Spearman | Unavailable {
  const unavailable = correlationUnavailable(x, y);
  if (unavailable) return unavailable;
  const n = x.length;
  const rho = clampCorrelation(
    sampleCorrelation((ranks?.x ?? midranks(x)) as number[], (ranks?.y ?? midranks(y)) as number[]),
  );
  const se = Math.sqrt((1 + (rho * rho) / 2) / (n - 3));
  return { status: 'ok', rho, ci: fisherInterval(rho, se, confidence), p: correlationPValue(rho, n - 2) };
}
