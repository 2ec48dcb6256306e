// The night in bed: lying down, position bouts with turns and repositionings, wake bouts, out-of-bed episodes and
// the final rise. One bout holds the night's longest immobile stretch (the cohort relationship's driver, see
// docs/simulator.md); every other stretch is broken by movement well before it could rival that one.
import { LYING_POSTURES, type LyingPosture, type Person } from './person.js';
import { type PlanBuilder, type Pose, sectorOf, type Twitch, truthOf, wrap180 } from './plan.js';
import type { Random } from './random.js';

const MIN = 60_000;
const SEC = 1000;

const NOMINAL_ROLL: Record<LyingPosture, number> = { supine: 0, left: 90, right: -90, prone: 180 };
/** Settled rolls stay 12 degrees inside their sector, and at least 7 after repositioning: labels are unambiguous. */
const BASE_MAX_OFFSET = 33;
const REPOSITION_MAX = 5;
const MIN_TURN_DEG = 30;

export interface BoutPlan {
  start: number;
  end: number;
  posture: LyingPosture;
  /** Settled roll, degrees in (-180, 180]; repositionings move within +-5 degrees of it. */
  rollDeg: number;
  threeQuarter: boolean;
}

export interface TurnPlan {
  t0: number;
  t1: number;
  fromRollDeg: number;
  toRollDeg: number;
  fromPosture: LyingPosture;
  toPosture: LyingPosture;
}

export interface OutOfBedPlan {
  /** Start of sitting up, and end of lying down again. */
  start: number;
  end: number;
  walkMs: number;
}

export interface NightPlan {
  /** Sits on the bed edge. */
  bedEntry: number;
  /** First moment in bed (transfer into bed starts). */
  inBedStart: number;
  /** End of lying down: the lying period starts. */
  lightsOff: number;
  sleepOnset: number;
  /** Start of the final sit-up: the lying period ends. */
  finalRise: number;
  /** End of the final sit-up (trunk upright on the bed edge). */
  firstUpright: number;
  /** The first sit-to-stand of the day. */
  firstSitToStand: { t0: number; t1: number };
  bouts: BoutPlan[];
  turns: TurnPlan[];
  repositions: number[];
  outOfBed: OutOfBedPlan[];
  /** Awake intervals inside the lying period (sleep latency, wake bouts, around out-of-bed episodes, final wake). */
  wake: Array<[number, number]>;
  /** The stretch of lying without any movement event that drives the stiffness relationship. */
  immobile: { start: number; end: number };
}

export interface NightInputs {
  person: Person;
  rng: Random;
  bedEntry: number;
  lyingPeriodMs: number;
  readingMs: number;
  longestImmobileMs: number;
  /** Morning stiffness level 0-10: the final rise is slower when stiff. */
  stiffnessLevel: number;
  /** Called with every turn, so the caller can put mounting slips on some of them. */
  onTurn?: (turn: TurnPlan) => void;
}

interface BoutDraft {
  durationMs: number;
  driver: boolean;
  /** Out-of-bed episode after this bout (instead of a turn). */
  oobAfter: boolean;
  posture: LyingPosture;
  rollDeg: number;
  sagDeg: number;
  threeQuarter: boolean;
}

/** Duration of each movement that separates bouts, drawn before the bouts are laid out. */
interface Separation {
  kind: 'turn' | 'oob';
  ms: number;
}

