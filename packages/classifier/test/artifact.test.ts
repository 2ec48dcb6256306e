// Training is reproducible from a seed on a tiny configuration; the artifact round-trips with its version, and a
// damaged or foreign artifact is refused naming the file.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadArtifact,
  MODEL_INPUT_COUNT,
  MODEL_SEMVER,
  ModelLoadError,
  saveArtifact,
  selectBackend,
  type TrainResult,
  trainPostureModel,
} from '../src/index.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'restpose-model-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tiny = (seed: number) => trainPostureModel({ seed, nights: 2, epochs: 2, rateHz: 10 });
let a: TrainResult;
let versionA: string;
let dirA: string;

beforeAll(async () => {
  await selectBackend();
  a = await tiny(7);
  dirA = tempDir();
  versionA = await saveArtifact(dirA, a.net.network, a.normalization, a.config);
}, 300_000);

test('the same seed gives the same weights and version; another seed other weights', async () => {
  const b = await tiny(7);
  const c = await tiny(8);
  const weights = (r: TrainResult) => r.net.network.getWeights().map((w) => [...w.dataSync()]);
  expect(weights(b)).toEqual(weights(a));
  expect(await saveArtifact(tempDir(), b.net.network, b.normalization, b.config)).toBe(versionA);
  expect(weights(c)).not.toEqual(weights(a));
  expect(versionA).toMatch(/^posture-mlp@[\d.]+\+[0-9a-f]{12}$/);
  expect(versionA.split('+')[0]).toBe(`posture-mlp@${MODEL_SEMVER}`);
}, 300_000);

test('a saved artifact loads with its version and gives the same probabilities', async () => {
  const loaded = await loadArtifact(dirA);
  expect(loaded.version).toBe(versionA);
  const rows = 20;
  const x = Float32Array.from({ length: rows * MODEL_INPUT_COUNT }, (_, i) => Math.cos(i));
  expect(loaded.probabilities(x, rows)).toEqual(a.net.probabilities(x, rows));
  const meta = JSON.parse(readFileSync(join(dirA, 'posture.json'), 'utf8'));
  expect(meta.training.trainingSeeds).toEqual([100_001, 100_002]);
});

test('damaged or foreign artifacts are refused, naming the file', async () => {
  const copy = (files = ['model.json', 'weights.bin', 'posture.json']) => {
    const d = tempDir();
    for (const f of files) copyFileSync(join(dirA, f), join(d, f));
    return d;
  };
  const flipped = copy();
  const w = readFileSync(join(flipped, 'weights.bin'));
  w[10] = w[10]! ^ 0xff;
  writeFileSync(join(flipped, 'weights.bin'), w);
  await expect(loadArtifact(flipped)).rejects.toThrow(/weights\.bin: does not match version/);

  const foreign = copy();
  const meta = JSON.parse(readFileSync(join(foreign, 'posture.json'), 'utf8'));
  meta.inputs = meta.inputs.slice(1);
  writeFileSync(join(foreign, 'posture.json'), JSON.stringify(meta));
  await expect(loadArtifact(foreign)).rejects.toThrow(/posture\.json: inputs differ/);

  const missing = copy(['model.json', 'posture.json']);
  await expect(loadArtifact(missing)).rejects.toThrow(ModelLoadError);
  await expect(loadArtifact(missing)).rejects.toThrow(/weights\.bin/);
});
