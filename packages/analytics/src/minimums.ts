// Minimum amounts of data before a statistic is reported (docs/statistics.md, "Minimum n").

/** Pearson, Spearman and the slope: 4 complete pairs, the fewest for which the Fisher-z interval (SE 1/sqrt(n-3)) exists. */
export const MIN_PAIRS = 4;

/** Repeated-measures correlation: residual df = N - subjects - 1 of at least 4, the fewest for its interval (SE 1/sqrt(df-3)). */
export const MIN_RMCORR_DF = 4;

/** Repeated-measures correlation: at least 2 subjects with 2 or more observations each. */
export const MIN_REPEATING_SUBJECTS = 2;
