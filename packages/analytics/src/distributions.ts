// The t and normal distributions come from stdlib (maintained, tested against R/Boost); nothing hand-rolled here.
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** Two-sided p-value of a t statistic with `df` degrees of freedom. */
export function twoSidedTPValue(t: number, df: number): number {
  return 2 * tCdf(-Math.abs(t), df);
}

/** The normal quantile that leaves (1 - confidence) / 2 in each tail: 1.959964 for 95%. */
export function normalCritical(confidence: number): number {
  return normalQuantile((1 + confidence) / 2, 0, 1);
}

/** The t quantile with `df` degrees of freedom that leaves (1 - confidence) / 2 in each tail. */
export function tCritical(confidence: number, df: number): number {
  return tQuantile((1 + confidence) / 2, df);
}