export function planNight(b: PlanBuilder, input: NightInputs): NightPlan {
  const { person, rng } = input;
  const s = person.sleep;
  const lying = person.lying;
  const edgePose: Pose = { sag: person.body.edgeSitSagDeg, lat: 0, roll: 0 };
  const upright = (activity: 'sitting' | 'transfer', inBed: boolean, transition = false) =>
    truthOf(activity, 'upright', { inBed, transition });

  // Going to bed: sit on the edge, perhaps read reclined in bed, lie down.
  b.hold(rng.uniform(20, 60) * SEC, upright('sitting', false), { breathing: 0.3, swayDeg: 0.2 });
  const inBedStart = b.t;
  if (input.readingMs > 0) {
    b.move(
      { sag: person.body.reclineSagDeg, lat: 0, roll: 0 },
      rng.uniform(4, 7) * SEC,
      upright('transfer', true, true),
      {
        headingDeg: 90,
        liftM: [0, 0.05, 0],
      },
    );
    holdAwake(b, input.readingMs, upright('sitting', true), person, rng, 0.4);
  }

  // Lay out the lying period: separations (turns, out-of-bed episodes between them), then bout durations.
  const turnCount = Math.max(2, rng.poisson(s.turnsPerHour * (input.lyingPeriodMs / 3_600_000)));
  const separations: Separation[] = Array.from({ length: turnCount }, () => ({ kind: 'turn', ms: turnMs(rng) }));
  const oobCount = Math.min(3, rng.poisson(s.outOfBedPerNight));
  for (let i = 0; i < oobCount; i++) {
    // Never first or last: the night starts and ends with a turn-separated bout.
    separations.splice(rng.int(1, separations.length - 1), 0, { kind: 'oob', ms: 0 });
  }
  const oobDrafts = separations.map((sep) => (sep.kind === 'oob' ? draftOutOfBed(rng) : null));
  for (let i = 0; i < separations.length; i++) if (oobDrafts[i]) separations[i]!.ms = oobDrafts[i]!.totalMs;
  const boutCount = separations.length + 1;

  const lieDownMs = rng.uniform(3, 6) * SEC;
  const sleepLatencyMs = Math.min(90, Math.max(1, rng.lognormal(s.sleepLatencyMedianMin, 0.6))) * MIN;
  const finalWakeMs = Math.min(45, Math.max(1, rng.lognormal(s.finalWakeMedianMin, 0.7))) * MIN;
  const sepTotal = separations.reduce((sum, x) => sum + x.ms, 0);
  const immobileMs = Math.min(input.longestImmobileMs, 0.6 * input.lyingPeriodMs);
  const freeMs = Math.max(boutCount * 2 * MIN, input.lyingPeriodMs - immobileMs - sepTotal);
  const weights = Array.from({ length: boutCount }, () => rng.lognormal(1, s.boutSigma));
  const weightSum = weights.reduce((a, w) => a + w, 0);
  const drafts: BoutDraft[] = weights.map((w, i) => ({
    durationMs: Math.max(2 * MIN, (freeMs * w) / weightSum),
    driver: false,
    oobAfter: separations[i]?.kind === 'oob',
    posture: 'supine',
    rollDeg: 0,
    sagDeg: -90 + lying.inclineDeg + rng.normal(0, 2),
    threeQuarter: false,
  }));
  // The driver bout starts asleep, between two turns, and is neither the first nor the last bout.
  const candidates: number[] = [];
  let boutStart = 0;
  for (let i = 0; i < boutCount; i++) {
    if (i > 0 && i < boutCount - 1 && boutStart >= sleepLatencyMs + MIN) {
      if (separations[i - 1]!.kind === 'turn' && separations[i]!.kind === 'turn') candidates.push(i);
    }
    boutStart += drafts[i]!.durationMs + (separations[i]?.ms ?? 0);
  }
  const driver = drafts[candidates.length > 0 ? rng.pick(candidates) : 1]!;
  driver.driver = true;
  driver.durationMs += immobileMs;
  assignPositions(drafts, person, rng);

  // Lie down into the first bout.
  const first = drafts[0]!;
  b.move({ sag: first.sagDeg, lat: 0, roll: first.rollDeg }, lieDownMs, upright('transfer', true, true), {
    headingDeg: input.readingMs > 0 ? 0 : 90,
    liftM: [0, -0.3, 0],
  });
  const lightsOff = b.t;
  const sleepOnset = lightsOff + sleepLatencyMs;

  const bouts: BoutPlan[] = [];
  const turns: TurnPlan[] = [];
  const repositions: number[] = [];
  const outOfBed: OutOfBedPlan[] = [];
  const wake: Array<[number, number]> = [[lightsOff, sleepOnset]];
  let immobile = { start: 0, end: 0 };
  let pendingWakeMs = 0;

  for (let i = 0; i < drafts.length; i++) {
    const d = drafts[i]!;
    const start = b.t;
    const last = i === drafts.length - 1;
    // Wake at the start of this bout (after a turn or a return from the bathroom), and at its end before leaving.
    const endWakeMs = last ? finalWakeMs : d.oobAfter ? rng.uniform(1, 4) * MIN : 0;
    const startWakeMs = d.driver ? 0 : pendingWakeMs;
    const duration = Math.max(d.durationMs, startWakeMs + endWakeMs + MIN);
    const end = start + duration;
    if (startWakeMs > 0) wake.push([start, start + startWakeMs]);
    if (endWakeMs > 0) wake.push([end - endWakeMs, end]);
    const isAwake = (t: number) => wake.some(([a, z]) => t >= a && t < z);
    const nextWakeEdge = (t: number) => {
      let edge = Number.POSITIVE_INFINITY;
      for (const [a, z] of wake) {
        if (a > t && a < edge) edge = a;
        if (z > t && z < edge) edge = z;
      }
      return edge;
    };
    const hold = (ms: number) => holdSplitByWake(b, ms, lyingTruth, isAwake, nextWakeEdge, person, rng);
    const lyingTruth = (asleep: boolean) => truthOf('lying', d.posture, { inBed: true, asleep });

    // Movement events inside the bout: the driver's immobile stretch has none; elsewhere gaps stay below it.
    const driverStretch = d.driver ? { start, end: start + immobileMs } : null;
    if (driverStretch) immobile = driverStretch;
    const events = movementTimes(start, end, driverStretch, immobileMs, person, rng, isAwake);
    let offset = 0;
    let t = start;
    for (const at of events) {
      hold(at - t);
      // When two fall within seconds, the second starts as the first ends.
      repositions.push(b.t);
      const next = repositionOffset(offset, rng);
      b.move(
        { sag: d.sagDeg + rng.normal(0, 1), lat: 0, roll: b.pose.roll + (next - offset) },
        rng.uniform(1, 3) * SEC,
        lyingTruth(!isAwake(b.t)),
      );
      offset = next;
      t = b.t;
    }
    hold(end - t);
    bouts.push({ start, end: b.t, posture: d.posture, rollDeg: wrap180(d.rollDeg), threeQuarter: d.threeQuarter });
    if (last) break;

    const nextBout = drafts[i + 1]!;
    if (d.oobAfter) {
      const oob = oobDrafts[i]!;
      const episodeStart = b.t;
      const walkMs = outOfBedEpisode(b, oob, d, nextBout, person, rng);
      outOfBed.push({ start: episodeStart, end: b.t, walkMs });
      pendingWakeMs = rng.uniform(2, 10) * MIN;
    } else {
      const turn = turnBetween(b, d, nextBout, separations[i]!.ms, !isAwake(b.t), rng);
      turns.push(turn);
      input.onTurn?.(turn);
      pendingWakeMs = rng.chance(s.wakeAfterTurnProb) ? Math.min(15, rng.lognormal(3, 0.6)) * MIN : 0;
    }
  }

  // The final rise: sit up (slower when stiff), sit on the edge, stand up.
  const slow = 1 + 0.06 * input.stiffnessLevel;
  const lastBout = drafts[drafts.length - 1]!;
  const finalRise = b.t;
  b.move(
    { ...edgePose, roll: b.pose.roll - wrap180(b.pose.roll) },
    rng.uniform(2.5, 5) * SEC * slow,
    truthOf('transfer', lastBout.posture, { inBed: true, transition: true }),
    { headingDeg: -90, liftM: [0, 0.3, 0] },
  );
  b.pose.roll = 0;
  const firstUpright = b.t;
  b.hold(rng.uniform(10, 90) * SEC, upright('sitting', false), { breathing: 0.3, swayDeg: 0.3 });
  const standT0 = b.t;
  sitToStand(b, person, rng, slow);
  const firstSitToStand = { t0: standT0, t1: b.t };

  wake.sort((a, z) => a[0] - z[0]);
  return {
    bedEntry: input.bedEntry,
    inBedStart,
    lightsOff,
    sleepOnset,
    finalRise,
    firstUpright,
    firstSitToStand,
    bouts,
    turns,
    repositions,
    outOfBed,
    wake: mergeIntervals(wake),
    immobile,
  };
}

