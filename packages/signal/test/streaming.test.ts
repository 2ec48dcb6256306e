import { analyzeRecording, IDENTITY, StreamingAnalyzer } from '../src/index.js';
import { lyingG, type Phase, synth, uprightG } from './synth.js';

const MIN = 60;
const RATE = 10;

const nightAndDay: Phase[] = [
  { kind: 'walk', seconds: 30 * MIN },
  { kind: 'hold', seconds: 200 * MIN, g: lyingG(0), breathing: true },
  { kind: 'roll', seconds: 4, from: 0, to: 90 },
  { kind: 'hold', seconds: 100 * MIN, g: lyingG(90), breathing: true },
  { kind: 'walk', seconds: 60 * MIN },
  { kind: 'bend', seconds: 60 * MIN, angles: (s) => [30 * Math.max(0, Math.sin(s / 2)), 0] },
];

function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
}

test('streaming in random batches agrees with the whole-recording analysis', () => {
  const rec = synth(nightAndDay, { rateHz: RATE });
  const whole = analyzeRecording(rec, { orientation: 'body', calibrate: false });
  const live = new StreamingAnalyzer({ originMs: rec.t[0]!, epochSeconds: 30, mounting: IDENTITY });
  const epochs = [];
  const nights = [];
  const mornings = [];
  const rnd = seeded(3);
  for (let i = 0; i < rec.ax.length; ) {
    const n = Math.max(1, Math.floor(rnd() * 600 * RATE));
    const j = Math.min(rec.ax.length, i + n);
    const out = live.push({
      t0: rec.t[i]!,
      rateHz: RATE,
      ax: rec.ax.subarray(i, j),
      ay: rec.ay.subarray(i, j),
      az: rec.az.subarray(i, j),
    });
    epochs.push(...out.epochs);
    nights.push(...out.nights);
    mornings.push(...out.mornings);
    i = j;
  }
  const end = live.finish();
  epochs.push(...end.epochs);
  nights.push(...end.nights);
  mornings.push(...end.mornings);

  expect(whole.nights).toHaveLength(1);
  expect(whole.mornings).toHaveLength(1);
  expect(epochs.length).toBe(whole.epochs.length);
  expect(epochs.map((e) => [e.start, e.posture])).toEqual(whole.epochs.map((e) => [e.start, e.posture]));
  for (let i = 0; i < epochs.length; i++) expect(epochs[i]!.rollDeg).toBeCloseTo(whole.epochs[i]!.rollDeg, 6);
  expect(nights).toEqual(whole.nights);
  expect(mornings).toEqual(whole.mornings);
});

test('an epoch comes back as soon as a sample past its end arrives', () => {
  const live = new StreamingAnalyzer({ originMs: 0, epochSeconds: 30, mounting: IDENTITY });
  const t0 = 1_800_000_000_000 + 10_000; // 10 s into a UTC-aligned epoch
  const second = (t: number, g: [number, number, number]) =>
    live.push({
      t0: t,
      rateHz: RATE,
      ax: new Float32Array(RATE).fill(g[0]),
      ay: new Float32Array(RATE).fill(g[1]),
      az: new Float32Array(RATE).fill(g[2]),
    }).epochs;
  for (let s = 0; s < 20; s++) expect(second(t0 + s * 1000, lyingG(-90))).toEqual([]);
  const done = second(t0 + 20_000, lyingG(-90));
  expect(done.map((e) => [e.start, e.posture])).toEqual([[t0 - 10_000, 'right']]);
  expect(done[0]!.coverage).toBeCloseTo(20 / 30);
  expect(done[0]!.algorithm).toMatch(/^angle-rule@/);
});

test('memory stays bounded over days of streaming', () => {
  const live = new StreamingAnalyzer({ originMs: 0, epochSeconds: 30, mounting: IDENTITY });
  const day = synth(
    [
      { kind: 'hold', seconds: 8 * 60 * MIN, g: lyingG(0), breathing: true },
      { kind: 'hold', seconds: 16 * 60 * MIN, g: uprightG(5), breathing: true },
    ],
    { rateHz: 1, noiseG: 0.003 },
  );
  let maxTicks = 0;
  let nights = 0;
  for (let d = 0; d < 5; d++) {
    for (let i = 0; i < day.ax.length; i += 600) {
      const j = Math.min(day.ax.length, i + 600);
      const out = live.push({
        t0: day.t[0]! + d * 86_400_000 + i * 1000,
        rateHz: 1,
        ax: day.ax.subarray(i, j),
        ay: day.ay.subarray(i, j),
        az: day.az.subarray(i, j),
      });
      nights += out.nights.length;
      maxTicks = Math.max(maxTicks, live.retained.ticks);
    }
  }
  expect(nights).toBe(5);
  // A night plus its morning's reference day is under 24 h of one-second summaries; five days were pushed.
  expect(maxTicks).toBeLessThan(26 * 3600);
  expect(live.retained.epochs).toBeLessThan(26 * 120);
});

test('epochs-only mode gives the same epochs in bounded memory, and no nights or mornings', () => {
  const rec = synth(nightAndDay, { rateHz: RATE });
  const full = new StreamingAnalyzer({ originMs: rec.t[0]!, epochSeconds: 30, mounting: IDENTITY });
  const lean = new StreamingAnalyzer({
    originMs: rec.t[0]!,
    epochSeconds: 30,
    mounting: IDENTITY,
    epochsOnlyKeepSeconds: 60,
  });
  const fullEpochs = [];
  const leanEpochs = [];
  let leanNights = 0;
  let mostTicks = 0;
  for (let i = 0; i < rec.ax.length; i += 60 * RATE) {
    const j = Math.min(rec.ax.length, i + 60 * RATE);
    const batch = {
      t0: rec.t[i]!,
      rateHz: RATE,
      ax: rec.ax.subarray(i, j),
      ay: rec.ay.subarray(i, j),
      az: rec.az.subarray(i, j),
    };
    fullEpochs.push(...full.push(batch).epochs);
    const out = lean.push(batch);
    leanEpochs.push(...out.epochs);
    leanNights += out.nights.length + out.mornings.length;
    mostTicks = Math.max(mostTicks, lean.retained.ticks);
  }
  expect(leanEpochs.map((e) => [e.start, e.posture, e.confidence])).toEqual(
    fullEpochs.map((e) => [e.start, e.posture, e.confidence]),
  );
  expect(leanNights).toBe(0);
  expect(mostTicks).toBeLessThanOrEqual(64 + 30 + 60);
  expect(full.retained.ticks).toBeGreaterThan(10 * mostTicks);
});
