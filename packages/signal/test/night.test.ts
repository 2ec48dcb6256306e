import {
  analyzeRecording,
  boutsWithMinimum,
  detectTurns,
  IDENTITY,
  inactivityBouts,
  morningMetrics,
  nightMetrics,
  TickAccumulator,
} from '../src/index.js';
import { lyingG, type Phase, synth, uprightG } from './synth.js';

const RATE = 10;
const MIN = 60;

function ticksOf(rec: ReturnType<typeof synth>) {
  const acc = new TickAccumulator(rec.t[0]!, IDENTITY);
  acc.push({ t0: rec.t[0]!, rateHz: RATE, ax: rec.ax, ay: rec.ay, az: rec.az });
  acc.flush();
  return acc.table;
}

const evening: Phase[] = [
  { kind: 'walk', seconds: 30 * MIN },
  { kind: 'hold', seconds: 10 * MIN, g: uprightG(-20), breathing: true }, // reclined on the sofa: still upright
];
const night: Phase[] = [
  ...evening,
  { kind: 'hold', seconds: 180 * MIN, g: lyingG(0), breathing: true },
  { kind: 'roll', seconds: 5, from: 0, to: 90 },
  { kind: 'hold', seconds: 120 * MIN - 5, g: lyingG(90), breathing: true },
  { kind: 'walk', seconds: 6 * MIN }, // to the bathroom and back
  { kind: 'hold', seconds: 90 * MIN, g: lyingG(-90), breathing: true },
  { kind: 'walk', seconds: 45 * MIN },
];

describe('a constructed night', () => {
  const rec = synth(night, { rateHz: RATE });
  const t0 = rec.t[0]!;
  const a = analyzeRecording(rec, { orientation: 'body' });
  const n = a.nights[0]!;

  test('time in bed runs from the first lying epoch to the final rise', () => {
    expect(a.nights).toHaveLength(1);
    // To the second: the lying down and the sit-up are sharpened from epochs to one-second summaries.
    expect(Math.abs(n.bedStart - (t0 + 40 * MIN * 1000))).toBeLessThanOrEqual(1000);
    const rise = t0 + (40 + 180 + 120 + 6 + 90) * MIN * 1000;
    expect(Math.abs(n.finalRise - rise)).toBeLessThanOrEqual(1000);
    expect(n.finalRiseConfirmed).toBe(true);
    expect(n.date).toBe(new Date(rise).toISOString().slice(0, 10));
    expect(n.timeInBedMinutes).toBeCloseTo(396, -0.5);
  });

  test('minutes, bouts and changes per position', () => {
    expect(n.positions.supine.minutes).toBeCloseTo(180, -0.5);
    expect(n.positions.left.minutes).toBeCloseTo(120, -0.5);
    expect(n.positions.right.minutes).toBeCloseTo(90, -0.5);
    expect(n.positions.prone.minutes).toBe(0);
    expect(n.positions.left.longestBoutMinutes).toBeCloseTo(120, -0.5);
    expect(n.positions.supine.share).toBeCloseTo(180 / 396, 1);
    expect(n.positionChanges).toBe(3); // supine -> left -> up -> right
    expect(n.positionChangesPerHour).toBeCloseTo(3 / (396 / 60), 1);
  });

  test('the bathroom trip is an out-of-bed episode, and the roll to the left side a turn', () => {
    expect(n.outOfBedEpisodes).toHaveLength(1);
    expect(n.outOfBedEpisodes[0]!.minutes).toBeCloseTo(6, -0.5);
    expect(n.turns).toHaveLength(1);
    const turn = n.turns[0]!;
    expect(turn.side).toBe('left');
    expect(turn.degrees).toBeGreaterThan(85);
    expect(turn.degrees).toBeLessThan(95);
    expect(turn.durationS).toBeGreaterThanOrEqual(4);
    expect(turn.durationS).toBeLessThanOrEqual(7);
    expect(Math.abs(turn.start - (t0 + 220 * MIN * 1000))).toBeLessThanOrEqual(2000);
  });

  test('sleep is an estimate from sustained inactivity; breathing is not non-wear', () => {
    expect(n.sleepEstimate.label).toBe('estimate');
    expect(n.sleepEstimate.totalSleepMinutes).toBeGreaterThan(380);
    expect(n.sleepEstimate.totalSleepMinutes).toBeLessThan(392);
    expect(n.longestImmobileBoutMinutes).toBeCloseTo(180, -1);
    expect(a.quality.nonWear).toEqual([]);
    expect(n.nonWearMinutes).toBe(0);
  });
});

test('a sensor left still on a table is non-wear, and its "lying" is no night', () => {
  const rec = synth(
    [...evening, { kind: 'hold', seconds: 180 * MIN, g: [0, 0, 1] }, { kind: 'walk', seconds: 45 * MIN }],
    { rateHz: RATE },
  );
  const a = analyzeRecording(rec, { orientation: 'body' });
  expect(a.quality.nonWear).toHaveLength(1);
  expect(Math.abs(a.quality.nonWear[0]!.start - (rec.t[0]! + 40 * MIN * 1000))).toBeLessThanOrEqual(60_000);
  expect(a.quality.nonWearMinutes).toBeGreaterThan(175);
  expect(a.nights).toEqual([]);
  expect(a.epochs.filter((e) => e.nonWear).length).toBeGreaterThan((175 * 60) / 30);
});

