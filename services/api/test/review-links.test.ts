// Flags for clinical review, the patient list, links and trends through the HTTP API over a real DuckDB store.
import { addDays } from '../src/dates.js';
import { morning, night, openTestApi, report, rise, type TestApi } from './support.js';

let api: TestApi;
const HOUR = 3_600_000;

/** Pearson's r from its definition, to check the API's figure independently of the statistics package. */
function pearsonR(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

// p2's diary: 12 nights from Monday 2025-01-06, severity rising with the longest immobile bout (plus a wobble).
const P2_DATES = Array.from({ length: 12 }, (_, i) => addDays('2025-01-06', i));
const BOUT = [40, 85, 60, 120, 30, 95, 70, 50, 110, 65, 45, 100];
const SEVERITY = BOUT.map((b, i) => Math.round(b / 15) + (i % 3 === 0 ? 1 : 0));
const SUPINE = BOUT.map((_, i) => [0.2, 0.6, 0.4, 0.3][i % 4]!);

beforeAll(async () => {
  api = await openTestApi();
  const { store } = api;

  // p1: a red flag, stiffness over an hour on 3 of the last 7 mornings, and waking in the second half of the night
  // (from the out-of-bed episodes in the nights' detail) before 3 mornings with stiffness over 30 minutes.
  const june = ['2025-06-01', '2025-06-02', '2025-06-03', '2025-06-04', '2025-06-05', '2025-06-06', '2025-06-07'];
  const durations = [20, 70, 65, 90, 25, 35, 40];
  for (const [i, date] of june.entries()) {
    const redFlags = {
      nightPainUnchangedByMovement: date === '2025-06-03',
      progressiveNeurologicalSymptoms: false,
      unexplainedWeightLoss: null,
      fever: false,
    };
    await store.upsertStiffnessReport(report('p1', date, { durationMin: durations[i]!, redFlags }));
  }
  const episodeAt = (date: string, hoursAfterBed: number) => {
    const start = rise(date) - 8 * HOUR + hoursAfterBed * HOUR;
    return { outOfBedEpisodes: [{ start, end: start + 0.1 * HOUR, minutes: 6 }] };
  };
  await store.writeNights([
    night('p1', '2025-06-01', { out_of_bed_second_half: 0 }),
    night('p1', '2025-06-02', {}, episodeAt('2025-06-02', 2)), // first half: does not count
    night('p1', '2025-06-04', {}, episodeAt('2025-06-04', 6)),
    night('p1', '2025-06-05', {}, episodeAt('2025-06-05', 7)),
    night('p1', '2025-06-06', { longest_immobile_bout_min: 80 }, episodeAt('2025-06-06', 5)),
    night('p1', '2025-06-07', { longest_immobile_bout_min: 50 }, episodeAt('2025-06-07', 6.5)),
  ]);

  await store.writeNights(
    P2_DATES.map((d, i) => night('p2', d, { longest_immobile_bout_min: BOUT[i]!, share_supine: SUPINE[i]! })),
  );
  await store.writeMornings(P2_DATES.map((d, i) => morning('p2', d, { time_to_loosen_min: 10 + BOUT[i]! / 4 })));
  for (const [i, d] of P2_DATES.entries()) {
    await store.upsertStiffnessReport(report('p2', d, { severity: SEVERITY[i]!, durationMin: 15 }));
  }
  // A later version of one night: shown by default, the first version on request.
  await store.writeNights([
    {
      ...night('p2', P2_DATES[0]!, { longest_immobile_bout_min: 300 }),
      algorithm: 'night@2.0.0',
      computedAt: Date.now(),
    },
  ]);
});
afterAll(() => api.close());

describe('flags for clinical review', () => {
  test('red flags, prolonged stiffness and the inflammatory-pattern hint, each with its evidence', async () => {
    const res = await api.call('drA', 'GET', '/api/v1/subjects/p1/flags?asOf=2025-06-07');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.note).toBe('for clinical review, not a diagnosis');
    expect(body.flags.map((f: { kind: string }) => f.kind)).toEqual([
      'red-flag',
      'prolonged-stiffness',
      'inflammatory-pattern',
    ]);
    for (const f of body.flags) expect(f.note).toBe('for clinical review, not a diagnosis');
    const [red, prolonged, inflammatory] = body.flags;
    expect(red.evidence).toEqual([
      { date: '2025-06-03', source: 'report', measure: 'nightPainUnchangedByMovement', value: true },
    ]);
    expect(prolonged.evidence.map((e: { date: string; value: number }) => [e.date, e.value])).toEqual([
      ['2025-06-02', 70],
      ['2025-06-03', 65],
      ['2025-06-04', 90],
    ]);
    // Waking from the night's out-of-bed episodes after the midpoint: 06-04, 06-06, 06-07 (06-05's stiffness was
    // 25 min; 06-02's episode was in the first half).
    const wokeDates = inflammatory.evidence
      .filter((e: { measure: string }) => e.measure === 'outOfBedSecondHalf')
      .map((e: { date: string }) => e.date);
    expect(wokeDates).toEqual(['2025-06-04', '2025-06-06', '2025-06-07']);
  });

  test('flags look back 28 days from asOf (today by default)', async () => {
    const later = await api.call('drA', 'GET', '/api/v1/subjects/p1/flags?asOf=2025-07-15');
    expect(later.json().flags).toEqual([]);
    expect((await api.call('drA', 'GET', '/api/v1/subjects/p1/flags')).json().flags).toEqual([]);
  });

  test('the patient list puts flagged patients first, each with last night and latest report', async () => {
    const res = await api.call('admin', 'GET', '/api/v1/patients?asOf=2025-06-07');
    const { patients, note } = res.json();
    expect(note).toBe('for clinical review, not a diagnosis');
    expect(patients.map((p: { subject: { studyCode: string } }) => p.subject.studyCode)).toEqual([
      'PIL-001',
      'CON-001',
      'PIL-002',
    ]);
    const [p1] = patients;
    expect(p1.flags).toHaveLength(3);
    expect(p1.lastNight).toMatchObject({ date: '2025-06-07', metrics: { longest_immobile_bout_min: 50 } });
    expect(p1.latestReport).toMatchObject({ date: '2025-06-07', durationMin: 40 });
    expect(p1.lastMorning).toBeNull();

    const summary = (await api.call('drA', 'GET', '/api/v1/subjects/p1/summary?asOf=2025-06-07')).json();
    expect(summary).toEqual({ asOf: '2025-06-07', ...p1, subject: { ...p1.subject, clinicianIds: undefined } });
  });
});

