// The ground truth agrees with itself and with the rendered body angles: labels, turns, immobility, the final
// rise, sleep, and the morning's windowed range of motion.
import { POSTURES } from '@restpose/protocol';
import {
  ACTIVITIES,
  accelerationG,
  FLAG_ASLEEP,
  FLAG_IN_BED,
  FLAG_TRANSITION,
  type Recording,
  recordingTruthSchema,
  sectorOf,
  simulateRecording,
  wrap180,
} from '../src/index.js';

const A = (name: (typeof ACTIVITIES)[number]) => ACTIVITIES.indexOf(name);

let rec: Recording;
beforeAll(() => {
  rec = simulateRecording({ seed: 23, rateHz: 25, nights: 1, sensor: { noiseMg: 2 } });
});

const index = (t: number) => Math.round(((t - rec.startMs) * rec.rateHz) / 1000);

test('the truth is plain JSON that its schema accepts', () => {
  const json = JSON.parse(JSON.stringify(rec.truth));
  expect(recordingTruthSchema.parse(json)).toEqual(rec.truth);
  expect(rec.truth.nights).toHaveLength(1);
  expect(rec.truth.mornings).toHaveLength(1);
});

test('samples in a bout carry its label; a turn carries the label being left and the transition flag', () => {
  const night = rec.truth.nights[0]!;
  const { posture, flags } = rec.samples.truth!;
  let wrong = 0;
  for (const bout of night.bouts) {
    for (let i = index(bout.start) + 1; i < index(bout.end) - 1; i++) {
      if (POSTURES[posture[i]!] !== bout.posture || flags[i]! & FLAG_TRANSITION) wrong++;
    }
  }
  expect(wrong).toBe(0);
  for (const turn of night.turns) {
    const mid = index((turn.start + turn.end) / 2);
    expect(POSTURES[posture[mid]!]).toBe(turn.fromPosture);
    expect(flags[mid]! & FLAG_TRANSITION).toBeTruthy();
    expect(POSTURES[posture[index(turn.end) + 2]!]).toBe(turn.toPosture);
    expect(turn.durationS).toBeGreaterThanOrEqual(1.5);
    expect(turn.durationS).toBeLessThanOrEqual(10);
  }
});

test('settled rolls sit well inside their sectors; turns move 30 degrees or more, repositionings less than 15', () => {
  const night = rec.truth.nights[0]!;
  const roll = rec.samples.truth!.rollDeg;
  for (const [i, bout] of night.bouts.entries()) {
    expect(sectorOf(bout.rollDeg)).toBe(bout.posture);
    // The whole bout, repositionings and breathing included, stays within 15 degrees and inside the sector.
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    let outside = 0;
    for (let k = index(bout.start) + 2; k < index(bout.end) - 2; k++) {
      const d = wrap180(roll[k]! - bout.rollDeg);
      lo = Math.min(lo, d);
      hi = Math.max(hi, d);
      if (sectorOf(roll[k]!) !== bout.posture) outside++;
    }
    expect(outside).toBe(0);
    expect(hi - lo).toBeLessThan(15);
    const next = night.bouts[i + 1];
    const turned = night.turns.find((t) => Math.abs(t.end - (next?.start ?? 0)) < 1);
    if (next && turned) expect(Math.abs(wrap180(next.rollDeg - bout.rollDeg))).toBeGreaterThanOrEqual(30);
  }
});

test('the longest immobile bout is the longest stretch between movement events while lying in bed', () => {
  const night = rec.truth.nights[0]!;
  const events = [
    night.lightsOff,
    night.finalRise,
    ...night.repositions,
    ...night.turns.flatMap((t) => [t.start, t.end]),
    ...night.outOfBedEpisodes.flatMap((o) => [o.start, o.end]),
  ].sort((a, z) => a - z);
  let longest = 0;
  for (let i = 1; i < events.length; i++) longest = Math.max(longest, events[i]! - events[i - 1]!);
  expect(longest / 60_000).toBeCloseTo(night.longestImmobileBoutMin, 2);
  const { start, end } = night.longestImmobileBout;
  expect((end - start) / 60_000).toBeCloseTo(night.longestImmobileBoutMin, 6);
  // Nothing but breathing and twitches inside it: the roll stays within a few degrees.
  const roll = rec.samples.truth!.rollDeg;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let k = index(start) + 2; k < index(end) - 2; k++) {
    lo = Math.min(lo, roll[k]!);
    hi = Math.max(hi, roll[k]!);
  }
  expect(hi - lo).toBeLessThan(4);
});

