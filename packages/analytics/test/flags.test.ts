import { REVIEW_NOTE, type ReviewFlag, reviewFlagSchema, reviewFlags } from '../src/index.js';

const day = (d: number) => `2024-03-${String(d).padStart(2, '0')}`;

function kinds(flags: ReviewFlag[]) {
  return flags.map((f) => f.kind);
}

test('every flag says it is for clinical review, not a diagnosis, and fits its schema', () => {
  const flags = reviewFlags({
    reports: [1, 2, 3].map((d) => ({ date: day(d), stiffnessDurationMin: 90, redFlags: { fever: d === 2 } })),
    mornings: [],
    nights: [1, 2, 3].map((d) => ({ date: day(d), wakeSecondHalfMin: 45 })),
  });
  expect(kinds(flags)).toEqual(['red-flag', 'prolonged-stiffness', 'inflammatory-pattern']);
  for (const f of flags) {
    expect(f.note).toBe('for clinical review, not a diagnosis');
    expect(reviewFlagSchema.parse(f)).toEqual(f);
  }
  expect(REVIEW_NOTE).toBe('for clinical review, not a diagnosis');
});

describe('red flags', () => {
  test('any red-flag answer raises one flag per question, with every report that gave it', () => {
    const flags = reviewFlags({
      reports: [
        { date: day(5), redFlags: { unexplainedWeightLoss: true, fever: false } },
        { date: day(9), redFlags: { unexplainedWeightLoss: true } },
        { date: day(10), redFlags: { nightPainUnchangedByMovement: true } },
        { date: day(11), redFlags: {} },
      ],
      mornings: [],
      nights: [],
    });
    expect(flags).toEqual([
      {
        kind: 'red-flag',
        severity: 'high',
        summary: 'night pain that does not change with movement reported on 1 day in the last 28 days',
        since: day(10),
        evidence: [{ date: day(10), source: 'report', measure: 'nightPainUnchangedByMovement', value: true }],
        note: REVIEW_NOTE,
      },
      {
        kind: 'red-flag',
        severity: 'high',
        summary: 'unexplained weight loss reported on 2 days in the last 28 days',
        since: day(5),
        evidence: [
          { date: day(5), source: 'report', measure: 'unexplainedWeightLoss', value: true },
          { date: day(9), source: 'report', measure: 'unexplainedWeightLoss', value: true },
        ],
        note: REVIEW_NOTE,
      },
    ]);
  });

  test('answers older than the look-back window do not count', () => {
    const data = {
      reports: [{ date: '2024-01-02', redFlags: { fever: true } }],
      mornings: [{ date: day(20), timeToLoosenMin: 10 }],
      nights: [],
    };
    expect(reviewFlags(data)).toEqual([]);
    expect(kinds(reviewFlags(data, { lookbackDays: 90 }))).toEqual(['red-flag']);
  });
});

describe('prolonged stiffness', () => {
  const mornings = (durations: (number | null)[], loosen: (number | null)[] = []) => ({
    reports: durations.map((d, i) => ({ date: day(i + 1), stiffnessDurationMin: d })),
    mornings: loosen.map((t, i) => ({ date: day(i + 1), timeToLoosenMin: t })),
    nights: [],
  });

  test('reported or measured stiffness over 60 min on 3 of the last 7 mornings with data raises it', () => {
    const flags = reviewFlags(mornings([70, 20, 30, 15, null, 20, 25], [null, 20, 65, null, 20, null, 75]));
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({
      kind: 'prolonged-stiffness',
      severity: 'moderate',
      since: day(1),
      summary: 'stiffness over 60 min (reported or time to loosen) on 3 of the last 7 mornings with data',
      evidence: [
        { date: day(1), source: 'report', measure: 'stiffnessDurationMin', value: 70, threshold: 60 },
        { date: day(3), source: 'device', measure: 'timeToLoosenMin', value: 65, threshold: 60 },
        { date: day(7), source: 'device', measure: 'timeToLoosenMin', value: 75, threshold: 60 },
      ],
    });
  });

  test('exactly 60 min is not over 60, two mornings are not several, and older mornings fall out of the last 7', () => {
    expect(reviewFlags(mornings([60, 60, 60, 61, 61]))).toEqual([]);
    expect(reviewFlags(mornings([90, 90, 90, 10, 10, 10, 10, 10, 10, 10]))).toEqual([]);
    expect(kinds(reviewFlags(mornings([90, 90, 90, 10, 10, 10, 10])))).toEqual(['prolonged-stiffness']);
  });

  test('a morning with both measures over counts once, and the window is configurable', () => {
    const data = mornings([90, 90, 10], [80, 10, 10]);
    expect(reviewFlags(data)).toEqual([]);
    const flags = reviewFlags(data, { minMornings: 2, recentMornings: 3 });
    expect(flags[0]!.summary).toBe(
      'stiffness over 60 min (reported or time to loosen) on 2 of the last 3 mornings with data',
    );
    expect(flags[0]!.evidence).toHaveLength(3);
  });
});

describe('inflammatory-pattern hint', () => {
  const week = (stiffness: number[], wake: (number | null)[], outOfBed: (number | null)[] = []) => ({
    reports: stiffness.map((d, i) => ({ date: day(i + 1), stiffnessDurationMin: d })),
    mornings: [],
    nights: wake.map((w, i) => ({ date: day(i + 1), wakeSecondHalfMin: w, outOfBedSecondHalf: outOfBed[i] ?? null })),
  });

  test('stiffness over 30 min after waking in the second half of that night, on 3 of the last 7 such mornings', () => {
    const flags = reviewFlags(week([45, 40, 10, 35, 50, 20], [25, 5, 30, 0, 0, 40], [0, 1, 0, 0, 2, 0]));
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ kind: 'inflammatory-pattern', severity: 'low', since: day(1) });
    expect(flags[0]!.evidence.filter((e) => e.source === 'device').map((e) => [e.date, e.measure])).toEqual([
      [day(1), 'wakeSecondHalfMin'],
      [day(2), 'outOfBedSecondHalf'],
      [day(5), 'outOfBedSecondHalf'],
    ]);
  });

  test('stiffness without waking, or waking without stiffness, is not the pattern', () => {
    expect(reviewFlags(week([45, 45, 45, 45], [0, 5, 10, 19]))).toEqual([]);
    expect(reviewFlags(week([10, 30, 20, 25], [60, 60, 60, 60]))).toEqual([]);
  });

  test('mornings without night data are not counted as mornings without the pattern', () => {
    // Seven more recent mornings lack a night record; the three paired ones still make the hint.
    const data = week([45, 45, 45, 10, 10, 10, 10, 10, 10, 10], [30, 30, 30]);
    expect(kinds(reviewFlags(data))).toEqual(['inflammatory-pattern']);
  });
});

test('bad input and bad rules are rejected with the field named', () => {
  expect(() => reviewFlags({ reports: [{ date: '2024-13-01' }], mornings: [], nights: [] })).toThrow(/date/);
  expect(() => reviewFlags({ reports: [], mornings: [{ date: day(1), timeToLoosenMin: -5 }], nights: [] })).toThrow(
    /timeToLoosenMin/,
  );
  expect(() => reviewFlags({ reports: [], mornings: [], nights: [] }, { minMornings: 8 })).toThrow(
    /minMornings must not exceed recentMornings/,
  );
  expect(reviewFlags({ reports: [], mornings: [], nights: [] })).toEqual([]);
});