describe('links', () => {
  test('a subject table: every night metric against every outcome, with n, r, rho, slope, q, and what fed it', async () => {
    const res = await api.call('drB', 'GET', '/api/v1/subjects/p2/links?nightAlgorithm=night@1.0.0');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rows).toHaveLength(10 * 4);
    expect(body.repeatedMeasures).toBe(false);
    expect(body.algorithms).toEqual({ night: ['night@1.0.0'], morning: ['morning@1.0.0'] });
    expect(body.observations).toBe(12);
    expect(body.variables.y.map((v: { name: string }) => v.name)).toEqual([
      'stiffness_severity',
      'stiffness_duration_min',
      'time_to_loosen_min',
      'rom_first_30min_deg',
    ]);
    const row = body.rows.find(
      (r: { x: string; y: string }) => r.x === 'longest_immobile_bout_min' && r.y === 'stiffness_severity',
    );
    expect(row.n).toBe(12);
    expect(row.pearson.r).toBeCloseTo(pearsonR(BOUT, SEVERITY), 9);
    expect(row.pearson.q).toBeLessThan(0.05);
    expect(row.rmcorr).toBeUndefined();
    // No ROM was measured: "not enough data", with how many complete pairs are missing.
    const rom = body.rows.find(
      (r: { x: string; y: string }) => r.x === 'share_supine' && r.y === 'rom_first_30min_deg',
    );
    expect(rom).toMatchObject({ n: 0, pearson: { status: 'not enough data', needed: 4 } });
    // Reported duration is constant: no correlation exists.
    const flat = body.rows.find(
      (r: { x: string; y: string }) => r.x === 'share_supine' && r.y === 'stiffness_duration_min',
    );
    expect(flat.pearson.status).toBe('no variation');
  });

  test('the latest algorithm version by default, and the table says which', async () => {
    const body = (
      await api.call('drB', 'GET', '/api/v1/subjects/p2/links?x=longest_immobile_bout_min&y=stiffness_severity')
    ).json();
    expect(body.algorithms.night).toEqual(['night@1.0.0', 'night@2.0.0']);
    expect(body.rows).toHaveLength(1);
    const withLatest = [300, ...BOUT.slice(1)];
    expect(body.rows[0].pearson.r).toBeCloseTo(pearsonR(withLatest, SEVERITY), 9);
  });

  test('names outside the catalogue and a confidence outside (0, 1) are refused by field', async () => {
    const res = await api.call('drB', 'GET', '/api/v1/subjects/p2/links?x=share_supine,shoe_size&confidence=2');
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .issues.map((i: { field: string }) => i.field)
        .sort(),
    ).toEqual(['querystring.confidence', 'querystring.x']);
    expect(res.json().message).toContain('unknown night metric shoe_size');
  });

  test('a cohort table adds the repeated-measures correlation', async () => {
    const res = await api.call('researcher', 'GET', '/api/v1/cohorts/pilot/links?y=stiffness_severity');
    const body = res.json();
    expect(body.cohort).toBe('pilot');
    expect(body.repeatedMeasures).toBe(true);
    expect(body.subjects).toBe(2);
    const row = body.rows.find((r: { x: string }) => r.x === 'longest_immobile_bout_min');
    // p1 has two nights with both values, p2 twelve: N - k - 1 degrees of freedom.
    expect(row).toMatchObject({ n: 14, subjects: 2 });
    expect(row.rmcorr).toMatchObject({ status: 'ok', df: 14 - 2 - 1 });
    expect((await api.call('researcher', 'GET', '/api/v1/cohorts/nobody/links')).statusCode).toBe(404);
  });

  test('a trend: weekly means from Monday, the nights behind them, and the fitted line', async () => {
    const res = await api.call(
      'drB',
      'GET',
      '/api/v1/subjects/p2/trends?metric=longest_immobile_bout_min&outcome=stiffness_severity&from=2025-01-01&to=2025-01-31&nightAlgorithm=night@1.0.0',
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(body.weeks).toEqual([
      { week: '2025-01-06', nights: 7, metric: mean(BOUT.slice(0, 7)), outcome: mean(SEVERITY.slice(0, 7)) },
      { week: '2025-01-13', nights: 5, metric: mean(BOUT.slice(7)), outcome: mean(SEVERITY.slice(7)) },
    ]);
    expect(body.points).toHaveLength(12);
    expect(body.points[3]).toEqual({ date: '2025-01-09', metric: 120, outcome: SEVERITY[3] });
    expect(body.link.slope.status).toBe('ok');
    expect(body.link.pearson.r).toBeCloseTo(pearsonR(BOUT, SEVERITY), 9);
    expect(body.metric).toMatchObject({ name: 'longest_immobile_bout_min', unit: 'min' });
  });
});
