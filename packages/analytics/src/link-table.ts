// The links table: every x column against every y column, with n, Pearson, Spearman, slope, rmcorr when subjects
// repeat, and Benjamini-Hochberg q-values across the table for each statistic.
import { z } from 'zod';
import { correlationUnavailable, midranks, pearson, pearsonSchema, spearman, spearmanSchema } from './correlation.js';
import { benjaminiHochberg } from './multiple-comparisons.js';
import { slope, slopeSchema } from './regression.js';
import { type Unavailable, unavailableSchema } from './result.js';
import { rmcorr, rmcorrSchema } from './rmcorr.js';

export const linkObservationSchema = z.object({
  /** Who the observation belongs to; observations without one are left out of rmcorr only. */
  subject: z.string().min(1).nullable().optional(),
  /** Column values; null, undefined and non-finite numbers are missing. */
  values: z.record(z.string(), z.number().nullable().optional()),
});
export type LinkObservation = z.infer<typeof linkObservationSchema>;

const q = z.number().describe('Benjamini-Hochberg q-value across the table for this statistic');

export const linkRowSchema = z.object({
  x: z.string(),
  y: z.string(),
  /** Observations where both x and y are present (pairwise deletion). */
  n: z.number().int(),
  /** Distinct subjects among those observations, when observations carry subjects. */
  subjects: z.number().int().optional(),
  pearson: z.union([pearsonSchema.extend({ q }), unavailableSchema]),
  spearman: z.union([spearmanSchema.extend({ q }), unavailableSchema]),
  slope: z.union([slopeSchema, unavailableSchema]),
  /** Present when the table has repeated observations per subject. */
  rmcorr: z.union([rmcorrSchema.extend({ q }), unavailableSchema]).optional(),
});
export type LinkRow = z.infer<typeof linkRowSchema>;

export const linkTableSchema = z.object({
  confidence: z.number(),
  /** True when at least two subjects appear and one has several observations: rows then carry rmcorr. */
  repeatedMeasures: z.boolean(),
  rows: z.array(linkRowSchema),
});
export type LinkTable = z.infer<typeof linkTableSchema>;

export interface LinkTableOptions {
  x: readonly string[];
  y: readonly string[];
  /** Confidence level of every interval; 0.95 unless given. */
  confidence?: number;
}

function present(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function hasRepeatedMeasures(observations: readonly LinkObservation[]): boolean {
  const counts = new Map<string, number>();
  for (const o of observations) if (o.subject) counts.set(o.subject, (counts.get(o.subject) ?? 0) + 1);
  return counts.size >= 2 && [...counts.values()].some((c) => c >= 2);
}

/** Adds q-values to the rows whose statistic was computed; the others keep their reason. */
function withQValues<T extends { status: 'ok'; p: number }>(
  results: (T | Unavailable)[],
): ((T & { q: number }) | Unavailable)[] {
  const qs = benjaminiHochberg(results.map((r) => (r.status === 'ok' ? r.p : null)));
  return results.map((r, i) => (r.status === 'ok' ? { ...r, q: qs[i]! } : r));
}

/** Builds the table; pairs are x-major in the order given, and a column is never paired with itself. */
export function linkTable(observations: readonly LinkObservation[], options: LinkTableOptions): LinkTable {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence ${confidence}: expected between 0 and 1`);
  const repeatedMeasures = hasRepeatedMeasures(observations);
  const withSubjects = observations.some((o) => o.subject);

  // Each column read once into an array (NaN where missing); each pair then takes its complete rows by index.
  const names = [...new Set([...options.x, ...options.y])];
  const columns = new Map(
    names.map((name) => [name, observations.map((o) => (present(o.values[name]) ? (o.values[name] as number) : NaN))]),
  );
  // Midranks depend on which rows a pair keeps; pairs keeping the same rows share them (with complete data, every
  // x is ranked once rather than once per y).
  const ranks = new Map<string, number[]>();
  const ranked = (name: string, rows: string, values: number[]) => {
    const key = `${name}\u0000${rows}`;
    return ranks.get(key) ?? ranks.set(key, midranks(values)).get(key)!;
  };

  const pairs = options.x.flatMap((x) => options.y.filter((y) => y !== x).map((y) => ({ x, y })));
  const computed = pairs.map(({ x, y }) => {
    const cx = columns.get(x)!;
    const cy = columns.get(y)!;
    const kept: number[] = [];
    for (let i = 0; i < observations.length; i++) if (!Number.isNaN(cx[i]) && !Number.isNaN(cy[i])) kept.push(i);
    const xs = kept.map((i) => cx[i]!);
    const ys = kept.map((i) => cy[i]!);
    const rows = kept.join(',');
    const bySubject = kept.filter((i) => observations[i]!.subject);
    const enough = correlationUnavailable(xs, ys) === null;
    return {
      x,
      y,
      n: kept.length,
      subjects: withSubjects ? new Set(bySubject.map((i) => observations[i]!.subject)).size : undefined,
      pearson: pearson(xs, ys, confidence),
      spearman: spearman(xs, ys, confidence, enough ? { x: ranked(x, rows, xs), y: ranked(y, rows, ys) } : undefined),
      slope: slope(xs, ys, confidence),
      rmcorr: repeatedMeasures
        ? rmcorr(
            bySubject.map((i) => observations[i]!.subject as string),
            bySubject.map((i) => cx[i]!),
            bySubject.map((i) => cy[i]!),
            confidence,
          )
        : undefined,
    };
  });

  const pearsonQ = withQValues(computed.map((c) => c.pearson));
  const spearmanQ = withQValues(computed.map((c) => c.spearman));
  const rmcorrQ = repeatedMeasures ? withQValues(computed.map((c) => c.rmcorr!)) : [];
  const rows = computed.map(
    (c, i): LinkRow => ({
      x: c.x,
      y: c.y,
      n: c.n,
      ...(c.subjects === undefined ? {} : { subjects: c.subjects }),
      pearson: pearsonQ[i]!,
      spearman: spearmanQ[i]!,
      slope: c.slope,
      ...(repeatedMeasures ? { rmcorr: rmcorrQ[i]! } : {}),
    }),
  );
  return { confidence, repeatedMeasures, rows };
}
