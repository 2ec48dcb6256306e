// The live path on a simulated night: epochs from the bounded-memory streaming analyzer as batches arrive, the bed
// period closed when the final rise is confirmed, and the night and morning computed from the stored samples. The
// reference is the engine's own streaming analyzer holding the whole recording in memory (same mounting, same epoch
// grid): the live path must give the same answers while holding minutes, not hours, per device.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AnalyzerOutput,
  type BedPeriod,
  IDENTITY,
  morningMetrics,
  nightMetrics,
  StreamingAnalyzer,
} from '@restpose/signal';
import { accelerationG, simulateRecording } from '@restpose/simulator';
import { DuckDbStore } from '@restpose/store';
import pino from 'pino';
import { LiveAnalysis } from '../src/live-analysis.js';
import { IngestMetrics } from '../src/metrics.js';
import { NightFinalizer } from '../src/night-finalizer.js';
import { RegistryCache } from '../src/registry-cache.js';

const RATE = 20;
let dir: string;
let store: DuckDbStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'restpose-live-'));
  store = await DuckDbStore.open({ path: join(dir, 'store.duckdb') });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a simulated night: live epochs, the final rise, then the night and morning from the store', async () => {
  const rec = simulateRecording({ seed: 3, nights: 1, rateHz: RATE, mounting: { base: 'body' }, sampleTruth: false });
  const acc = accelerationG(rec);
  const t = Float64Array.from({ length: rec.sampleCount }, (_, i) => rec.startMs + (i * 1000) / RATE);
  const whole = new StreamingAnalyzer({ originMs: 0, epochSeconds: 30, mounting: IDENTITY });
  const reference: AnalyzerOutput = { epochs: [], nights: [], mornings: [], nonWear: [] };
  const keep = (out: AnalyzerOutput) => {
    reference.epochs.push(...out.epochs);
    reference.nights.push(...out.nights);
    reference.mornings.push(...out.mornings);
  };
  keep(whole.push({ t0: t[0]!, rateHz: RATE, ax: acc.x, ay: acc.y, az: acc.z }));
  keep(whole.finish());
  expect(reference.nights).toHaveLength(1);
  expect(reference.mornings).toHaveLength(1);

  await store.upsertSubject({
    id: 'p1',
    studyCode: 'S-1',
    cohort: null,
    displayName: null,
    clinicianIds: [],
    createdAt: 0,
  });
  await store.upsertDevice({ id: 'dev-1', secretHash: '0'.repeat(64), mounting: null, createdAt: 0, revokedAt: null });
  await store.assignDevice({ deviceId: 'dev-1', subjectId: 'p1', from: 0, to: null });

  const live = new LiveAnalysis({ epochSeconds: 30, idleCutoffMs: 2 * 3_600_000 });
  const epochs: Array<{ start: number; posture: string }> = [];
  const periods: BedPeriod[] = [];
  const batch = 10 * RATE;
  for (let i = 0; i < rec.sampleCount; i += batch) {
    const j = Math.min(rec.sampleCount, i + batch);
    const slice = { ax: acc.x.subarray(i, j), ay: acc.y.subarray(i, j), az: acc.z.subarray(i, j) };
    const out = live.push('dev-1', { t0: t[i]!, intervalMs: 1000 / RATE, ...slice }, null, t[j - 1]!);
    epochs.push(...out.epochs);
    periods.push(...out.periods);
    if (i % (3600 * RATE) === 0 || j === rec.sampleCount) {
      const from = Math.max(0, j - 3600 * RATE - batch);
      await store.writeSamples({ deviceId: 'dev-1', t: t.subarray(from, j), ...sliceOf(acc, from, j) });
    }
  }

  // Live epochs are the engine's epochs (all but the one still open at the end).
  const ref = reference.epochs.map((e) => [e.start, e.posture]);
  expect(epochs.map((e) => [e.start, e.posture])).toEqual(ref.slice(0, epochs.length));
  expect(epochs.length).toBeGreaterThanOrEqual(ref.length - 2);

  // One bed period, closed at the engine's final rise, before the data ended.
  expect(periods).toHaveLength(1);
  const night = reference.nights[0]!;
  expect(Math.abs(periods[0]!.end - night.finalRise)).toBeLessThan(5 * 60_000);

  const metrics = new IngestMetrics();
  const finalizer = new NightFinalizer({
    store,
    registry: new RegistryCache({ store }),
    epochSeconds: 30,
    dir,
    logger: pino({ level: 'silent' }),
    metrics,
  });
  const job = { deviceId: 'dev-1', bedStart: periods[0]!.start, rise: periods[0]!.end, rateHz: RATE, due: 0 };
  const atRise = await finalizer.run({ ...job, kind: 'night' });
  expect(atRise.nights).toHaveLength(1);
  expect(atRise.mornings).toHaveLength(0);
  const later = await finalizer.run({ ...job, kind: 'morning' });
  expect(later.mornings).toHaveLength(1);

  const stored = await store.queryNights({ subjectIds: ['p1'], dates: { from: '2000-01-01', to: '2100-01-01' } });
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ subjectId: 'p1', date: night.date, start: night.bedStart, end: night.finalRise });
  expectSameMetrics(stored[0]!.metrics, nightMetrics(night));
  const morning = reference.mornings[0]!;
  const storedMornings = await store.queryMornings({
    subjectIds: ['p1'],
    dates: { from: '2000-01-01', to: '2100-01-01' },
  });
  expect(storedMornings).toHaveLength(1);
  expectSameMetrics(storedMornings[0]!.metrics, morningMetrics(morning));
  expect(await metrics.value(metrics.nights)).toBe(2);
  expect(await metrics.value(metrics.mornings)).toBe(1);
}, 180_000);

function expectSameMetrics(actual: Record<string, number | null>, expected: Record<string, number | null>) {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, value] of Object.entries(expected)) {
    if (value === null) expect([name, actual[name]]).toEqual([name, null]);
    else expect([name, actual[name]! - value]).toEqual([name, expect.closeTo(0, 6)]);
  }
}

function sliceOf(acc: { x: Float32Array; y: Float32Array; z: Float32Array }, from: number, to: number) {
  return { ax: acc.x.subarray(from, to), ay: acc.y.subarray(from, to), az: acc.z.subarray(from, to) };
}
