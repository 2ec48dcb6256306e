// One 24-hour cycle of a person's life, anchored to the calendar: from 18:00 local on the day before date D to
// 18:00 on D, holding the evening, the night that ends on D (a night belongs to the date of its final rise), the
// morning and the day. A cycle is a pure function of (seed, person, options, D), so any night can be planned alone.

import type { Person } from './person.js';
import { type Artifact, type MountingChange, PlanBuilder, type Segment, type Twitch } from './plan.js';
import type { BendPlan } from './plan-day.js';
import {
  type CapacityCurve,
  capacityCurve,
  type DayPlan,
  DayPlanner,
  type MorningPlan,
  planDay,
  planEvening,
  planMorning,
} from './plan-day.js';
import { type NightPlan, planNight, type TurnPlan } from './plan-night.js';
import { deriveSeed, Random } from './random.js';
import { axisAngle, type Mat3, multiply, randomTilt, toAxisAngle, transpose } from './rotation.js';

export const DAY_MS = 86_400_000;
const MIN = 60_000;
const HOUR = 60 * MIN;

export interface PlanOptions {
  /** deviceToBody (v_body = R v_device) of a perfect attachment. */
  mounting: Mat3;
  /** SD of the misalignment at each (re)attachment, degrees (mostly about the trunk's long axis). */
  mountingJitterDeg: number;
  /** Mean number of times per night the device slips on the body during a turn (Poisson). */
  slipsPerNight: number;
  /** SD of a slip's rotation, degrees. */
  slipDeg: number;
  /** Take the device off for a shower once a day (15-25 min of non-wear). */
  nonWear: boolean;
  /** Knocks on the device (acceleration spikes) per hour of wear. */
  artifactsPerHour: number;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = {
  mounting: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  mountingJitterDeg: 0,
  slipsPerNight: 0,
  slipDeg: 8,
  nonWear: false,
  artifactsPerHour: 0,
};

/** The night's stiffness outcomes, drawn from the person's model and the night's driver. */
export interface StiffnessOutcome {
  /** The driver: the night's longest immobile bout as planned, minutes. */
  longestImmobileMin: number;
  /** Objective stiffness level, 0-10 (latent). */
  level: number;
  curve: CapacityCurve;
  /** What the person reports in the morning diary: BASDAI Q5 (0-10) and Q6 as minutes (120 = 2 h or more). */
  reported: { severity: number; durationMin: number };
}

export interface CyclePlan {
  /** Days since 1970-01-01 of `date`. */
  index: number;
  /** Local calendar date of the final rise, YYYY-MM-DD. */
  date: string;
  start: number;
  end: number;
  segments: Segment[];
  twitches: Twitch[];
  artifacts: Artifact[];
  mounting: { initial: Mat3; changes: MountingChange[] };
  night: NightPlan;
  morning: MorningPlan;
  day: DayPlan;
  bends: BendPlan[];
  stiffness: StiffnessOutcome;
}

export function cycleIndexAt(t: number, utcOffsetMinutes: number): number {
  return Math.floor((t + utcOffsetMinutes * MIN + 6 * HOUR) / DAY_MS);
}

export function cycleStart(index: number, utcOffsetMinutes: number): number {
  return index * DAY_MS - 6 * HOUR - utcOffsetMinutes * MIN;
}

export function dateOfIndex(index: number): string {
  return new Date(index * DAY_MS).toISOString().slice(0, 10);
}

export function indexOfDate(date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(ms)) throw new Error(`date: expected YYYY-MM-DD, got ${date}`);
  return Math.round(ms / DAY_MS);
}

interface Frame {
  /** Bed entry, minutes after the cycle start (18:00 local). */
  bedEntryMin: number;
  readingMs: number;
  lyingPeriodMs: number;
  stiffness: StiffnessOutcome;
}

