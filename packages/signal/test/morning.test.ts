import { analyzeRecording } from '../src/index.js';
import { lyingG, type Phase, synth, uprightG } from './synth.js';

const MIN = 60;
const NEUTRAL = 3; // the synthetic walk leans 3 degrees forward: the upright neutral

/** Peak flexion, extension and lateral bending at t seconds after the rise, recovering linearly over 80 min. */
function peaks(t: number): { flex: number; ext: number; lat: number } {
  const r = Math.min(1, t / (80 * MIN));
  return { flex: 20 + 30 * r, ext: 5 + 15 * r, lat: 10 + 20 * r };
}

// The reference range: 3-5 h after the rise (here bending from 4 h).
/** A 40-s cycle: bend forward, back, right, left (each a 6-s half sine), from the neutral. */
function bending(offsetS: number) {
  return (s: number): [number, number] => {
    const p = peaks(offsetS + s);
    const c = s % 40;
    const k = Math.floor(c / 10);
    const u = c % 10;
    const shape = u < 6 ? Math.sin((Math.PI * u) / 6) : 0;
    if (k === 0) return [NEUTRAL + p.flex * shape, 0];
    if (k === 1) return [NEUTRAL - p.ext * shape, 0];
    if (k === 2) return [NEUTRAL, p.lat * shape];
    return [NEUTRAL, -p.lat * shape];
  };
}

const sitToStand = (s: number): [number, number] => [
  s < 1 ? -5 + 40 * s : s < 2.5 ? 35 - 32 * ((s - 1) / 1.5) : NEUTRAL,
  0,
];

const phases: Phase[] = [
  { kind: 'walk', seconds: 60 * MIN },
  { kind: 'hold', seconds: 240 * MIN, g: lyingG(0), breathing: true },
  { kind: 'hold', seconds: 30, g: uprightG(-5), breathing: true }, // sitting on the edge of the bed
  { kind: 'bend', seconds: 3, angles: sitToStand },
  { kind: 'walk', seconds: 2 * MIN - 33 },
  { kind: 'bend', seconds: 118 * MIN, angles: bending(2 * MIN) },
  { kind: 'walk', seconds: 120 * MIN },
  { kind: 'bend', seconds: 8 * 60 * MIN, angles: bending(4 * 60 * MIN) },
];

describe('a constructed morning', () => {
  const rec = synth(phases, { rateHz: 10 });
  const a = analyzeRecording(rec, { orientation: 'body' });
  const rise = rec.t[0]! + 300 * MIN * 1000;
  const m = a.mornings[0]!;

  test('follows the final rise of the night', () => {
    expect(a.nights).toHaveLength(1);
    expect(a.mornings).toHaveLength(1);
    expect(Math.abs(m.finalRise - rise)).toBeLessThanOrEqual(1000);
    expect(m.timeToFirstUprightSeconds).toBeLessThanOrEqual(2);
    expect(m.neutral.source).toBe('walking');
    expect(m.neutral.sagittalDeg).toBeCloseTo(NEUTRAL, 0);
  });

  test('range of motion per 5-minute window is within 1.5 degrees of the constructed peaks', () => {
    expect(m.windows).toHaveLength(24);
    const errors: number[] = [];
    for (const w of m.windows.slice(1)) {
      const end = (w.start - rise) / 1000 + 5 * MIN;
      const p = peaks(end);
      for (const [got, want] of [
        [w.flexionDeg, p.flex],
        [w.extensionDeg, p.ext],
        [w.lateralRightDeg, p.lat],
        [w.lateralLeftDeg, p.lat],
      ] as const) {
        expect(got).not.toBeNull();
        errors.push(got! - want);
      }
    }
    const rms = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
    expect(rms).toBeLessThan(1.5);
    expect(Math.max(...errors.map(Math.abs))).toBeLessThan(3);
  });

  test('the reference range comes from later in the day, and time to loosen from reaching 90% of it', () => {
    expect(m.reference).not.toBeNull();
    expect(m.reference!.flexionDeg).toBeCloseTo(50, -0.5);
    expect(m.reference!.extensionDeg).toBeCloseTo(20, -0.5);
    expect(m.reference!.sagittalRangeDeg).toBeCloseTo(70, -0.5);
    // 25 + 45 t / 80 min reaches 0.9 x 70 = 63 at 67.6 min: inside the window starting at 65 min.
    expect(m.timeToLoosenMinutes).toBe(65);
    expect(m.timeToLoosenReason).toBeNull();
  });

  test('movement speed and the first sit-to-stand', () => {
    // Late windows: 6-s half sines of 50 (flexion), 20 (extension) and 30 degrees (lateral, twice) peak at
    // A * pi / 6 deg/s: per-second peaks of 26, 22.5, 13 (flexion), 15.7, 13.6 (lateral), 10.5 (extension); their
    // median over the moving seconds (>= 10 deg/s) is about 14-16.
    expect(m.windows[23]!.speedDegS!).toBeGreaterThan(12);
    expect(m.windows[23]!.speedDegS!).toBeLessThan(20);
    expect(m.windows[1]!.speedDegS!).toBeLessThan(m.windows[23]!.speedDegS!);
    expect(m.firstSitToStand).not.toBeNull();
    expect(Math.abs(m.firstSitToStand!.start - (rise + 30_000))).toBeLessThanOrEqual(2000);
    expect(m.firstSitToStand!.durationSeconds).toBeGreaterThanOrEqual(1);
    expect(m.firstSitToStand!.durationSeconds).toBeLessThanOrEqual(4);
  });
});

