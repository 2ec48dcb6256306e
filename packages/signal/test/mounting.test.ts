import {
  analyzeRecording,
  estimateMounting,
  IDENTITY,
  type Mat3,
  mountingFromAxes,
  parseAxisMap,
  rotationDistanceDeg,
  TickAccumulator,
} from '../src/index.js';
import { lyingG, type Phase, synth, uprightG } from './synth.js';

const bend = (peak: number, period: number) => (s: number) =>
  [peak * Math.max(0, Math.sin((2 * Math.PI * s) / period)), 0] as [number, number];

function deviceTicks(rec: ReturnType<typeof synth>) {
  const acc = new TickAccumulator(rec.t[0]!, IDENTITY, undefined, { summariesOnly: true });
  acc.push({ t0: rec.t[0]!, rateHz: 50, ax: rec.ax, ay: rec.ay, az: rec.az });
  acc.flush();
  return acc.table;
}

const day: Phase[] = [
  { kind: 'walk', seconds: 600 },
  { kind: 'bend', seconds: 600, angles: bend(50, 8) },
  { kind: 'hold', seconds: 1800, g: lyingG(0), breathing: true },
  { kind: 'hold', seconds: 1800, g: lyingG(90), breathing: true },
  { kind: 'walk', seconds: 300 },
];
// The synthetic walk leans 3 degrees forward: the estimate takes walking as the upright neutral.
const walkingLean: Mat3 = mountingFromAxes(uprightG(3), [1, 0, 0]);

function compose(a: Mat3, b: Mat3): Mat3 {
  const out = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) out[i * 3 + j]! += a[i * 3 + k]! * b[k * 3 + j]!;
  return out as unknown as Mat3;
}

test.each([
  ['a tilted, yawed mounting', mountingFromAxes([0.2, 0.95, 0.1], [0.9, -0.1, 0.4])],
  ['a phone with +x up the spine', parseAxisMap('-y,x,z')],
  ['upside down and back to front', parseAxisMap('-x,-y,z')],
] as const)('%s is recovered from walking and forward bending', (_name, mounting) => {
  const report = estimateMounting(deviceTicks(synth(day, { mounting })));
  expect(report.source).toBe('estimated');
  expect(report.anterior!.source).toBe('bending');
  expect(report.confidence).toBeGreaterThan(0.8);
  const expected = compose(walkingLean, mounting);
  expect(rotationDistanceDeg(report.rotation as unknown as Mat3, expected)).toBeLessThan(2);
});

test('without bending the anterior direction comes from the prior, with zero confidence', () => {
  const mounting = parseAxisMap('-y,x,z');
  const rec = synth([{ kind: 'walk', seconds: 600 }, day[2]!], { mounting });
  const report = estimateMounting(deviceTicks(rec), { prior: mounting });
  expect(report.anterior!.source).toBe('prior');
  expect(report.confidence).toBe(0);
  expect(report.superior!.confidence).toBe(1);
  expect(rotationDistanceDeg(report.rotation as unknown as Mat3, compose(walkingLean, mounting))).toBeLessThan(2);
});

test('no walking at all: nothing to estimate from, the prior is kept and confidence is 0', () => {
  const report = estimateMounting(deviceTicks(synth([day[2]!])), { prior: IDENTITY });
  expect(report.confidence).toBe(0);
  expect(report.rotation).toEqual([...IDENTITY]);
});

test('auto orientation labels lying sides correctly on a rotated sensor', () => {
  const mounting = mountingFromAxes([0.2, 0.95, 0.1], [0.9, -0.1, 0.4]);
  const a = analyzeRecording(synth(day, { mounting }), { orientation: 'auto' });
  const at = (s: number) => a.epochs.find((e) => e.start === a.meta.firstSample + s * 1000)!.posture;
  expect(at(300)).toBe('upright');
  expect(at(1200 + 900)).toBe('supine');
  expect(at(3000 + 900)).toBe('left');
  // The same data read with the wrong mounting ("body") is mislabelled: the estimate matters.
  const wrong = analyzeRecording(synth(day, { mounting: parseAxisMap('-y,x,z') }), { orientation: 'body' });
  expect(wrong.epochs.find((e) => e.start === wrong.meta.firstSample + 300_000)!.posture).not.toBe('upright');
});
