// Pearson's r and Spearman's rho with Fisher-z confidence intervals and t-test p-values (docs/statistics.md).
import { sampleCorrelation, sampleRankCorrelation } from 'simple-statistics';
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
 * Spearman's rho (Pearson's r of mid-ranks, so ties share their average rank). The p-value uses the t approximation
 * with n-2 df (R's cor.test(method = "spearman", exact = FALSE), scipy's spearmanr); the interval is Fisher z with
 * the Bonett & Wright (2000) standard error sqrt((1 + rho^2 / 2) / (n - 3)). Takes complete pairs only.
 */
export function spearman(x: readonly number[], y: readonly number[], confidence = 0.95): Spearman | Unavailable {
  const unavailable = correlationUnavailable(x, y);
  if (unavailable) return unavailable;
  const n = x.length;
  const rho = clampCorrelation(sampleRankCorrelation(x as number[], y as number[]));
  const se = Math.sqrt((1 + (rho * rho) / 2) / (n - 3));
  return { status: 'ok', rho, ci: fisherInterval(rho, se, confidence), p: correlationPValue(rho, n - 2) };
}