test('without later-in-day data there is no reference, and time to loosen is null with the reason', () => {
  const rec = synth(phases.slice(0, 6), { rateHz: 10 });
  const m = analyzeRecording(rec, { orientation: 'body' }).mornings[0]!;
  expect(m.reference).toBeNull();
  expect(m.referenceReason).toMatch(/no data from 3 h/);
  expect(m.timeToLoosenMinutes).toBeNull();
  expect(m.timeToLoosenReason).toBe('no reference range');
  expect(m.windows[10]!.flexionDeg).not.toBeNull();
});

test('the final rise is the start of the sit-up, and time to first upright its duration', () => {
  const rec = synth(
    [
      { kind: 'walk', seconds: 30 * MIN },
      { kind: 'hold', seconds: 200 * MIN, g: lyingG(0), breathing: true },
      { kind: 'move', seconds: 6, from: lyingG(0), to: uprightG(12) }, // a slow, stiff sit-up
      { kind: 'hold', seconds: 40, g: uprightG(12), breathing: true },
      { kind: 'walk', seconds: 60 * MIN },
    ],
    { rateHz: 10 },
  );
  const a = analyzeRecording(rec, { orientation: 'body' });
  const sitUp = rec.t[0]! + 230 * MIN * 1000;
  expect(Math.abs(a.nights[0]!.finalRise - sitUp)).toBeLessThanOrEqual(1000);
  expect(a.mornings[0]!.timeToFirstUprightSeconds).toBeGreaterThanOrEqual(5);
  expect(a.mornings[0]!.timeToFirstUprightSeconds).toBeLessThanOrEqual(7);
});

test('flexion past horizontal is measured, and reads as no lateral bend', () => {
  const deepBend = (s: number): [number, number] => [NEUTRAL + 100 * Math.max(0, Math.sin((2 * Math.PI * s) / 12)), 0];
  const rec = synth(
    [
      { kind: 'walk', seconds: 30 * MIN },
      { kind: 'hold', seconds: 200 * MIN, g: lyingG(0), breathing: true },
      { kind: 'walk', seconds: 5 * MIN },
      { kind: 'bend', seconds: 20 * MIN, angles: deepBend },
    ],
    { rateHz: 25 },
  );
  const m = analyzeRecording(rec, { orientation: 'body' }).mornings[0]!;
  const w = m.windows[2]!; // 10-15 min after the rise: bending
  expect(w.flexionDeg!).toBeGreaterThan(97);
  expect(w.flexionDeg!).toBeLessThan(103);
  expect(w.lateralLeftDeg!).toBeLessThan(2);
  expect(w.lateralRightDeg!).toBeLessThan(2);
});