/** The night's frame: when the person goes to bed, for how long, and the stiffness outcomes it leads to. */
function drawFrame(seed: number, person: Person, index: number): Frame {
  const r = new Random(deriveSeed(seed, 'frame', index));
  const s = person.sleep;
  const bedEntryMin = r.normalIn(s.bedtimeMin, s.bedtimeSdMin, 20.5 * 60, 26 * 60) - 18 * 60;
  const readingMs = r.chance(s.readingInBedProb) ? r.uniform(5, 30) * MIN : 0;
  // The final rise stays before noon so the morning and the reference period fit in the day.
  const latest = 18 * 60 - bedEntryMin - readingMs / MIN - 15;
  const lyingPeriodMin = Math.min(latest, r.normalIn(s.lyingPeriodMin, s.lyingPeriodSdMin, 240, 660));
  const st = person.stiffness;
  const drawn = r.normalIn(st.longestImmobileMeanMin, st.longestImmobileSdMin, 20, 300);
  const longestImmobileMin = Math.min(drawn, 0.6 * lyingPeriodMin);
  const level = clamp(
    st.baselineLevel + st.effectPerMin * (longestImmobileMin - st.longestImmobileMeanMin) + r.normal(0, st.noiseSd),
    0,
    10,
  );
  const timeToLoosenMin = clamp(7 * level * Math.exp(r.normal(0, 0.15)), 0, 120);
  const curve = capacityCurve(level, timeToLoosenMin);
  const severity = Math.round(clamp(level + r.normal(0, 0.7), 0, 10));
  const durationMin = Math.min(120, 5 * Math.round((curve.timeToLoosenMin * Math.exp(r.normal(0, 0.25))) / 5));
  return {
    bedEntryMin,
    readingMs,
    lyingPeriodMs: lyingPeriodMin * MIN,
    stiffness: { longestImmobileMin, level, curve, reported: { severity, durationMin } },
  };
}

/** The mounting right after the device is put on for cycle `index`. */
export function attachment(seed: number, options: PlanOptions, index: number): Mat3 {
  if (options.mountingJitterDeg <= 0) return options.mounting;
  const r = new Random(deriveSeed(seed, 'attach', index));
  // A belt or patch lands mostly turned about the trunk's long axis, a little tilted otherwise.
  const around = axisAngle([0, 1, 0], r.normal(0, options.mountingJitterDeg));
  const tilt = randomTilt(() => r.next(), r.normal(0, options.mountingJitterDeg / 2));
  // The device turns on the body by Q (body frame): its axes, the columns of deviceToBody, become Q R.
  return multiply(multiply(around, tilt), options.mounting);
}

/** The night alone (from bed entry to the first sit-to-stand), as planned inside its cycle. */
export interface NightOnly {
  index: number;
  date: string;
  segments: Segment[];
  twitches: Twitch[];
  night: NightPlan;
  turns: TurnPlan[];
  stiffness: StiffnessOutcome;
  builder: PlanBuilder;
}

/** Plans just the night of cycle `index`: cheap enough for cohorts of thousands of nights. */
export function planNightOnly(seed: number, person: Person, index: number, builder?: PlanBuilder): NightOnly {
  const start = cycleStart(index, person.utcOffsetMinutes);
  const frame = drawFrame(seed, person, index);
  const bedEntry = start + frame.bedEntryMin * MIN;
  const b = builder ?? new PlanBuilder(bedEntry, { sag: person.body.edgeSitSagDeg, lat: 0, roll: 0 });
  const first = b.segments.length;
  const turns: TurnPlan[] = [];
  const night = planNight(b, {
    person,
    rng: new Random(deriveSeed(seed, 'night', index)),
    bedEntry,
    lyingPeriodMs: frame.lyingPeriodMs,
    readingMs: frame.readingMs,
    longestImmobileMs: frame.stiffness.longestImmobileMin * MIN,
    stiffnessLevel: frame.stiffness.level,
    onTurn: (turn) => turns.push(turn),
  });
  return {
    index,
    date: dateOfIndex(index),
    segments: b.segments.slice(first),
    twitches: b.twitches,
    night,
    turns,
    stiffness: frame.stiffness,
    builder: b,
  };
}

export function planCycle(seed: number, person: Person, options: PlanOptions, index: number): CyclePlan {
  const start = cycleStart(index, person.utcOffsetMinutes);
  const end = start + DAY_MS;
  const frame = drawFrame(seed, person, index);
  const rng = (purpose: string) => new Random(deriveSeed(seed, purpose, index));
  const b = new PlanBuilder(start, { sag: person.body.sitSagDeg, lat: 0, roll: 0 });

  const evening = new DayPlanner(b, person, rng('evening'), 'sit');
  planEvening(evening, start + frame.bedEntryMin * MIN);
  const { night, turns } = planNightOnly(seed, person, index, b);
  const daytime = new DayPlanner(b, person, rng('day'), 'stand');
  const morning = planMorning(daytime, night.finalRise, frame.stiffness.curve);
  let reattach: { t0: number; t1: number } | null = null;
  const day = planDay(daytime, night.finalRise, end, { nonWear: options.nonWear }, (t0, t1) => {
    reattach = { t0, t1 };
  });
  if (Math.abs(b.t - end) > 1) throw new Error(`cycle ${index} plan ends at ${b.t}, expected ${end}`);
  b.segments[b.segments.length - 1]!.t1 = end;

  const initial = attachment(seed, options, index);
  const changes = mountingChanges(seed, options, index, initial, turns, reattach);
  return {
    index,
    date: dateOfIndex(index),
    start,
    end,
    segments: b.segments,
    twitches: [...b.twitches].sort((x, y) => x.t0 - y.t0),
    artifacts: artifacts(seed, options, index, start, end, day.nonWear),
    mounting: { initial, changes },
    night,
    morning,
    day,
    bends: [...evening.bends, ...daytime.bends],
    stiffness: frame.stiffness,
  };
}

