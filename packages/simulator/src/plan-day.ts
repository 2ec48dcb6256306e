// Awake time out of bed: the stiff morning, the rest of the day, the evening. Sitting, standing and walking
// alternate; bends (flexion, extension, lateral) happen from standing, with a range and speed set by the morning
// capacity curve of the stiffness model.
import type { Person } from './person.js';
import { inclinationOf, type PlanBuilder, type Pose, truthOf } from './plan.js';
import { sitToStand, standToSit, walkWithTurn } from './plan-night.js';
import type { Random } from './random.js';

const MIN = 60_000;
const SEC = 1000;

export const BEND_DIRECTIONS = ['flexion', 'extension', 'left', 'right'] as const;
export type BendDirection = (typeof BEND_DIRECTIONS)[number];

/** The morning capacity curve: share of the full range and speed available, minutes after the final rise. */
export interface CapacityCurve {
  /** Minutes until the capacity reaches 90% (0: not stiff). */
  timeToLoosenMin: number;
  /** Capacity at the final rise. */
  initialCapacity: number;
  /** Time constant of the exponential recovery, minutes. */
  tauMin: number;
}

export function capacityCurve(level: number, timeToLoosenMin: number): CapacityCurve {
  if (timeToLoosenMin < 1) return { timeToLoosenMin: 0, initialCapacity: 1, tauMin: 0 };
  const initialCapacity = Math.min(0.85, Math.max(0.45, 1 - 0.05 * level));
  // c(t) = 1 - (1 - c0) exp(-t / tau) crosses 0.9 exactly at timeToLoosen.
  const tauMin = timeToLoosenMin / Math.log(10 * (1 - initialCapacity));
  return { timeToLoosenMin, initialCapacity, tauMin };
}

export function capacityAt(curve: CapacityCurve, minutesSinceRise: number): number {
  if (curve.tauMin <= 0 || minutesSinceRise < 0) return minutesSinceRise < 0 ? curve.initialCapacity : 1;
  return 1 - (1 - curve.initialCapacity) * Math.exp(-minutesSinceRise / curve.tauMin);
}

export interface BendPlan {
  direction: BendDirection;
  /** Start of the bend, apex reached, apex left, back at standing. */
  t0: number;
  apexT0: number;
  apexT1: number;
  t1: number;
  /** Trunk inclination at the apex in the bend's direction (flexion: sagittal; extension: minus sagittal;
   *  left: minus frontal; right: frontal), degrees. */
  apexDeg: number;
  /** Amplitude from the standing pose, degrees, and the share of the person's range it used. */
  amplitudeDeg: number;
  effort: number;
  capacity: number;
  peakSpeedDps: number;
}

type State = 'stand' | 'sit';

/** Plans awake activity with a builder, tracking whether the person stands or sits. */
export class DayPlanner {
  state: State;
  readonly bends: BendPlan[] = [];
  /** Share of the full range available at time t (the morning capacity curve; 1 later in the day). */
  capacity: (t: number) => number = () => 1;

  constructor(
    readonly b: PlanBuilder,
    readonly person: Person,
    readonly rng: Random,
    state: State,
  ) {
    this.state = state;
  }

  standPose(): Pose {
    return { sag: this.person.body.standSagDeg, lat: this.person.body.standLatDeg, roll: 0 };
  }

  sitPose(): Pose {
    return { sag: this.person.body.sitSagDeg, lat: 0, roll: 0 };
  }

  stand(ms: number): void {
    if (this.state === 'sit') this.standUp(1);
    this.b.hold(ms, truthOf('standing', 'upright'), { swayDeg: 0.5, breathing: 0.1 });
  }

  sit(ms: number): void {
    if (this.state === 'stand') {
      standToSit(this.b, this.person, this.rng, this.sitPose());
      this.state = 'sit';
    }
    this.b.hold(ms, truthOf('sitting', 'upright'), { swayDeg: 0.25, breathing: 0.3 });
  }

  standUp(slow: number): void {
    sitToStand(this.b, this.person, this.rng, slow);
    this.state = 'stand';
  }

  walk(ms: number, cadenceFactor = 1): void {
    if (this.state === 'sit') this.standUp(1);
    walkWithTurn(this.b, ms, this.person, this.rng, cadenceFactor);
  }

