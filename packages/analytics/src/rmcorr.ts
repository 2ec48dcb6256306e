// Repeated-measures correlation (Bakdash & Marusich 2017, R package rmcorr): the common within-subject association,
// so that differences between people's baselines cannot pass for one.
import { z } from 'zod';
import { correlationPValue, fisherInterval } from './correlation.js';
import { MIN_REPEATING_SUBJECTS, MIN_RMCORR_DF } from './minimums.js';
import { assertPairs, intervalSchema, isConstant, notEnoughData, noVariation, type Unavailable } from './result.js';

export const rmcorrSchema = z.object({
  status: z.literal('ok'),
  r: z.number(),
  /** Residual degrees of freedom of y ~ subject + x: observations - subjects - 1. */
  df: z.number().int(),
  p: z.number(),
  ci: intervalSchema,
  /** The common within-subject slope of y on x. */
  slope: z.number(),
});
export type Rmcorr = z.infer<typeof rmcorrSchema>;

interface Group {
  x: number[];
  y: number[];
}

function groupBySubject(subjects: readonly string[], x: readonly number[], y: readonly number[]): Group[] {
  const groups = new Map<string, Group>();
  subjects.forEach((s, i) => {
    const g = groups.get(s) ?? { x: [], y: [] };
    groups.set(s, g);
    g.x.push(x[i]!);
    g.y.push(y[i]!);
  });
  return [...groups.values()];
}

/** The fewest further observations, added to subjects already present, that would meet both minimums. */
function observationsNeeded(groups: Group[], df: number): number {
  const sizes = groups.map((g) => g.x.length).sort((a, b) => b - a);
  let forRepeats = 0;
  for (let i = 0; i < MIN_REPEATING_SUBJECTS; i++) forRepeats += Math.max(0, 2 - (sizes[i] ?? 0));
  // Each added observation adds one degree of freedom; a subject that has to be added takes one back.
  const newSubjects = Math.max(0, MIN_REPEATING_SUBJECTS - sizes.length);
  return Math.max(MIN_RMCORR_DF - df + newSubjects, forRepeats);
}

/**
 * rmcorr as the R package computes it: the ANCOVA y ~ subject + x, r = sign(slope) * sqrt(SS_x / (SS_x + SS_error))
 * with SS_x the type III sum of squares of x, df = N - k - 1, p from the F test of x (equal to the t test here),
 * and the interval of psych::r.con(r, df): Fisher z with SE 1/sqrt(df - 3).
 *
 * The ANCOVA is computed from within-subject deviations: with each subject's own means removed, the common slope is
 * Sxy/Sxx, SS_x = Sxy^2/Sxx and SS_x + SS_error = Syy, so r = Sxy / sqrt(Sxx * Syy). Takes complete observations.
 */
export function rmcorr(
  subjects: readonly string[],
  x: readonly number[],
  y: readonly number[],
  confidence = 0.95,
): Rmcorr | Unavailable {
  assertPairs(x, y);
  if (subjects.length !== x.length) throw new RangeError(`${subjects.length} subjects for ${x.length} observations`);
  const groups = groupBySubject(subjects, x, y);
  const df = x.length - groups.length - 1;
  const repeating = groups.filter((g) => g.x.length >= 2).length;
  if (repeating < MIN_REPEATING_SUBJECTS || df < MIN_RMCORR_DF) {
    return notEnoughData(
      observationsNeeded(groups, df),
      `${x.length} observations of ${groups.length} subjects (${repeating} with repeats, df ${df}); ` +
        `needs ${MIN_REPEATING_SUBJECTS} subjects with repeats and df >= ${MIN_RMCORR_DF}`,
    );
  }
  if (groups.every((g) => isConstant(g.x)) || groups.every((g) => isConstant(g.y))) {
    const which = groups.every((g) => isConstant(g.x)) ? 'x' : 'y';
    return noVariation(`${which} does not vary within any subject`);
  }
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const g of groups) {
    const mx = g.x.reduce((s, v) => s + v, 0) / g.x.length;
    const my = g.y.reduce((s, v) => s + v, 0) / g.y.length;
    for (let i = 0; i < g.x.length; i++) {
      const dx = g.x[i]! - mx;
      const dy = g.y[i]! - my;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
  }
  const r = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  return {
    status: 'ok',
    r,
    df,
    p: correlationPValue(r, df),
    ci: fisherInterval(r, 1 / Math.sqrt(df - 3), confidence),
    slope: sxy / sxx,
  };
}