function turnMs(rng: Random): number {
  return Math.min(10, Math.max(1.5, rng.lognormal(3.5, 0.35))) * SEC;
}

/**
 * Positions per bout: the night's target shares (the person's habit with night-to-night variation) are filled
 * greedily by deficit, so the shares do not depend on how long the driver bout is. Consecutive bouts separated by
 * a turn differ in label and in settled roll by at least 30 degrees.
 */
function assignPositions(drafts: BoutDraft[], person: Person, rng: Random): void {
  const habit = person.lying.shares;
  const target = LYING_POSTURES.map((p) => habit[p] * rng.lognormal(1, 0.35));
  const targetSum = target.reduce((a, v) => a + v, 0) || 1;
  const total = drafts.reduce((a, d) => a + d.durationMs, 0);
  const assigned = [0, 0, 0, 0];
  let previous: BoutDraft | null = null;
  for (const d of drafts) {
    const weights = LYING_POSTURES.map((p, i) => {
      if (previous && !previous.oobAfter && previous.posture === p) return 0;
      const deficit = (target[i]! / targetSum) * total - assigned[i]!;
      return Math.max(deficit, 0) + 1e-3 * total * (target[i]! / targetSum);
    });
    const index = rng.weighted(weights);
    const posture = LYING_POSTURES[index]!;
    assigned[index]! += d.durationMs;
    d.posture = posture;
    d.threeQuarter = rng.chance(person.lying.threeQuarterProb);
    let offset = person.lying.rollOffsetDeg[posture] + rng.normal(0, 4);
    if (d.threeQuarter) offset += (rng.chance(0.5) ? 1 : -1) * rng.uniform(25, 33);
    offset = Math.max(-BASE_MAX_OFFSET, Math.min(BASE_MAX_OFFSET, offset));
    if (previous && !previous.oobAfter) {
      // Keep a real turn: pull toward the sector centre until the settled rolls are 30 degrees apart.
      const prevRoll = previous.rollDeg;
      for (let k = 0; k < 40 && Math.abs(wrap180(NOMINAL_ROLL[posture] + offset - prevRoll)) < MIN_TURN_DEG; k++) {
        offset *= 0.85;
      }
    }
    d.rollDeg = NOMINAL_ROLL[posture] + offset;
    previous = d;
  }
}

