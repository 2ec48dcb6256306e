import { EpochAccumulator, frontalDeg, postureFromGravity, rollDeg, sagittalDeg } from '../src/index.js';

const s = Math.SQRT1_2;

test('angles follow the DESIGN.md body-frame conventions', () => {
  expect(sagittalDeg(0, 1)).toBeCloseTo(0);
  expect(sagittalDeg(-s, s)).toBeCloseTo(45); // flexed forward 45 degrees
  expect(frontalDeg(s, -s)).toBeCloseTo(45); // bent to the right
  expect(rollDeg(1, 0)).toBeCloseTo(0); // supine
  expect(rollDeg(0, 1)).toBeCloseTo(90); // left side
  expect(rollDeg(0, -1)).toBeCloseTo(-90); // right side
  expect(Math.abs(rollDeg(-1, 0))).toBeCloseTo(180); // prone
});

test.each([
  [[0, 1, 0], 'upright'],
  [[-0.6, 0.8, 0], 'upright'], // flexed 37 degrees, still upright
  [[1, 0, 0], 'supine'],
  [[-1, 0, 0], 'prone'],
  [[0, 0, 1], 'left'],
  [[0, 0, -1], 'right'],
  [[0.5, 0.1, 0.86], 'left'], // three-quarter towards the left
])('gravity %j is %s', (g, posture) => {
  const [x, y, z] = g as [number, number, number];
  expect(postureFromGravity(x, y, z)).toBe(posture);
});

test('epochs are aligned to UTC multiples and emitted once a later sample arrives', () => {
  const acc = new EpochAccumulator({ epochSeconds: 30 });
  const t0 = 1_800_000_000_000 + 10_000; // 10 s into an epoch
  const n = 50 * 60; // one minute at 50 Hz
  const x = new Float32Array(n).fill(1);
  const y = new Float32Array(n);
  const z = new Float32Array(n);
  for (let i = 1500; i < n; i++) {
    x[i] = 0;
    z[i] = -1;
  }
  const epochs = acc.push(t0, 50, x, y, z);
  expect(epochs.map((e) => e.start)).toEqual([t0 - 10_000, t0 + 20_000]);
  expect(epochs[0]).toMatchObject({ posture: 'supine', samples: 1000, confidence: 1 });
  // The second epoch is 10 s supine then 20 s on the right side.
  expect(epochs[1]).toMatchObject({ posture: 'right', samples: 1500 });
  expect(epochs[1]!.confidence).toBeCloseTo(1000 / 1500);
});

test('sparse epochs are dropped rather than labelled from a few samples', () => {
  const acc = new EpochAccumulator({ epochSeconds: 30, minCoverage: 0.5 });
  const one = new Float32Array(1).fill(1);
  expect(acc.push(0, 50, one, new Float32Array(1), new Float32Array(1))).toEqual([]);
  expect(acc.push(30_000, 50, one, new Float32Array(1), new Float32Array(1))).toEqual([]);
});
