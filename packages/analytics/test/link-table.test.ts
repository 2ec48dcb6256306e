import { createGaussian, createRng } from '@restpose/simulator';
import { benjaminiHochberg, type LinkObservation, linkTable, linkTableSchema, pearson, rmcorr } from '../src/index.js';

/**
 * 20 subjects x 30 nights. Next-morning stiffness rises within each person with their share of supine time; the other
 * night metrics vary but have no effect. People differ in baseline stiffness and in habits.
 */
function simulatedCohort(seed: number): LinkObservation[] {
  const rand = createRng(seed);
  const normal = createGaussian(rand);
  const observations: LinkObservation[] = [];
  for (let s = 0; s < 20; s++) {
    const baseline = 20 + 40 * rand();
    const habitSupine = 0.2 + 0.5 * rand();
    for (let night = 0; night < 30; night++) {
      const supineShare = Math.min(1, Math.max(0, habitSupine + 0.12 * normal()));
      const changesPerHour = Math.max(0, 2 + 0.8 * normal());
      const timeInBedH = 7 + normal();
      const duration = baseline + 40 * (supineShare - habitSupine) + 6 * normal();
      observations.push({
        subject: `s${s}`,
        values: { supineShare, changesPerHour, timeInBedH, reportedDurationMin: duration },
      });
    }
  }
  return observations;
}

test('on simulated cohorts the links find the one built-in within-subject association and not the others', () => {
  // 20 cohorts (seeds 1-20). The true link must be found (q < 0.05) every time; the two null metrics may pass by
  // chance, at most at the nominal rate (expected 5% of 40 null tests, 2; we allow 4).
  let falseDiscoveries = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const table = linkTable(simulatedCohort(seed), {
      x: ['supineShare', 'changesPerHour', 'timeInBedH'],
      y: ['reportedDurationMin'],
    });
    expect(table.repeatedMeasures).toBe(true);
    const [supine, ...nulls] = table.rows;
    if (supine!.rmcorr?.status !== 'ok' || supine!.pearson.status !== 'ok') throw new Error('expected statistics');
    expect([seed, supine!.rmcorr.q < 0.05]).toEqual([seed, true]);
    // Differences in baseline stiffness blur the pooled correlation; rmcorr removes them.
    expect(supine!.rmcorr.r).toBeGreaterThan(supine!.pearson.r);
    for (const row of nulls) if (row.rmcorr?.status === 'ok' && row.rmcorr.q < 0.05) falseDiscoveries++;
  }
  expect(falseDiscoveries).toBeLessThanOrEqual(4);
});

const observations: LinkObservation[] = [
  { subject: 'a', values: { x1: 1, x2: 5, y1: 2, y2: 10 } },
  { subject: 'a', values: { x1: 2, x2: 3, y1: 4, y2: null } },
  { subject: 'a', values: { x1: 3, x2: 4, y1: 5, y2: 12 } },
  { subject: 'b', values: { x1: 4, x2: 1, y1: 3, y2: 9 } },
  { subject: 'b', values: { x1: 5, x2: Number.NaN, y1: 6, y2: 11 } },
  { subject: 'b', values: { x1: 6, x2: 2, y1: 8, y2: 15 } },
  { subject: 'c', values: { x1: 7, x2: 6, y1: 7, y2: 13 } },
  { subject: 'c', values: { x1: 8, x2: 7, y1: 9 } },
  { subject: 'c', values: { x1: 9, x2: 8, y1: 11, y2: 16 } },
];

describe('linkTable', () => {
  const table = linkTable(observations, { x: ['x1', 'x2'], y: ['y1', 'y2', 'x1'] });

  test('pairs every x with every y, x-major, never a column with itself, and fits its schema', () => {
    expect(table.rows.map((r) => `${r.x}~${r.y}`)).toEqual(['x1~y1', 'x1~y2', 'x2~y1', 'x2~y2', 'x2~x1']);
    expect(linkTableSchema.parse(table)).toEqual(table);
  });

  test('drops missing values pair by pair (null, undefined, NaN)', () => {
    const n = Object.fromEntries(table.rows.map((r) => [`${r.x}~${r.y}`, r.n]));
    expect(n).toEqual({ 'x1~y1': 9, 'x1~y2': 7, 'x2~y1': 8, 'x2~y2': 6, 'x2~x1': 8 });
    const row = table.rows[1]!;
    const kept = observations.filter((o) => typeof o.values.y2 === 'number');
    expect(row.pearson).toEqual({
      ...pearson(
        kept.map((o) => o.values.x1 as number),
        kept.map((o) => o.values.y2 as number),
      ),
      q: expect.any(Number),
    });
    expect(row.subjects).toBe(3);
  });

  test('q-values are Benjamini-Hochberg across the table, per statistic', () => {
    for (const stat of ['pearson', 'spearman', 'rmcorr'] as const) {
      const results = table.rows.map((r) => r[stat]!);
      const expected = benjaminiHochberg(results.map((r) => (r.status === 'ok' ? r.p : null)));
      results.forEach((r, i) => {
        if (r.status === 'ok') expect(r.q).toBe(expected[i]);
      });
    }
  });

  test('rmcorr appears when subjects repeat, with the same numbers as rmcorr() on the complete observations', () => {
    expect(table.repeatedMeasures).toBe(true);
    const row = table.rows[0]!;
    expect(row.rmcorr).toEqual({
      ...rmcorr(
        observations.map((o) => o.subject!),
        observations.map((o) => o.values.x1 as number),
        observations.map((o) => o.values.y1 as number),
      ),
      q: expect.any(Number),
    });
    // x2~y2 keeps 6 observations of 3 subjects: df 2 is short of 4.
    expect(table.rows[3]!.rmcorr).toMatchObject({ status: 'not enough data', needed: 2 });
  });

  test('no rmcorr without repeated subjects, or with a single subject (it would equal Pearson)', () => {
    const strip = (o: LinkObservation, subject?: string) => ({ values: o.values, subject });
    for (const obs of [
      observations.map((o) => strip(o)),
      observations.map((o, i) => strip(o, `s${i}`)),
      observations.map((o) => strip(o, 'only')),
    ]) {
      const t = linkTable(obs, { x: ['x1'], y: ['y1'] });
      expect(t.repeatedMeasures).toBe(false);
      expect(t.rows[0]).not.toHaveProperty('rmcorr');
    }
    expect(
      linkTable(
        observations.map((o) => strip(o)),
        { x: ['x1'], y: ['y1'] },
      ).rows[0],
    ).not.toHaveProperty('subjects');
  });

  test('a pair with too little data says so with the count needed, and others are unaffected', () => {
    const t = linkTable(
      [
        { values: { a: 1, b: 2, c: 1 } },
        { values: { a: 2, b: null, c: 3 } },
        { values: { a: 3, b: 1, c: 2 } },
        { values: { a: 4, b: null, c: 5 } },
      ],
      { x: ['a'], y: ['b', 'c'] },
    );
    expect(t.rows[0]).toMatchObject({
      n: 2,
      pearson: { status: 'not enough data', needed: 2 },
      spearman: { status: 'not enough data', needed: 2 },
      slope: { status: 'not enough data', needed: 2 },
    });
    // The only computed p-value is its own family: q = p.
    const ok = t.rows[1]!.pearson;
    expect(ok.status === 'ok' && ok.q === ok.p).toBe(true);
  });

  test('rejects a confidence level outside (0, 1)', () => {
    expect(() => linkTable(observations, { x: ['x1'], y: ['y1'], confidence: 95 })).toThrow(/confidence 95/);
  });
});