function mountingChanges(
  seed: number,
  options: PlanOptions,
  index: number,
  initial: Mat3,
  turns: TurnPlan[],
  reattach: { t0: number; t1: number } | null,
): MountingChange[] {
  const r = new Random(deriveSeed(seed, 'slips', index));
  const changes: MountingChange[] = [];
  let current = initial;
  const add = (t0: number, t1: number, kind: MountingChange['kind'], after: Mat3) => {
    // The relative rotation in the body frame, so the renderer can turn part of the way during the change.
    const { axis, angleDeg } = toAxisAngle(multiply(after, transpose(current)));
    changes.push({ t0, t1, kind, before: current, after, axis, angleDeg });
    current = after;
  };
  const slips = Math.min(turns.length, r.poisson(options.slipsPerNight));
  const chosen = new Set<number>();
  while (chosen.size < slips) chosen.add(r.int(0, turns.length - 1));
  for (const i of [...chosen].sort((a, z) => a - z)) {
    const turn = turns[i]!;
    const q = multiply(
      axisAngle([0, 1, 0], r.normal(0, options.slipDeg)),
      axisAngle([1, 0, 0], r.normal(0, options.slipDeg / 3)),
    );
    add(turn.t0, turn.t1, 'slip', multiply(q, current));
  }
  if (reattach) add(reattach.t0, reattach.t1, 'reattach', attachment(seed, options, index + 1));
  return changes;
}

function artifacts(
  seed: number,
  options: PlanOptions,
  index: number,
  start: number,
  end: number,
  nonWear: Array<{ start: number; end: number }>,
): Artifact[] {
  const out: Artifact[] = [];
  if (options.artifactsPerHour <= 0) return out;
  const r = new Random(deriveSeed(seed, 'artifacts', index));
  const rate = options.artifactsPerHour / HOUR;
  const gap = () => -Math.log(1 - r.next()) / rate;
  for (let t = start + gap(); t < end - 1000; t += gap()) {
    if (nonWear.some((w) => t >= w.start && t < w.end)) continue;
    const g = r.uniform(0.3, 1.5);
    const u = r.uniform(-1, 1);
    const phi = r.uniform(0, 2 * Math.PI);
    const k = Math.sqrt(1 - u * u);
    out.push({ t0: t, durMs: r.uniform(20, 60), accG: [g * k * Math.cos(phi), g * u, g * k * Math.sin(phi)] });
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * Where to start replaying a person's last `nights` nights that are over by `now`: `beforeBedMin` before the bed
 * entry of the earliest of them. The nights planned alone are the nights of the full cycles.
 */
export function recentNightsStart(
  seed: number,
  person: Person,
  now: number,
  nights: number,
  beforeBedMin = 30,
): number {
  let index = cycleIndexAt(now, person.utcOffsetMinutes);
  if (planNightOnly(seed, person, index).night.firstSitToStand.t1 > now) index--;
  return planNightOnly(seed, person, index - (nights - 1)).night.bedEntry - beforeBedMin * MIN;
}

/** Plans cycles on demand and keeps the few most recently used. */
export class Timeline {
  private readonly cache = new Map<number, CyclePlan>();

  constructor(
    readonly seed: number,
    readonly person: Person,
    readonly options: PlanOptions = DEFAULT_PLAN_OPTIONS,
    private readonly keep = 4,
  ) {}

  indexAt(t: number): number {
    return cycleIndexAt(t, this.person.utcOffsetMinutes);
  }

  cycle(index: number): CyclePlan {
    let plan = this.cache.get(index);
    if (plan) {
      this.cache.delete(index);
    } else {
      plan = planCycle(this.seed, this.person, this.options, index);
      if (this.cache.size >= this.keep) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(index, plan);
    return plan;
  }

  cycleAt(t: number): CyclePlan {
    return this.cycle(this.indexAt(t));
  }
}
