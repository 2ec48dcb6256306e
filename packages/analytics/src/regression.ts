// Least-squares line of y on x (simple-statistics) with the t interval of its slope, as R's confint(lm(y ~ x)).
import { linearRegression, linearRegressionLine, rSquared } from 'simple-statistics';
import { z } from 'zod';
import { correlationUnavailable } from './correlation.js';
import { tCritical } from './distributions.js';
import { intervalSchema, type Unavailable } from './result.js';

export const slopeSchema = z.object({
  status: z.literal('ok'),
  /** Change in y per unit of x. */
  value: z.number(),
  intercept: z.number(),
  ci: intervalSchema.describe('confidence interval of the slope, t with n-2 df'),
  r2: z.number(),
});
export type Slope = z.infer<typeof slopeSchema>;

/** Takes complete pairs; needs the same minimum as the correlations so that a table row is all there or all absent. */
export function slope(x: readonly number[], y: readonly number[], confidence = 0.95): Slope | Unavailable {
  const unavailable = correlationUnavailable(x, y);
  if (unavailable) return unavailable;
  const n = x.length;
  const points = x.map((xi, i) => [xi, y[i]!]);
  const { m, b } = linearRegression(points);
  const line = linearRegressionLine({ m, b });
  const meanX = x.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let residualSs = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i]! - meanX) ** 2;
    residualSs += (y[i]! - line(x[i]!)) ** 2;
  }
  const se = Math.sqrt(residualSs / (n - 2) / sxx);
  const half = tCritical(confidence, n - 2) * se;
  return { status: 'ok', value: m, intercept: b, ci: [m - half, m + half], r2: rSquared(points, line) };
}
