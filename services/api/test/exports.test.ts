// The tidy export as CSV and NDJSON: columns, values, filters, and that it is streamed rather than built whole.
import type { Store } from '@restpose/store';
import { parse } from 'csv-parse/sync';
import { addDays } from '../src/dates.js';
import { morning, night, openTestApi, report, type TestApi } from './support.js';

const BIG = Array.from({ length: 60 }, (_, i) => `big-${String(i).padStart(2, '0')}`);
const LAST = BIG.at(-1)!;
const NIGHTS = 30;

// The last page of the export waits for this gate: rows can reach the client before it opens only if streamed.
let openGate: () => void = () => {};
const gate = new Promise<void>((resolve) => {
  openGate = resolve;
});
let lastPageRequested = false;

function holdLastPage(store: Store): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'queryStiffnessReports') {
        return async (query: Parameters<Store['queryStiffnessReports']>[0]) => {
          if (query.subjectIds?.includes(LAST) && query.dates.to === '2025-01-31') {
            lastPageRequested = true;
            await gate;
          }
          return target.queryStiffnessReports(query);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

let api: TestApi;

beforeAll(async () => {
  api = await openTestApi({ wrapStore: holdLastPage });
  const { store } = api;
  await store.upsertSubject({
    id: 'p4',
    studyCode: 'ODD, "quoted" 1',
    cohort: 'odd',
    displayName: 'Dee Odd',
    clinicianIds: [],
    createdAt: 0,
  });
  await store.writeNights([
    night('p1', '2025-03-01', { share_supine: 0.5, turns_per_hour: 2 }),
    night('p1', '2025-03-02', { share_supine: 0.25 }),
    night('p2', '2025-03-01', { longest_immobile_bout_min: 70 }),
    night('p4', '2025-03-01', { share_supine: null }),
  ]);
  await store.writeMornings([morning('p1', '2025-03-02', { time_to_loosen_min: 42 })]);
  await store.upsertStiffnessReport(report('p1', '2025-03-02', { severity: 7, note: 'secret, "quoted" note' }));
  await store.upsertStiffnessReport(
    report('p4', '2025-03-01', {
      redFlags: {
        fever: true,
        nightPainUnchangedByMovement: false,
        progressiveNeurologicalSymptoms: null,
        unexplainedWeightLoss: null,
      },
    }),
  );

  for (const id of BIG) {
    await store.upsertSubject({
      id,
      studyCode: `B-${id}`,
      cohort: 'big',
      displayName: null,
      clinicianIds: [],
      createdAt: 0,
    });
    const dates = Array.from({ length: NIGHTS }, (_, k) => addDays('2025-01-01', k));
    await store.writeNights(
      dates.map((d, k) => night(id, d, { share_supine: k / NIGHTS, longest_immobile_bout_min: 30 + k })),
    );
  }
});
afterAll(async () => {
  openGate();
  await api.close();
});

const csvRows = (text: string) => parse(text, { columns: true }) as Array<Record<string, string>>;
const ndjsonRows = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

test('CSV: a header in a fixed order, one row per subject-night, no identifiers', async () => {
  const res = await api.call('researcher', 'GET', '/api/v1/exports/nights.csv?from=2025-03-01&to=2025-03-02');
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(res.headers['content-disposition']).toBe('attachment; filename="nights-all-2025-03-01-2025-03-02.csv"');
  const [header] = res.body.split('\n');
  expect(header).toBe(
    [
      'study_code,cohort,date,night_algorithm,night_start,night_end',
      'night_longest_immobile_bout_min,night_share_supine,night_turns_per_hour',
      'morning_algorithm,morning_start,morning_end,morning_time_to_loosen_min',
      'stiffness_severity,stiffness_duration_min,stiffness_pain,stiffness_source',
      'stiffness_red_flag_night_pain,stiffness_red_flag_neurological,stiffness_red_flag_weight_loss,stiffness_red_flag_fever',
    ].join(','),
  );
  const rows = csvRows(res.body);
  expect(rows.map((r) => [r.study_code, r.date])).toEqual([
    ['PIL-001', '2025-03-01'],
    ['PIL-001', '2025-03-02'],
    ['PIL-002', '2025-03-01'],
    ['ODD, "quoted" 1', '2025-03-01'],
  ]);
  expect(rows[1]).toMatchObject({
    night_share_supine: '0.25',
    night_turns_per_hour: '',
    morning_time_to_loosen_min: '42',
    morning_start: '2025-03-02T06:30:00.000Z',
    stiffness_severity: '7',
    stiffness_red_flag_fever: 'false',
  });
  expect(rows[3]).toMatchObject({
    cohort: 'odd',
    night_share_supine: '',
    stiffness_red_flag_fever: 'true',
    stiffness_red_flag_weight_loss: '',
  });
  expect(res.body).not.toMatch(/\bp[1-4]\b|Ann Patient|Dee Odd|secret/);
});

test('NDJSON: the same rows and columns, typed', async () => {
  const query = 'from=2025-03-01&to=2025-03-02';
  const csv = csvRows((await api.call('admin', 'GET', `/api/v1/exports/nights.csv?${query}`)).body);
  const res = await api.call('admin', 'GET', `/api/v1/exports/nights.ndjson?${query}`);
  expect(res.headers['content-type']).toBe('application/x-ndjson');
  const rows = ndjsonRows(res.body);
  expect(rows.map((r) => Object.keys(r))).toEqual(csv.map((r) => Object.keys(r)));
  expect(rows[1]).toMatchObject({ night_share_supine: 0.25, night_turns_per_hour: null, stiffness_severity: 7 });
  expect(rows[3]).toMatchObject({ stiffness_red_flag_fever: true, study_code: 'ODD, "quoted" 1' });
  const asText = (v: unknown) => (v === null ? '' : String(v));
  expect(rows.map((r) => Object.values(r).map(asText))).toEqual(csv.map((r) => Object.values(r)));
});

test('filtered by cohort and by dates, both ends included', async () => {
  const res = await api.call(
    'researcher',
    'GET',
    '/api/v1/exports/nights.ndjson?cohort=pilot&from=2025-03-02&to=2025-03-02',
  );
  expect(ndjsonRows(res.body).map((r) => [r.study_code, r.date])).toEqual([['PIL-001', '2025-03-02']]);
  const big = await api.call(
    'researcher',
    'GET',
    '/api/v1/exports/nights.csv?cohort=big&from=2025-01-01&to=2025-01-10',
  );
  expect(csvRows(big.body)).toHaveLength(60 * 10);
  const empty = await api.call('researcher', 'GET', '/api/v1/exports/nights.csv?cohort=nobody');
  expect(empty.statusCode).toBe(200);
  expect(empty.body.split('\n').filter(Boolean)).toHaveLength(1);
});

test('the export streams: rows reach the client while the store has yet to give the last page', async () => {
  const res = await fetch(`${api.url}/api/v1/exports/nights.csv?from=2025-01-01&to=2025-01-30`, {
    headers: { authorization: 'Bearer token-researcher' },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('transfer-encoding')).toBe('chunked');
  expect(res.headers.get('content-length')).toBeNull();
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let received = '';
  // Read the rows of the first two pages (25 subjects each): they arrive while the third is held back.
  const firstPages = 2 * 25 * NIGHTS;
  while (received.split('\n').length < 1 + firstPages) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the export ended before the last page was released');
    received += decoder.decode(value, { stream: true });
  }
  // The server goes on to the third page (reading its nights and mornings first) and waits there.
  while (!lastPageRequested) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(csvRows(received).length).toBeLessThan(60 * NIGHTS);
  openGate();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    received += decoder.decode(value, { stream: true });
  }
  const rows = csvRows(received);
  expect(rows).toHaveLength(60 * NIGHTS);
  expect(rows.at(-1)).toMatchObject({ study_code: `B-${LAST}`, date: '2025-01-30' });
});