/** Times of repositionings in [start, end): Poisson by wake state, plus enough to keep every gap short. */
function movementTimes(
  start: number,
  end: number,
  driver: { start: number; end: number } | null,
  immobileMs: number,
  person: Person,
  rng: Random,
  isAwake: (t: number) => boolean,
): number[] {
  const times: number[] = [];
  const maxGap = Math.max(4 * MIN, 0.75 * immobileMs);
  const rate = person.sleep.repositionsPerHour / 3_600_000;
  let t = start;
  if (driver) {
    // The immobile stretch ends with a repositioning (the bout holds at least two more minutes).
    t = driver.end;
    times.push(t);
  }
  while (t < end) {
    const r = isAwake(t) ? 4 * rate : rate;
    const gap = Math.min(maxGap * rng.uniform(0.6, 1), r > 0 ? -Math.log(1 - rng.next()) / r : maxGap);
    t += gap;
    // Leave room for the repositioning itself and for the turn that ends the bout.
    if (t < end - 20 * SEC) times.push(t);
  }
  return times;
}

/** Next offset from the settled roll, within +-5 degrees and at least 5 degrees from the current one. */
function repositionOffset(current: number, rng: Random): number {
  return current >= 0 ? rng.uniform(-REPOSITION_MAX, current - 5) : rng.uniform(current + 5, REPOSITION_MAX);
}