test.each([50, 10])('motionless sleep with shallow breathing (0.1 degrees) is not non-wear at %d Hz', (rateHz) => {
  const rec = synth([{ kind: 'hold', seconds: 150 * MIN, g: lyingG(90), breathing: 0.1 }], { rateHz, seed: 7 });
  expect(analyzeRecording(rec, { orientation: 'body' }).quality.nonWear).toEqual([]);
});

test('turns: a roll change of 15 degrees or more that holds for 30 s, with side, size, duration and speed', () => {
  const rec = synth(
    [
      { kind: 'hold', seconds: 120, g: lyingG(0), breathing: true },
      { kind: 'roll', seconds: 4, from: 0, to: 40 }, // turn 1: +40 toward the left
      { kind: 'hold', seconds: 120, g: lyingG(40), breathing: true },
      { kind: 'roll', seconds: 2, from: 40, to: 30 }, // 10 degrees: too small
      { kind: 'hold', seconds: 120, g: lyingG(30), breathing: true },
      { kind: 'roll', seconds: 2, from: 30, to: 70 }, // does not hold: back after 10 s
      { kind: 'hold', seconds: 10, g: lyingG(70) },
      { kind: 'roll', seconds: 2, from: 70, to: 30 },
      { kind: 'hold', seconds: 120, g: lyingG(30), breathing: true },
      { kind: 'roll', seconds: 10, from: 30, to: 200 }, // turn 2: through prone onto the right side (-160)
      { kind: 'hold', seconds: 120, g: lyingG(200), breathing: true },
      { kind: 'roll', seconds: 6, from: -160, to: -90 }, // turn 3: back toward the right side, roll rising: left
      { kind: 'hold', seconds: 120, g: lyingG(-90), breathing: true },
    ],
    { rateHz: RATE },
  );
  const ticks = ticksOf(rec);
  const turns = detectTurns(ticks, ticks.first, ticks.end);
  expect(turns.map((t) => [t.side, Math.round(t.degrees / 5) * 5])).toEqual([
    ['left', 40],
    ['left', 170],
    ['left', 70],
  ]);
  expect(turns[0]!.durationS).toBeGreaterThanOrEqual(3);
  expect(turns[0]!.durationS).toBeLessThanOrEqual(6);
  expect(turns[0]!.speedDegS).toBeCloseTo(turns[0]!.degrees / turns[0]!.durationS, 6);
  expect(turns[1]!.toRollDeg).toBeCloseTo(-160, -1);
  const right = detectTurns(
    ticksOf(
      synth(
        [
          { kind: 'hold', seconds: 60, g: lyingG(0) },
          { kind: 'roll', seconds: 3, from: 0, to: -30 },
          { kind: 'hold', seconds: 60, g: lyingG(-30) },
        ],
        { rateHz: RATE },
      ),
    ),
    0,
    200,
  );
  expect(right.map((t) => t.side)).toEqual(['right']);
});

test('sustained inactivity needs 5 minutes without a 3-degree change', () => {
  const rec = synth(
    [
      { kind: 'hold', seconds: 4 * MIN, g: lyingG(0), breathing: true },
      { kind: 'roll', seconds: 3, from: 0, to: 20 },
      { kind: 'hold', seconds: 10 * MIN, g: lyingG(20), breathing: true },
    ],
    { rateHz: RATE },
  );
  const ticks = ticksOf(rec);
  const bouts = inactivityBouts(ticks, ticks.first, ticks.end);
  expect(bouts).toHaveLength(1);
  expect((bouts[0]!.end - bouts[0]!.start) / 60_000).toBeCloseTo(10, 0);
});

test('the bout layer folds runs shorter than the minimum into their neighbours', () => {
  const span = (label: string, start: number, end: number) => ({ label, start: start * 1000, end: end * 1000 });
  const bouts = boutsWithMinimum(
    [span('supine', 0, 300), span('left', 300, 330), span('supine', 330, 600), span('left', 600, 1200)],
    60_000,
  );
  expect(bouts.map((b) => [b.label, b.start / 1000, b.end / 1000])).toEqual([
    ['supine', 0, 600],
    ['left', 600, 1200],
  ]);
});

test('a night flattens into snake_case metrics for the store and exports', () => {
  const rec = synth(night, { rateHz: RATE });
  const a = analyzeRecording(rec, { orientation: 'body' });
  const m = nightMetrics(a.nights[0]!);
  for (const name of Object.keys(m)) expect(name).toMatch(/^[a-z][a-z0-9_]{0,63}$/);
  expect(m.supine_min).toBeCloseTo(180, -0.5);
  expect(m.longest_prone_bout_min).toBeNull();
  expect(m.out_of_bed_count).toBe(1);
  expect(m.share_supine).toBeCloseTo(m.supine_min! / m.time_in_bed_min!, 6);
  expect(m.turns).toBe(1);
  const mm = morningMetrics(a.mornings[0]!);
  for (const name of Object.keys(mm)) expect(name).toMatch(/^[a-z][a-z0-9_]{0,63}$/);
  expect(mm.time_to_loosen_min).toBeNull(); // 45 min of walking after the rise: no reference period
});
