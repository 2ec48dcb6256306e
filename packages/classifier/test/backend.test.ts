// Backend selection: the first backend that initializes, from the native one down, is chosen and logged; outputs
// are deterministic on a backend and agree closely across wasm and cpu.
import * as tf from '@tensorflow/tfjs';
import { BACKEND_ORDER, buildNetwork, MODEL_INPUT_COUNT, PostureNet, selectBackend } from '../src/index.js';

test('falls back in order (tensorflow, wasm, cpu), says why, and logs the choice', async () => {
  const logged: Array<{ obj: object; msg: string }> = [];
  const choice = await selectBackend('tensorflow', { info: (obj, msg) => logged.push({ obj, msg }) });
  // Every backend before the chosen one was tried and skipped with a reason.
  const before = BACKEND_ORDER.slice(0, BACKEND_ORDER.indexOf(choice.backend));
  expect(choice.skipped.map((s) => s.backend)).toEqual(before);
  for (const s of choice.skipped) expect(s.reason.length).toBeGreaterThan(0);
  expect(tf.getBackend()).toBe(choice.backend);
  expect(logged).toHaveLength(1);
  expect(logged[0]!.msg).toContain(choice.backend);
  // Without libtensorflow (offline installs, this repository's default) the native addon is missing.
  if (choice.backend !== 'tensorflow') expect(choice.skipped[0]!.reason).toMatch(/tfjs_binding|Cannot find|native/i);
  // The choice holds for the process.
  expect((await selectBackend('cpu')).backend).toBe(choice.backend);
});

test('the same inputs give the same probabilities on a backend, and wasm and cpu agree to 1e-5', async () => {
  await selectBackend();
  const net = new PostureNet(
    buildNetwork(3),
    { mean: new Array(MODEL_INPUT_COUNT).fill(0), std: new Array(MODEL_INPUT_COUNT).fill(1) },
    'test',
  );
  const rows = 50;
  const x = Float32Array.from({ length: rows * MODEL_INPUT_COUNT }, (_, i) => Math.sin(i * 0.37));
  const first = net.probabilities(x, rows);
  expect(net.probabilities(x, rows)).toEqual(first);
  for (let r = 0; r < rows; r++) {
    const sum = first.subarray(r * 5, r * 5 + 5).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 5);
  }
  const original = tf.getBackend();
  for (const other of ['wasm', 'cpu'].filter((b) => b !== original)) {
    if (other === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    expect(await tf.setBackend(other)).toBe(true);
    const again = net.probabilities(x, rows);
    for (let i = 0; i < first.length; i++) expect(Math.abs(again[i]! - first[i]!)).toBeLessThan(1e-5);
  }
  await tf.setBackend(original);
});