function holdSplitByWake(
  b: PlanBuilder,
  ms: number,
  truth: (asleep: boolean) => ReturnType<typeof truthOf>,
  isAwake: (t: number) => boolean,
  nextWakeEdge: (t: number) => number,
  person: Person,
  rng: Random,
): void {
  const end = b.t + ms;
  while (b.t < end) {
    const awake = isAwake(b.t);
    const t = Math.min(end, nextWakeEdge(b.t));
    addTwitches(b.twitches, b.t, t, person.sleep.twitchesPerHour * (awake ? 4 : 1), rng);
    b.hold(t - b.t, truth(!awake), { breathing: 1 });
  }
}

function holdAwake(
  b: PlanBuilder,
  ms: number,
  truth: ReturnType<typeof truthOf>,
  person: Person,
  rng: Random,
  breathing: number,
): void {
  addTwitches(b.twitches, b.t, b.t + ms, person.sleep.twitchesPerHour * 4, rng);
  b.hold(ms, truth, { breathing, swayDeg: 0.2 });
}

/** Limb-movement bursts: below 2 degrees and 0.05 g, so they never count as a movement event. */
export function addTwitches(out: Twitch[], from: number, to: number, perHour: number, rng: Random): void {
  const rate = perHour / 3_600_000;
  if (rate <= 0) return;
  let t = from - Math.log(1 - rng.next()) / rate;
  while (t < to - 3 * SEC) {
    out.push({
      t0: t,
      durMs: rng.uniform(0.5, 2.5) * SEC,
      freqHz: rng.uniform(1.5, 4),
      angleDeg: [rng.normal(0, 0.5), rng.normal(0, 0.3), rng.normal(0, 0.5)],
      accG: [rng.normal(0, 0.012), rng.normal(0, 0.012), rng.normal(0, 0.012)],
    });
    t -= Math.log(1 - rng.next()) / rate;
  }
}

function turnBetween(
  b: PlanBuilder,
  from: BoutDraft,
  to: BoutDraft,
  ms: number,
  asleep: boolean,
  rng: Random,
): TurnPlan {
  const t0 = b.t;
  const fromRoll = b.pose.roll;
  let delta = wrap180(to.rollDeg - fromRoll);
  // From one side to the other, people mostly roll over the back rather than the front.
  if (Math.abs(delta) > 150 && sectorOf(fromRoll + delta / 2) === 'prone' && rng.chance(0.8)) {
    delta = delta > 0 ? delta - 360 : delta + 360;
  }
  b.move(
    { sag: to.sagDeg, lat: 0, roll: fromRoll + delta },
    ms,
    truthOf('lying', from.posture, { inBed: true, asleep, transition: true }),
    { bumpDeg: rng.uniform(3, 8) },
  );
  return {
    t0,
    t1: b.t,
    fromRollDeg: wrap180(from.rollDeg),
    toRollDeg: wrap180(to.rollDeg),
    fromPosture: from.posture,
    toPosture: to.posture,
  };
}

interface OutOfBedDraft {
  sitUpMs: number;
  edgeMs: number;
  walkMs: number;
  bathroomMs: number;
  sitsInBathroom: boolean;
  backEdgeMs: number;
  lieDownMs: number;
  totalMs: number;
}

function draftOutOfBed(rng: Random): OutOfBedDraft {
  const d = {
    sitUpMs: rng.uniform(2.5, 5) * SEC,
    edgeMs: rng.uniform(8, 40) * SEC,
    walkMs: rng.uniform(8, 25) * SEC,
    bathroomMs: rng.uniform(1, 4) * MIN,
    sitsInBathroom: rng.chance(0.7),
    backEdgeMs: rng.uniform(4, 20) * SEC,
    lieDownMs: rng.uniform(3, 6) * SEC,
    totalMs: 0,
  };
  // Stand-ups and sit-downs add about 10 s; the total is what the lying period gives up.
  d.totalMs = d.sitUpMs + d.edgeMs + 2 * d.walkMs + d.bathroomMs + d.backEdgeMs + d.lieDownMs + 12 * SEC;
  return d;
}

