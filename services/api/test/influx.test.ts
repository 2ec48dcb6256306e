// The API over the InfluxDB adapter (a real influxd from the harness): the store contract makes both adapters
// alike, and these check the parts of the API that lean on it hardest: report upserts, a night with its epochs,
// flags, cohort links, and a streamed export.
import { type RunningInfluxd, startInfluxd } from '@restpose/harness';
import { InfluxStore } from '@restpose/store';
import { epochs, morning, night, openTestApi, report, rise, type TestApi } from './support.js';

let influxd: RunningInfluxd;
let api: TestApi;
const DATES = Array.from({ length: 8 }, (_, i) => `2025-03-0${i + 1}`);

beforeAll(async () => {
  influxd = await startInfluxd();
  api = await openTestApi({
    openStore: () => InfluxStore.open({ url: influxd.url, database: 'restpose_api', rawRetention: '90d' }),
  });
  const { store } = api;
  for (const [k, s] of ['p1', 'p2'].entries()) {
    await store.writeNights(DATES.map((d, i) => night(s, d, { longest_immobile_bout_min: 40 + 10 * i + k })));
    await store.writeMornings(DATES.map((d, i) => morning(s, d, { time_to_loosen_min: 20 + 9 * i + (i % 2) })));
    for (const [i, d] of DATES.entries()) await store.upsertStiffnessReport(report(s, d, { durationMin: 30 + 5 * i }));
  }
  await store.writeEpochs(epochs('p1', rise('2025-03-01') - 8 * 3_600_000, 10));
}, 120_000);

afterAll(async () => {
  await api?.close();
  await influxd?.stop();
});

test('a second report of a date updates it and says so', async () => {
  const body = { date: '2025-03-20', severity: 5, durationMin: 70 };
  expect((await api.call('drA', 'POST', '/api/v1/subjects/p1/reports', body)).statusCode).toBe(201);
  const again = await api.call('drA', 'POST', '/api/v1/subjects/p1/reports', { ...body, severity: 2 });
  expect([again.statusCode, again.json().created, again.json().report.severity]).toEqual([200, false, 2]);
});

test('a night with its epochs, and flags from the diary', async () => {
  const detail = (await api.call('drA', 'GET', '/api/v1/subjects/p1/nights/2025-03-01')).json();
  expect(detail.epochs).toHaveLength(10);
  expect(detail.night.metrics).toEqual({ longest_immobile_bout_min: 40 });
  const { flags } = (await api.call('drA', 'GET', '/api/v1/subjects/p1/flags?asOf=2025-03-08')).json();
  // Durations 30..65 by 5 and times to loosen 20..84: over 60 min on 3 of the last 7 mornings (06, 07, 08).
  expect(flags.map((f: { kind: string }) => f.kind)).toEqual(['prolonged-stiffness']);
});

test('cohort links and a streamed export', async () => {
  const links = (await api.call('researcher', 'GET', '/api/v1/cohorts/pilot/links?y=time_to_loosen_min')).json();
  const row = links.rows.find((r: { x: string }) => r.x === 'longest_immobile_bout_min');
  expect(row).toMatchObject({ n: 16, subjects: 2, rmcorr: { status: 'ok', df: 13 } });
  const csv = await api.call(
    'researcher',
    'GET',
    '/api/v1/exports/nights.csv?cohort=pilot&from=2025-03-01&to=2025-03-08',
  );
  expect(csv.headers['transfer-encoding']).toBe('chunked');
  expect(csv.body.trim().split('\n')).toHaveLength(1 + 16);
});
