// Nights, mornings and stiffness reports through the HTTP API over a real DuckDB store.
import { epochs, morning, night, openTestApi, report, rise, type TestApi } from './support.js';

let api: TestApi;
const MIN = 60_000;

beforeAll(async () => {
  api = await openTestApi();
});
afterAll(() => api.close());

describe('stiffness reports', () => {
  test('one report per date: the first POST creates (201), the second updates (200) and says so', async () => {
    const first = await api.call('drA', 'POST', '/api/v1/subjects/p1/reports', {
      date: '2025-04-01',
      severity: 6,
      durationMin: 75,
      pain: 4,
      note: 'stiff until lunch',
      redFlags: { fever: true },
      source: 'patient-app',
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      created: true,
      report: {
        date: '2025-04-01',
        severity: 6,
        durationMin: 75,
        pain: 4,
        note: 'stiff until lunch',
        source: 'patient-app',
        redFlags: {
          fever: true,
          nightPainUnchangedByMovement: null,
          progressiveNeurologicalSymptoms: null,
          unexplainedWeightLoss: null,
        },
      },
    });
    const second = await api.call('drA', 'POST', '/api/v1/subjects/p1/reports', {
      date: '2025-04-01',
      severity: 3,
      durationMin: 20,
    });
    expect(second.statusCode).toBe(200);
    const updated = second.json();
    expect(updated.created).toBe(false);
    expect(updated.report).toMatchObject({ severity: 3, durationMin: 20, source: 'clinician', note: null });
    expect(updated.report.createdAt).toBe(first.json().report.createdAt);
    const stored = await api.store.queryStiffnessReports({
      subjectIds: ['p1'],
      dates: { from: '2025-04-01', to: '2025-04-02' },
    });
    expect(stored).toHaveLength(1);
    const listed = await api.call('drA', 'GET', '/api/v1/subjects/p1/reports?from=2025-04-01&to=2025-04-01');
    expect(listed.json().reports.map((r: { severity: number }) => r.severity)).toEqual([3]);
  });

  test('a bad report lists each bad field with what was expected, and stores nothing', async () => {
    const res = await api.call('drA', 'POST', '/api/v1/subjects/p1/reports', {
      date: '2025-02-30',
      severity: 11,
      durationMin: -5,
      redFlags: { fever: 'yes' },
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().issues.map((i: { field: string }) => i.field);
    expect(fields.sort()).toEqual(['body.date', 'body.durationMin', 'body.redFlags.fever', 'body.severity']);
    expect(res.json().issues).toContainEqual({ field: 'body.severity', message: 'expected 0 to 10' });
    expect(res.json().issues).toContainEqual({ field: 'body.date', message: 'expected a date YYYY-MM-DD' });
    const stored = await api.store.queryStiffnessReports({
      subjectIds: ['p1'],
      dates: { from: '2025-02-01', to: '2025-03-31' },
    });
    expect(stored).toEqual([]);
  });

  test('one report, and a missing one', async () => {
    await api.store.upsertStiffnessReport(report('p1', '2025-04-05', { severity: 8 }));
    expect((await api.call('drA', 'GET', '/api/v1/subjects/p1/reports/2025-04-05')).json().report.severity).toBe(8);
    const missing = await api.call('drA', 'GET', '/api/v1/subjects/p1/reports/2025-04-06');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toBe('no stiffness report on 2025-04-06');
  });
});

describe('nights and mornings', () => {
  const date = '2025-05-10';
  const end = rise(date);
  const start = end - 8 * 60 * MIN;

  beforeAll(async () => {
    const { store } = api;
    await store.writeNights([
      night('p1', '2025-05-08', { share_supine: 0.3 }),
      night('p1', '2025-05-09', { share_supine: 0.4 }),
      night(
        'p1',
        date,
        { share_supine: 0.5, longest_immobile_bout_min: 95 },
        {
          postureAlgorithm: 'angle-rule@1.0.0',
          turns: [{ start: start + 60 * MIN, end: start + 60 * MIN + 4000, degrees: 90, side: 'left' }],
          bouts: [{ label: 'supine', start, end: start + 60 * MIN }],
          outOfBedEpisodes: [{ start: start + 300 * MIN, end: start + 305 * MIN, minutes: 5 }],
          quality: { missingMinutes: 0, nonWearMinutes: 0 },
          positions: { supine: { minutes: 240, share: 0.5 } },
        },
      ),
    ]);
    // Two posture algorithms over the night, and epochs outside it: the detail shows the night's own, inside it.
    await store.writeEpochs([...epochs('p1', start - 10 * MIN, 40), ...epochs('p1', start, 20, 'tfjs-cnn@0.3.0')]);
    await store.writeMornings([
      morning(
        'p1',
        date,
        { time_to_loosen_min: 35, rom_first_30min_deg: 28 },
        {
          reference: { sagittalRangeDeg: 60, frontalRangeDeg: 40 },
          windows: [
            { start: end, minutesFromRise: 0, sagittalRangeDeg: 30, frontalRangeDeg: 10 },
            { start: end + 5 * MIN, minutesFromRise: 5, sagittalRangeDeg: 54, frontalRangeDeg: 30 },
            { start: end + 10 * MIN, minutesFromRise: 10, sagittalRangeDeg: null, frontalRangeDeg: null },
          ],
          neutral: { sagittalDeg: 2, frontalDeg: 0, source: 'walking' },
        },
      ),
    ]);
    await store.upsertStiffnessReport(report('p1', date, { durationMin: 40 }));
  });

  test('lists give summaries over an inclusive date range, oldest first', async () => {
    const res = await api.call('drA', 'GET', '/api/v1/subjects/p1/nights?from=2025-05-09&to=2025-05-10');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.nights.map((n: { date: string }) => n.date)).toEqual(['2025-05-09', date]);
    expect(body.nights[1]).toEqual({
      date,
      algorithm: 'night@1.0.0',
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      computedAt: new Date(end + 60 * MIN).toISOString(),
      metrics: { share_supine: 0.5, longest_immobile_bout_min: 95 },
    });
    expect(body).toMatchObject({ from: '2025-05-09', to: date, subject: { id: 'p1', displayName: 'Ann Patient' } });
  });

  test('a date range is checked field by field', async () => {
    const reversed = await api.call('drA', 'GET', '/api/v1/subjects/p1/nights?from=2025-05-10&to=2025-05-01');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().message).toBe('querystring.from: expected a date on or before to (2025-05-01)');
    const bad = await api.call('drA', 'GET', '/api/v1/subjects/p1/mornings?from=10/05/2025');
    expect(bad.json().issues).toEqual([{ field: 'querystring.from', message: 'expected a date YYYY-MM-DD' }]);
  });

  test('a night in detail: its posture epochs, turns, bouts, out-of-bed episodes and quality, times in ISO 8601', async () => {
    const res = await api.call('drA', 'GET', `/api/v1/subjects/p1/nights/${date}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.postureAlgorithm).toBe('angle-rule@1.0.0');
    // 40 epochs from 10 minutes before bed: the 20 of them inside the night.
    expect(body.epochs).toHaveLength(20);
    // The epoch helper labels ten epochs at a time supine, left, right, prone: the 21st is right.
    expect(body.epochs[0]).toMatchObject({ start: new Date(start).toISOString(), posture: 'right', durationS: 30 });
    expect(body.epochs.every((e: { algorithm: string }) => e.algorithm === 'angle-rule@1.0.0')).toBe(true);
    expect(body.turns).toEqual([
      {
        start: new Date(start + 60 * MIN).toISOString(),
        end: new Date(start + 60 * MIN + 4000).toISOString(),
        degrees: 90,
        side: 'left',
      },
    ]);
    expect(body.bouts[0].end).toBe(new Date(start + 60 * MIN).toISOString());
    expect(body.outOfBedEpisodes).toEqual([
      { start: new Date(start + 300 * MIN).toISOString(), end: new Date(start + 305 * MIN).toISOString(), minutes: 5 },
    ]);
    expect(body.quality).toEqual({ missingMinutes: 0, nonWearMinutes: 0 });
    expect(body.detail).toEqual({
      postureAlgorithm: 'angle-rule@1.0.0',
      positions: { supine: { minutes: 240, share: 0.5 } },
    });

    const other = await api.call('drA', 'GET', `/api/v1/subjects/p1/nights/${date}?postureAlgorithm=tfjs-cnn@0.3.0`);
    expect(other.json().epochs).toHaveLength(20);
    expect(other.json().epochs[0].algorithm).toBe('tfjs-cnn@0.3.0');
  });

  test('a morning in detail: range of motion per window against the reference, time to loosen, the report beside it', async () => {
    const res = await api.call('drA', 'GET', `/api/v1/subjects/p1/mornings/${date}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.timeToLoosenMin).toBe(35);
    expect(body.reference).toEqual({ sagittalRangeDeg: 60, frontalRangeDeg: 40 });
    expect(body.windows.map((w: { shareOfReference: number | null }) => w.shareOfReference)).toEqual([0.5, 0.9, null]);
    expect(body.windows[1]).toMatchObject({ start: new Date(end + 5 * MIN).toISOString(), minutesFromRise: 5 });
    expect(body.report).toMatchObject({ date, durationMin: 40 });
    expect(body.detail).toEqual({ neutral: { sagittalDeg: 2, frontalDeg: 0, source: 'walking' } });
  });

  test('a date without a night is a 404 that says so', async () => {
    const res = await api.call('drA', 'GET', '/api/v1/subjects/p1/nights/2025-05-11');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'Not Found', message: 'no night on 2025-05-11' });
    const version = await api.call('drA', 'GET', `/api/v1/subjects/p1/mornings/${date}?algorithm=morning@9.9.9`);
    expect(version.json().message).toBe(`no morning on ${date} from morning@9.9.9`);
  });
});