/** Sit up, walk to the bathroom, come back and lie down; returns the walking time. */
function outOfBedEpisode(
  b: PlanBuilder,
  d: OutOfBedDraft,
  from: BoutDraft,
  to: BoutDraft,
  person: Person,
  rng: Random,
): number {
  const edge: Pose = { sag: person.body.edgeSitSagDeg, lat: 0, roll: 0 };
  b.move(
    { ...edge, roll: b.pose.roll - wrap180(b.pose.roll) },
    d.sitUpMs,
    truthOf('transfer', from.posture, {
      inBed: true,
      transition: true,
    }),
    { headingDeg: -90, liftM: [0, 0.3, 0] },
  );
  b.pose.roll = 0;
  const sitting = truthOf('sitting', 'upright');
  b.hold(d.edgeMs, sitting, { breathing: 0.3, swayDeg: 0.3 });
  sitToStand(b, person, rng, 1.1);
  const walk = (ms: number) => walkWithTurn(b, ms, person, rng, 1.0);
  walk(d.walkMs);
  if (d.sitsInBathroom) {
    standToSit(b, person, rng, { ...edge, sag: person.body.sitSagDeg + 5 });
    b.hold(d.bathroomMs, sitting, { breathing: 0.3, swayDeg: 0.3 });
    sitToStand(b, person, rng, 1.1);
  } else {
    b.hold(d.bathroomMs, truthOf('standing', 'upright'), { swayDeg: 0.5 });
  }
  walk(d.walkMs);
  standToSit(b, person, rng, edge);
  b.hold(d.backEdgeMs, sitting, { breathing: 0.3, swayDeg: 0.3 });
  b.move(
    { sag: to.sagDeg, lat: 0, roll: to.rollDeg },
    d.lieDownMs,
    truthOf('transfer', 'upright', { inBed: true, transition: true }),
    { headingDeg: 90, liftM: [0, -0.3, 0] },
  );
  return 2 * d.walkMs;
}

/** Rise from sitting: lean forward, lift off, extend; the trunk rises about 0.35 m. */
export function sitToStand(b: PlanBuilder, person: Person, rng: Random, slow: number): void {
  const ms = rng.uniform(1.5, 2.8) * SEC * slow;
  const transfer = truthOf('transfer', 'upright', { transition: true });
  const lean = b.pose.sag + rng.uniform(20, 35);
  b.move({ sag: lean, lat: 0, roll: 0 }, ms * 0.45, transfer, { liftM: [0.08, 0.05, 0] });
  b.move({ sag: person.body.standSagDeg, lat: person.body.standLatDeg, roll: 0 }, ms * 0.55, transfer, {
    liftM: [0.1, 0.32, 0],
  });
}

export function standToSit(b: PlanBuilder, person: Person, rng: Random, seat: Pose): void {
  const ms = rng.uniform(1.5, 2.5) * SEC;
  const transfer = truthOf('transfer', 'upright', { transition: true });
  b.move({ sag: person.body.standSagDeg + rng.uniform(20, 30), lat: 0, roll: 0 }, ms * 0.5, transfer, {
    liftM: [-0.05, -0.2, 0],
  });
  b.move(seat, ms * 0.5, transfer, { liftM: [-0.08, -0.17, 0] });
}

/** Walking for `ms`, with a turn of 90-180 degrees in the middle (to the bathroom door, around a room). */
export function walkWithTurn(b: PlanBuilder, ms: number, person: Person, rng: Random, cadenceFactor: number): void {
  const gait = {
    start: b.t,
    end: b.t + ms,
    cadenceHz: person.body.cadenceHz * cadenceFactor,
    g: person.body.gaitVerticalG * cadenceFactor,
  };
  const walking = truthOf('walking', 'upright');
  const turnMs = Math.min(ms / 3, rng.uniform(1.2, 2.5) * SEC);
  const straight = (ms - turnMs) / 2;
  b.walk(straight, walking, gait);
  b.walk(turnMs, walking, gait, (rng.chance(0.5) ? 1 : -1) * rng.uniform(90, 180));
  b.walk(straight, walking, gait);
}

function mergeIntervals(list: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [a, z] of list) {
    if (z <= a) continue;
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], z);
    else out.push([a, z]);
  }
  return out;
}
