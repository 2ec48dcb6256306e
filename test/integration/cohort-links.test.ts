// The cohort links find the relationship a simulated cohort hides, and nothing else. The simulator's cohort has one
// within-subject driver of next-morning stiffness (the night's longest immobile bout) in 70% of subjects, baselines
// that run the other way between subjects, and no effect of any other night metric (docs/simulator.md). Written into
// a real DuckDB store, read back through the real HTTP endpoint as a researcher.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApi } from '@restpose/api';
import { hashSecret } from '@restpose/protocol';
import { simulateCohort } from '@restpose/simulator';
import { DuckDbStore, type Store } from '@restpose/store';
import pino from 'pino';
import { writeCohort } from '../support/cohort-store.js';

// Chosen once, before the first run, and not changed to make the test pass.
const SEED = 2025;
const SUBJECTS = 24;
const NIGHTS = 60;

interface Row {
  x: string;
  y: string;
  n: number;
  pearson: { status: string; r?: number; q?: number };
  rmcorr: { status: string; r?: number; q?: number };
}

let dir: string;
let store: Store;
let app: Awaited<ReturnType<typeof buildApi>>;
let rows: Row[];
let body: { algorithms: { night: string[] }; observations: number; subjects: number; repeatedMeasures: boolean };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'restpose-cohort-'));
  store = await DuckDbStore.open({ path: join(dir, 'restpose.duckdb') });
  await store.putUser({ id: 'res', name: 'Researcher', role: 'researcher', createdAt: 0, disabledAt: null });
  await store.putToken({
    tokenHash: hashSecret('res-token'),
    userId: 'res',
    label: 't',
    createdAt: 0,
    revokedAt: null,
  });
  const cohort = simulateCohort({ seed: SEED, subjects: SUBJECTS, nights: NIGHTS, startDate: '2025-01-01' });
  await writeCohort(store, cohort, { cohort: 'sim' });
  app = await buildApi({ store, logger: pino({ level: 'silent' }), health: async () => ({}) });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const res = await fetch(
    `${url}/api/v1/cohorts/sim/links?y=stiffness_severity,stiffness_duration_min,time_to_loosen_min`,
    {
      headers: { authorization: 'Bearer res-token' },
    },
  );
  expect(res.status).toBe(200);
  body = (await res.json()) as typeof body & { rows: Row[] };
  rows = (body as unknown as { rows: Row[] }).rows;
});

afterAll(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const DRIVER = 'longest_immobile_bout_min';

test('the table covers the whole cohort and says what fed it', () => {
  expect(body).toMatchObject({ subjects: SUBJECTS, observations: SUBJECTS * NIGHTS, repeatedMeasures: true });
  expect(body.algorithms.night).toEqual(['sim-truth@1.0.0']);
  expect(rows).toHaveLength(10 * 3);
});

test('the driver is found for every outcome: rmcorr q < 0.05, positive', () => {
  const driver = rows.filter((r) => r.x === DRIVER);
  expect(driver.map((r) => r.y)).toEqual(['stiffness_severity', 'stiffness_duration_min', 'time_to_loosen_min']);
  for (const r of driver) {
    expect(r.rmcorr.status).toBe('ok');
    expect(r.rmcorr.q).toBeLessThan(0.05);
    expect(r.rmcorr.r).toBeGreaterThan(0);
  }
});

test('no other night metric is found', () => {
  const others = rows.filter((r) => r.x !== DRIVER && r.rmcorr.status === 'ok');
  // The eight other metrics the simulator has (it does not simulate share_upright) against three outcomes.
  expect(others).toHaveLength(8 * 3);
  expect(rows.filter((r) => r.x === 'share_upright').every((r) => r.n === 0)).toBe(true);
  const found = others.filter((r) => r.rmcorr.q! < 0.05).map((r) => `${r.x} ~ ${r.y}`);
  expect(found).toEqual([]);
});

test('pooled over people, the association points the wrong way: why cohorts read rmcorr', () => {
  const severity = rows.find((r) => r.x === DRIVER && r.y === 'stiffness_severity')!;
  expect(severity.pearson.r).toBeLessThan(0);
  expect(severity.rmcorr.r).toBeGreaterThan(0);
  // Printed for the record (docs/api.md quotes it).
  const others = rows.filter((r) => r.x !== DRIVER && r.rmcorr.status === 'ok').map((r) => r.rmcorr.q!);
  const driver = rows
    .filter((r) => r.x === DRIVER)
    .map(
      (r) =>
        `${r.y}: pooled r ${r.pearson.r!.toFixed(3)}, rmcorr r ${r.rmcorr.r!.toFixed(3)} q ${r.rmcorr.q!.toExponential(1)}`,
    );
  process.stdout.write(
    `cohort links, seed ${SEED}: ${driver.join('; ')}; others' smallest rmcorr q ${Math.min(...others).toFixed(3)}\n`,
  );
});