  /** One bend from standing and back: min-jerk down, a held apex, min-jerk up. */
  bend(direction: BendDirection, effort: number, capacity: number): void {
    if (this.state === 'sit') this.standUp(1);
    const { person, rng, b } = this;
    const rom = person.mobility.romDeg[direction];
    const amplitude = effort * capacity * rom;
    const speed = person.mobility.peakSpeedDps * capacity * rng.uniform(0.85, 1.1);
    // A min-jerk movement of amplitude A in time T peaks at 1.875 A / T.
    const downMs = Math.max(300, ((1.875 * amplitude) / speed) * SEC);
    const upMs = downMs * rng.uniform(0.9, 1.2);
    const stand = this.standPose();
    const apex: Pose = { ...stand };
    if (direction === 'flexion') apex.sag += amplitude;
    if (direction === 'extension') apex.sag -= amplitude;
    if (direction === 'left') apex.lat -= amplitude;
    if (direction === 'right') apex.lat += amplitude;
    const bending = truthOf('bending', 'upright');
    const t0 = b.t;
    b.move(apex, downMs, bending);
    const apexT0 = b.t;
    b.hold(rng.uniform(0.4, 1.5) * SEC, bending);
    const apexT1 = b.t;
    b.move(stand, upMs, bending);
    const { sagittalDeg, frontalDeg } = inclinationOf(apex);
    const apexDeg =
      direction === 'flexion'
        ? sagittalDeg
        : direction === 'extension'
          ? -sagittalDeg
          : direction === 'left'
            ? -frontalDeg
            : frontalDeg;
    this.bends.push({
      direction,
      t0,
      apexT0,
      apexT1,
      t1: b.t,
      apexDeg,
      amplitudeDeg: amplitude,
      effort,
      capacity,
      peakSpeedDps: (1.875 * amplitude) / (downMs / SEC),
    });
  }

