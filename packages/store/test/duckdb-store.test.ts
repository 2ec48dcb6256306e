import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbStore, type SampleBatch, subjectAt } from '../src/index.js';

let dir: string;
let store: DuckDbStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'restpose-store-'));
  store = await DuckDbStore.open({ path: join(dir, 'test.duckdb') });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function batch(t0: number, n: number, rateHz: number): SampleBatch {
  const t = Float64Array.from({ length: n }, (_, i) => t0 + (i * 1000) / rateHz);
  return {
    deviceId: 'dev-1',
    t,
    ax: Float32Array.from(t, (_, i) => i / 1000),
    ay: new Float32Array(n).fill(1),
    az: new Float32Array(n),
  };
}

test('samples round-trip with sub-millisecond timestamps and repeated writes stored once', async () => {
  const t0 = Date.UTC(2026, 10, 20, 23, 0, 0);
  const b = batch(t0, 400, 400); // 2.5 ms spacing
  await store.writeSamples(b);
  await store.writeSamples(b);
  const back = await store.readSamples('dev-1', { from: t0, to: t0 + 10_000 });
  expect(back.t.length).toBe(400);
  expect(back.t[1]).toBeCloseTo(t0 + 2.5, 6);
  expect(back.ax[399]).toBeCloseTo(0.399, 5);
  expect(back.gyro).toBeUndefined();
});

test('registry: a new assignment closes the previous one', async () => {
  await store.upsertSubject({ id: 's1', studyCode: 'A-001', cohort: 'pilot', displayName: null, createdAt: 1 });
  await store.upsertSubject({ id: 's2', studyCode: 'A-002', cohort: 'pilot', displayName: 'Ann', createdAt: 2 });
  await store.assignDevice({ deviceId: 'dev-1', subjectId: 's1', from: 1000, to: null });
  await store.assignDevice({ deviceId: 'dev-1', subjectId: 's2', from: 5000, to: null });
  const history = await store.assignmentsForDevice('dev-1');
  expect(history).toEqual([
    { deviceId: 'dev-1', subjectId: 's1', from: 1000, to: 5000 },
    { deviceId: 'dev-1', subjectId: 's2', from: 5000, to: null },
  ]);
  expect(subjectAt(history, 4999)).toBe('s1');
  expect(subjectAt(history, 5000)).toBe('s2');
  expect(subjectAt(history, 999)).toBeNull();
  expect((await store.listSubjects()).map((s) => s.studyCode)).toEqual(['A-001', 'A-002']);
});

test('epochs of the same subject, start and algorithm are replaced, not duplicated', async () => {
  const epoch = {
    subjectId: 's1',
    deviceId: 'dev-1',
    start: 30_000,
    durationS: 30,
    posture: 'supine' as const,
    confidence: 0.9,
    sagittalDeg: -88,
    frontalDeg: 1,
    rollDeg: 2,
    algorithm: 'angle-rule@0.1.0',
  };
  await store.writeEpochs([epoch]);
  await store.writeEpochs([{ ...epoch, posture: 'left', rollDeg: 90 }]);
  const epochs = await store.queryEpochs('s1', { from: 0, to: 60_000 });
  expect(epochs).toHaveLength(1);
  expect(epochs[0]!.posture).toBe('left');
  expect(await store.queryEpochs('s1', { from: 30_001, to: 60_000 })).toEqual([]);
});

test('the schema survives reopening the file', async () => {
  await store.upsertDevice({ id: 'dev-9', secretHash: 'a'.repeat(64), createdAt: 5, revokedAt: null });
  await store.close();
  store = await DuckDbStore.open({ path: join(dir, 'test.duckdb') });
  expect(await store.getDevice('dev-9')).toEqual({
    id: 'dev-9',
    secretHash: 'a'.repeat(64),
    createdAt: 5,
    revokedAt: null,
  });
});