test('lying ends at the final rise; sleep, time in bed and positions add up from the samples', () => {
  const night = rec.truth.nights[0]!;
  const { activity, flags, posture } = rec.samples.truth!;
  let lastLying = -1;
  let firstLying = -1;
  let asleep = 0;
  const lyingByPosture: Record<string, number> = { supine: 0, left: 0, right: 0, prone: 0 };
  for (let i = 0; i < rec.sampleCount; i++) {
    if (flags[i]! & FLAG_ASLEEP) asleep++;
    if (activity[i] === A('lying')) {
      if (firstLying < 0) firstLying = i;
      lastLying = i;
      lyingByPosture[POSTURES[posture[i]!]!]!++;
    }
  }
  const dt = 1000 / rec.rateHz;
  expect(Math.abs(rec.startMs + (lastLying + 1) * dt - night.finalRise)).toBeLessThanOrEqual(dt);
  expect(Math.abs(rec.startMs + firstLying * dt - night.lightsOff)).toBeLessThanOrEqual(dt);
  expect(asleep / rec.rateHz / 60).toBeCloseTo(night.totalSleepMin, 0);
  for (const p of ['supine', 'left', 'right', 'prone'] as const) {
    expect(lyingByPosture[p]! / rec.rateHz / 60).toBeCloseTo(night.minutesByPosture[p], 0);
  }
  expect(night.sleepEfficiency).toBeCloseTo(night.totalSleepMin / night.timeInBedMin, 6);
  expect(night.wasoMin).toBeGreaterThanOrEqual(0);
  // In bed from lying down to sitting up, except out of bed.
  expect(flags[index(night.finalRise) - 5]! & FLAG_IN_BED).toBeTruthy();
  expect(flags[index(night.outOfBed) + 5]! & FLAG_IN_BED).toBeFalsy();
  for (const o of night.outOfBedEpisodes) {
    const mid = index((o.start + o.end) / 2);
    expect(flags[mid]! & FLAG_IN_BED).toBeFalsy();
    expect(o.walkS).toBeGreaterThan(10);
  }
});

test('morning windows hold the peak rendered inclinations, and time to loosen follows the capacity curve', () => {
  const m = rec.truth.mornings[0]!;
  const { activity, sagittalDeg, frontalDeg } = rec.samples.truth!;
  expect(m.windows).toHaveLength(24);
  for (const w of m.windows.slice(0, 12)) {
    let flexion = Number.NEGATIVE_INFINITY;
    let left = Number.NEGATIVE_INFINITY;
    for (let i = index(w.start); i < index(w.start + 5 * 60_000); i++) {
      if (activity[i] !== A('bending')) continue;
      flexion = Math.max(flexion, sagittalDeg[i]!);
      left = Math.max(left, -frontalDeg[i]!);
    }
    expect(w.flexionDeg).not.toBeNull();
    expect(flexion).toBeCloseTo(w.flexionDeg!, 1);
    expect(left).toBeCloseTo(w.leftDeg!, 1);
  }
  const ref = m.referenceRom.sagittalRangeDeg!;
  // Stiff at first, loose later: the windows climb towards the reference.
  expect(m.windows[0]!.sagittalRangeDeg!).toBeLessThan(ref);
  expect(m.stiffness.level).toBeGreaterThan(0);
  if (m.timeToLoosenMin !== null) {
    expect(Math.abs(m.timeToLoosenMin - m.stiffness.timeToLoosenLatentMin)).toBeLessThanOrEqual(5);
  }
  expect(m.firstSitToStand.durationS).toBeGreaterThan(1);
  expect(m.timeToFirstUprightS).toBeGreaterThan(2);
  expect(m.reported.severity).toBeGreaterThanOrEqual(0);
});

test("walking accelerates the trunk forward and back along the person's gait axis", () => {
  // Per second of walking, the covariance across the spine (body x-z plane); its principal axis as a doubled angle.
  const { activity } = rec.samples.truth!;
  const acc = accelerationG(rec);
  const R = rec.truth.mounting.initial.deviceToBody;
  let c2 = 0;
  let s2 = 0;
  for (let i0 = 0; i0 + rec.rateHz <= rec.sampleCount; i0 += rec.rateHz) {
    if (activity[i0] !== A('walking') || activity[i0 + rec.rateHz - 1] !== A('walking')) continue;
    const xs: number[] = [];
    const zs: number[] = [];
    for (let i = i0; i < i0 + rec.rateHz; i++) {
      const [dx, dy, dz] = [acc.x[i]!, acc.y[i]!, acc.z[i]!];
      xs.push(R[0] * dx + R[1] * dy + R[2] * dz);
      zs.push(R[6] * dx + R[7] * dy + R[8] * dz);
    }
    const mx = xs.reduce((a, v) => a + v, 0) / xs.length;
    const mz = zs.reduce((a, v) => a + v, 0) / zs.length;
    const vx = xs.reduce((a, v) => a + (v - mx) ** 2, 0);
    const vz = zs.reduce((a, v) => a + (v - mz) ** 2, 0);
    const cxz = xs.reduce((a, v, k) => a + (v - mx) * (zs[k]! - mz), 0);
    c2 += (vx - vz) / (vx + vz);
    s2 += (2 * cxz) / (vx + vz);
  }
  const axisDeg = (Math.atan2(s2, c2) * 180) / Math.PI / 2;
  expect(Math.abs(rec.truth.person.body.gaitAxisDeg)).toBeGreaterThan(1); // the seed's person turns it a little
  expect(Math.abs(axisDeg - rec.truth.person.body.gaitAxisDeg)).toBeLessThan(3);
});