  /**
   * Four bends, each direction once in random order, to the full range available at the moment (effort 1): the
   * stretches of a morning routine, or dressing, making the bed, reaching a shelf.
   */
  bendSet(): void {
    const order = [...BEND_DIRECTIONS];
    for (let i = order.length - 1; i > 0; i--) {
      const j = this.rng.int(0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const direction of order) {
      this.bend(direction, 1, this.capacity(this.b.t));
      this.stand(this.rng.uniform(1, 4) * SEC);
    }
  }

  /** Mixed sitting, standing and walking until `until`, ending standing (or sitting when asked). */
  fill(until: number, style: { sitMin: [number, number]; cadence?: number }, end: State = 'stand'): void {
    const { rng, b } = this;
    const reserve = 6 * SEC;
    for (let guard = 0; guard < 10_000; guard++) {
      const left = until - b.t - reserve;
      if (left < 15 * SEC) break;
      const choice = rng.weighted([0.35, 0.3, left > 3 * MIN ? 0.35 : 0]);
      if (choice === 0) this.walk(Math.min(left, rng.uniform(10, 120) * SEC), style.cadence);
      else if (choice === 1) {
        // Standing often includes an everyday bend well short of the full range (picking something up).
        if (left > 20 * SEC && rng.chance(0.3))
          this.bend(rng.pick(BEND_DIRECTIONS), rng.uniform(0.3, 0.8), this.capacity(b.t));
        this.stand(Math.min(until - b.t - reserve, rng.uniform(15, 180) * SEC));
      } else this.sit(Math.min(left - 5 * SEC, rng.uniform(style.sitMin[0], style.sitMin[1]) * MIN));
    }
    if (end === 'stand') this.stand(Math.max(0, until - b.t - (this.state === 'sit' ? 4 * SEC : 0)));
    else this.sit(Math.max(0, until - b.t - (this.state === 'stand' ? 3 * SEC : 0)));
    // Transfers make the end land within a few seconds of `until`; hold exactly to it.
    if (b.t < until) {
      if (this.state === 'stand') this.stand(until - b.t);
      else this.sit(until - b.t);
    }
  }
}

export interface MorningPlan {
  /** Start of the 5-minute windows (the final rise). */
  start: number;
  end: number;
  curve: CapacityCurve;
}

/**
 * The first two hours after the final rise. Every 5-minute window from the final rise holds one bend in each
 * direction to the full range the stiff back allows at that moment (a simplification: real mornings are less
 * regular), so the windowed peak range follows the capacity curve; walking is slower while stiff.
 */
export function planMorning(p: DayPlanner, finalRise: number, curve: CapacityCurve): MorningPlan {
  const windowMs = 5 * MIN;
  const end = finalRise + 24 * windowMs;
  p.capacity = (t) => capacityAt(curve, (t - finalRise) / MIN);
  for (let w = 0; w < 24; w++) {
    const windowStart = finalRise + w * windowMs;
    const latestSet = windowStart + windowMs - 50 * SEC;
    if (p.b.t > latestSet) continue;
    const setAt = Math.max(p.b.t + 5 * SEC, windowStart + p.rng.uniform(0.2, 3.2) * MIN);
    p.fill(Math.min(setAt, latestSet), { sitMin: [1, 3], cadence: 0.9 + 0.1 * p.capacity(setAt) });
    p.bendSet();
  }
  p.fill(end, { sitMin: [2, 10] });
  p.capacity = () => 1;
  return { start: finalRise, end, curve };
}

export interface DayPlan {
  /** When the reference range is measured: 3-5 h after the final rise, at full capacity. */
  reference: { start: number; end: number };
  /** Device off the body (shower), if simulated. */
  nonWear: Array<{ start: number; end: number }>;
  /** When the device was put back on (or adjusted) with the next day's mounting. */
  reattachAt: number;
}

/** From the end of the morning to the end of the cycle, ending seated. */
export function planDay(
  p: DayPlanner,
  finalRise: number,
  cycleEnd: number,
  options: { nonWear: boolean },
  onReattach: (t0: number, t1: number) => void,
): DayPlan {
  const reference = { start: finalRise + 3 * 60 * MIN, end: finalRise + 5 * 60 * MIN };
  const nonWear: DayPlan['nonWear'] = [];
  // The shower (or a belt adjustment) comes after the reference period.
  const reattachAt = p.rng.uniform(reference.end + 5 * MIN, cycleEnd - 40 * MIN);
  const activeUntil = (until: number, every: [number, number]) => {
    while (p.b.t < until - 2 * MIN) {
      const next = Math.min(until - MIN, p.b.t + p.rng.uniform(every[0], every[1]) * MIN);
      p.fill(next, { sitMin: [10, 45] });
      if (p.b.t < until - MIN) p.bendSet();
    }
    p.fill(until, { sitMin: [5, 20] });
  };
  activeUntil(reference.start, [15, 35]);
  activeUntil(reference.end, [10, 20]);
  activeUntil(reattachAt, [20, 50]);
  if (options.nonWear) {
    const off = p.rng.uniform(10, 25) * MIN;
    const start = p.b.t;
    p.b.offBody(off, shelfOrientation(p.rng));
    nonWear.push({ start, end: p.b.t });
    onReattach(p.b.t, p.b.t + 3 * SEC);
    p.stand(3 * SEC);
  } else {
    onReattach(p.b.t, p.b.t + 2 * SEC);
    p.stand(2 * SEC);
  }
  activeUntil(cycleEnd - 3 * MIN, [30, 60]);
  p.fill(cycleEnd, { sitMin: [1, 3] }, 'sit');
  return { reference, nonWear, reattachAt };
}

/** The evening from the start of the cycle (seated) to sitting on the bed edge at bed entry. */
export function planEvening(p: DayPlanner, bedEntry: number): void {
  const walkToBed = p.rng.uniform(10, 25) * SEC;
  const until = bedEntry - walkToBed - 8 * SEC;
  while (p.b.t < until - 5 * MIN) {
    const next = Math.min(until - 2 * MIN, p.b.t + p.rng.uniform(30, 70) * MIN);
    p.fill(next, { sitMin: [15, 60] });
    if (p.b.t < until - 2 * MIN) p.bendSet();
  }
  p.fill(until, { sitMin: [5, 20] });
  p.walk(walkToBed);
  standToSit(p.b, p.person, p.rng, { sag: p.person.body.edgeSitSagDeg, lat: 0, roll: 0 });
  p.state = 'sit';
  // Land exactly on the planned bed entry, so a night planned alone starts where the full cycle's does.
  p.b.hold(bedEntry - p.b.t, truthOf('sitting', 'upright'), { breathing: 0.3, swayDeg: 0.2 });
}

/** A device lying on a shelf: mostly flat, either face up or down, at a random heading. */
function shelfOrientation(rng: Random): [number, number, number] {
  const tilt = (rng.normal(0, 3) * Math.PI) / 180;
  const dir = rng.uniform(0, 2 * Math.PI);
  const up = rng.chance(0.7) ? 1 : -1;
  return [Math.sin(tilt) * Math.cos(dir), Math.sin(tilt) * Math.sin(dir), up * Math.cos(tilt)];
}
