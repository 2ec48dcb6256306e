import { autocalibrate, IDENTITY, TickAccumulator } from '../src/index.js';
import { lyingG, synth, uprightG } from './synth.js';

function ticksOf(rec: ReturnType<typeof synth>) {
  const acc = new TickAccumulator(rec.t[0]!, IDENTITY, undefined, { summariesOnly: true });
  acc.push({ t0: rec.t[0]!, rateHz: 50, ax: rec.ax, ay: rec.ay, az: rec.az });
  acc.flush();
  return acc.table;
}

// Still orientations all round the sphere (a device turned over on a desk, as GGIR expects over days of wear).
const sphere = [
  [1, 0, 0],
  [-1, 0, 0],
  [0, 1, 0],
  [0, -1, 0],
  [0, 0, 1],
  [0, 0, -1],
  [0.6, 0.6, 0.53],
  [-0.6, 0.53, -0.6],
  [0.53, -0.6, -0.6],
].map((v) => {
  const n = Math.hypot(v[0]!, v[1]!, v[2]!);
  return { kind: 'hold' as const, seconds: 120, g: [v[0]! / n, v[1]! / n, v[2]! / n] as [number, number, number] };
});

test('offset and scale errors are recovered from still windows and accepted below 10 mg', () => {
  const offset: [number, number, number] = [0.03, -0.02, 0.015];
  const scale: [number, number, number] = [1.02, 0.98, 1.01];
  const report = autocalibrate(ticksOf(synth(sphere, { offset, scale })));
  expect(report.sphereCovered).toBe(true);
  expect(report.applied).toBe(true);
  expect(report.stillWindows).toBeGreaterThanOrEqual(9 * 11);
  expect(report.errorBeforeMg!).toBeGreaterThan(15);
  expect(report.errorAfterMg!).toBeLessThan(2);
  for (let a = 0; a < 3; a++) {
    expect(report.offset[a]).toBeCloseTo(offset[a]!, 3);
    expect(report.scale[a]).toBeCloseTo(scale[a]!, 3);
  }
});

test('a night lying supine plus a day upright covers too little of the sphere: refused, and said why', () => {
  const report = autocalibrate(
    ticksOf(
      synth(
        [
          { kind: 'hold', seconds: 600, g: uprightG(0) },
          { kind: 'hold', seconds: 1800, g: lyingG(0) },
        ],
        { offset: [0.03, 0, 0] },
      ),
    ),
  );
  expect(report.applied).toBe(false);
  expect(report.sphereCovered).toBe(false);
  expect(report.reason).toMatch(/cover the sphere/);
  expect(report.offset).toEqual([0, 0, 0]);
  expect(report.errorBeforeMg!).toBeGreaterThan(10);
});

test('moving data has no still windows and is left uncalibrated', () => {
  const report = autocalibrate(ticksOf(synth([{ kind: 'walk', seconds: 300 }])));
  expect(report.stillWindows).toBe(0);
  expect(report.applied).toBe(false);
  expect(report.reason).toMatch(/still windows/);
});
