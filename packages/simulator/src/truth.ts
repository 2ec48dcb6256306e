// Ground truth: zod schemas (the types are inferred from them) and the summaries computed from a plan.
// Times are true UTC epoch ms; docs/simulator.md defines every field and the labelling rules.
import { mountingSchema } from '@restpose/protocol';
import { z } from 'zod';
import type { CyclePlan } from './cycle.js';
import { LYING_POSTURES, personSchema } from './person.js';
import type { BEND_DIRECTIONS, BendPlan } from './plan-day.js';
import { sensorSchema } from './sensor.js';

/** Version of the simulator's models; carried by every truth file. */
export const SIMULATOR_VERSION = 'restpose-sim@1.1.0';

const MIN = 60_000;
const epochMs = z.number().describe('UTC epoch ms, true time');
const lyingPostureSchema = z.enum(LYING_POSTURES);
const perLying = z.object({ supine: z.number(), left: z.number(), right: z.number(), prone: z.number() });
const perLyingNullable = z.object({
  supine: z.number().nullable(),
  left: z.number().nullable(),
  right: z.number().nullable(),
  prone: z.number().nullable(),
});

export const intervalSchema = z.object({ start: epochMs, end: epochMs });
export type Interval = z.infer<typeof intervalSchema>;

export const boutTruthSchema = intervalSchema.extend({
  posture: lyingPostureSchema,
  /** Settled trunk roll, degrees (-180, 180]; repositionings move within +-5 degrees of it. */
  rollDeg: z.number(),
  /** A three-quarter position: 25-33 degrees off the nominal roll (further with `hardship.threeQuarterDeg`), labelled by its sector. */
  threeQuarter: z.boolean(),
});
export type BoutTruth = z.infer<typeof boutTruthSchema>;

export const turnTruthSchema = intervalSchema.extend({
  durationS: z.number(),
  fromRollDeg: z.number(),
  toRollDeg: z.number(),
  fromPosture: lyingPostureSchema,
  toPosture: lyingPostureSchema,
});
export type TurnTruth = z.infer<typeof turnTruthSchema>;

export const nightTruthSchema = z.object({
  /** Local date of the final rise (the night's date). */
  date: z.string(),
  /** Sits down on the bed edge. */
  bedEntry: epochMs,
  /** Starts moving into bed (to read reclined, or to lie down). */
  inBedStart: epochMs,
  /** Lying down completed: the lying period starts. */
  lightsOff: epochMs,
  sleepOnset: epochMs,
  /** Start of the final sit-up: the lying period ends. */
  finalRise: epochMs,
  /** The final sit-up completed (trunk upright). */
  firstUpright: epochMs,
  /** The first sit-to-stand completed: out of bed. */
  outOfBed: epochMs,
  /** Lying period, lights off to final rise, out-of-bed episodes included, minutes. */
  timeInBedMin: z.number(),
  sleepLatencyMin: z.number(),
  totalSleepMin: z.number(),
  /** Wake after sleep onset up to the final rise, out-of-bed episodes included, minutes. */
  wasoMin: z.number(),
  /** totalSleep / timeInBed. */
  sleepEfficiency: z.number(),
  /** Lying minutes per position in the lying period (turns count to the position being left). */
  minutesByPosture: perLying,
  /** Share of lying time per position (sums to 1). */
  shareByPosture: perLying,
  /** Changes of position label between consecutive bouts (across out-of-bed episodes too). */
  positionChanges: z.number().int(),
  positionChangesPerHour: z.number(),
  turnsPerHour: z.number(),
  /** Longest bout per position, minutes (null when the position did not occur). */
  longestBoutMin: perLyingNullable,
  /** Longest lying stretch without a turn, repositioning or transfer, minutes: the cohort driver. */
  longestImmobileBoutMin: z.number(),
  longestImmobileBout: intervalSchema,
  repositionCount: z.number().int(),
  /** Starts of the small repositionings (5-10 degrees of roll, 1-3 s; not turns) and of aborted turns (hardship). */
  repositions: z.array(epochMs),
  outOfBedEpisodes: z.array(intervalSchema.extend({ walkS: z.number() })),
  wakeBouts: z.array(intervalSchema),
  bouts: z.array(boutTruthSchema),
  turns: z.array(turnTruthSchema),
});
export type NightTruth = z.infer<typeof nightTruthSchema>;

const romSchema = z.object({
  flexionDeg: z.number().nullable(),
  extensionDeg: z.number().nullable(),
  leftDeg: z.number().nullable(),
  rightDeg: z.number().nullable(),
  /** flexion + extension, when both occurred. */
  sagittalRangeDeg: z.number().nullable(),
});
export type Rom = z.infer<typeof romSchema>;

export const morningTruthSchema = z.object({
  date: z.string(),
  finalRise: epochMs,
  firstUpright: epochMs,
  timeToFirstUprightS: z.number(),
  firstSitToStand: intervalSchema.extend({ durationS: z.number() }),
  /** The latent model: level 0-10 and the capacity curve c(t) = 1 - (1 - c0) exp(-t / tau). */
  stiffness: z.object({
    level: z.number(),
    timeToLoosenLatentMin: z.number(),
    initialCapacity: z.number(),
    tauMin: z.number(),
  }),
  /** The diary: BASDAI Q5 severity 0-10, Q6 duration in minutes (120 = 2 h or more). */
  reported: z.object({ severity: z.number().int().min(0).max(10), durationMin: z.number().min(0).max(120) }),
  /** Peak inclinations 3-5 h after the final rise, from bends at full capacity. */
  referencePeriod: intervalSchema,
  referenceRom: romSchema,
  /** Peak inclination per 5-minute window from the final rise, first two hours (null: no such bend). */
  windows: z.array(romSchema.extend({ start: epochMs, startMin: z.number() })),
  /** Start (minutes from the final rise) of the first window whose sagittal range is at least 90% of the
   *  reference sagittal range; null when none within two hours. */
  timeToLoosenMin: z.number().nullable(),
});
export type MorningTruth = z.infer<typeof morningTruthSchema>;

/** Mountings as the protocol's `config` and the device registry carry them: { deviceToBody }, v_body = R v_device. */
export const mountingTruthSchema = z.object({
  /** The mounting at the start of the recording. */
  initial: mountingSchema,
  changes: z.array(
    intervalSchema.extend({
      kind: z.enum(['slip', 'reattach']),
      /** The device turned by angleDeg about axis (body frame) over [start, end]. */
      angleDeg: z.number(),
      axis: z.tuple([z.number(), z.number(), z.number()]),
      after: mountingSchema,
    }),
  ),
});
export type MountingTruth = z.infer<typeof mountingTruthSchema>;

export const recordingTruthSchema = z.object({
  format: z.literal('restpose-sim-truth/1'),
  simulator: z.string(),
  seed: z.number().int(),
  rateHz: z.number(),
  /** True UTC epoch ms of the first sample. */
  startMs: epochMs,
  sampleCount: z.number().int(),
  /** Sample clock error: sample k was taken at startMs + k * 1000 / (rateHz * (1 + ppm / 1e6)) (true UTC). */
  sampleRateErrorPpm: z.number(),
  person: personSchema,
  sensor: sensorSchema,
  mounting: mountingTruthSchema,
  nights: z.array(nightTruthSchema),
  mornings: z.array(morningTruthSchema),
  nonWear: z.array(intervalSchema),
  artifacts: z.array(z.object({ start: epochMs, peakG: z.number() })),
  /** Per-sample and per-epoch posture label rule, in words. */
  labelRule: z.string(),
});
export type RecordingTruth = z.infer<typeof recordingTruthSchema>;

export const LABEL_RULE =
  'Lying samples carry the sector of the settled trunk roll (supine |roll| <= 45, left 45-135, right -45 to -135, ' +
  'prone beyond 135; settled rolls stay at least 7 degrees inside their sector). Turns and transfers carry the ' +
  'label of the posture being left and the transition flag. Sitting, standing, walking and bending are upright. ' +
  'An epoch takes the label held by most of its samples (ties: the earlier label); non-wear samples are "non-wear".';

const minutes = (ms: number) => ms / MIN;

/** The night's summary from its plan (a whole cycle, or a night planned alone). */
export function nightTruth(cycle: Pick<CyclePlan, 'date' | 'segments' | 'night'>): NightTruth {
  const n = cycle.night;
  const lying = { supine: 0, left: 0, right: 0, prone: 0 };
  let asleepMs = 0;
  for (const s of cycle.segments) {
    if (s.t1 <= n.lightsOff || s.t0 >= n.finalRise) continue;
    const ms = Math.min(s.t1, n.finalRise) - Math.max(s.t0, n.lightsOff);
    if (s.truth.activity === 'lying' && s.truth.posture !== 'upright') lying[s.truth.posture] += ms;
    if (s.truth.asleep) asleepMs += ms;
  }
  const lyingTotal = lying.supine + lying.left + lying.right + lying.prone;
  const timeInBed = n.finalRise - n.lightsOff;
  const longest = { supine: null, left: null, right: null, prone: null } as Record<keyof typeof lying, number | null>;
  let changes = 0;
  n.bouts.forEach((b, i) => {
    longest[b.posture] = Math.max(longest[b.posture] ?? 0, minutes(b.end - b.start));
    if (i > 0 && n.bouts[i - 1]!.posture !== b.posture) changes++;
  });
  const hours = timeInBed / 3_600_000;
  return nightTruthSchema.parse({
    date: cycle.date,
    bedEntry: n.bedEntry,
    inBedStart: n.inBedStart,
    lightsOff: n.lightsOff,
    sleepOnset: n.sleepOnset,
    finalRise: n.finalRise,
    firstUpright: n.firstUpright,
    outOfBed: n.firstSitToStand.t1,
    timeInBedMin: minutes(timeInBed),
    sleepLatencyMin: minutes(n.sleepOnset - n.lightsOff),
    totalSleepMin: minutes(asleepMs),
    wasoMin: minutes(n.finalRise - n.sleepOnset - asleepMs),
    sleepEfficiency: asleepMs / timeInBed,
    minutesByPosture: mapLying((p) => minutes(lying[p])),
    shareByPosture: mapLying((p) => (lyingTotal > 0 ? lying[p] / lyingTotal : 0)),
    positionChanges: changes,
    positionChangesPerHour: changes / hours,
    turnsPerHour: n.turns.length / hours,
    longestBoutMin: longest,
    longestImmobileBoutMin: minutes(n.immobile.end - n.immobile.start),
    longestImmobileBout: n.immobile,
    repositionCount: n.repositions.length,
    repositions: n.repositions,
    outOfBedEpisodes: n.outOfBed.map((o) => ({ start: o.start, end: o.end, walkS: o.walkMs / 1000 })),
    wakeBouts: n.wake.map(([start, end]) => ({ start, end })),
    bouts: n.bouts.map((b) => ({
      start: b.start,
      end: b.end,
      posture: b.posture,
      rollDeg: b.rollDeg,
      threeQuarter: b.threeQuarter,
    })),
    turns: n.turns.map((t) => ({
      start: t.t0,
      end: t.t1,
      durationS: (t.t1 - t.t0) / 1000,
      fromRollDeg: t.fromRollDeg,
      toRollDeg: t.toRollDeg,
      fromPosture: t.fromPosture,
      toPosture: t.toPosture,
    })),
  });
}

function mapLying(f: (p: (typeof LYING_POSTURES)[number]) => number) {
  return { supine: f('supine'), left: f('left'), right: f('right'), prone: f('prone') };
}

/** Peak apex inclination per direction over bends whose apex is reached in [from, to). */
export function peakRom(bends: BendPlan[], from: number, to: number): Rom {
  const peak: Record<(typeof BEND_DIRECTIONS)[number], number | null> = {
    flexion: null,
    extension: null,
    left: null,
    right: null,
  };
  for (const b of bends) {
    if (b.apexT0 < from || b.apexT0 >= to) continue;
    peak[b.direction] = Math.max(peak[b.direction] ?? Number.NEGATIVE_INFINITY, b.apexDeg);
  }
  return {
    flexionDeg: peak.flexion,
    extensionDeg: peak.extension,
    leftDeg: peak.left,
    rightDeg: peak.right,
    sagittalRangeDeg: peak.flexion !== null && peak.extension !== null ? peak.flexion + peak.extension : null,
  };
}

/** The morning's summary from its plan: windowed peak range, the reference range and the time to loosen. */
export function morningTruth(cycle: CyclePlan): MorningTruth {
  const n = cycle.night;
  const { curve, level, reported } = cycle.stiffness;
  const reference = peakRom(cycle.bends, cycle.day.reference.start, cycle.day.reference.end);
  const windows = [];
  let timeToLoosenMin: number | null = null;
  for (let w = 0; w < 24; w++) {
    const start = n.finalRise + w * 5 * MIN;
    const rom = peakRom(cycle.bends, start, start + 5 * MIN);
    windows.push({ start, startMin: w * 5, ...rom });
    if (
      timeToLoosenMin === null &&
      rom.sagittalRangeDeg !== null &&
      reference.sagittalRangeDeg !== null &&
      rom.sagittalRangeDeg >= 0.9 * reference.sagittalRangeDeg
    ) {
      timeToLoosenMin = w * 5;
    }
  }
  return morningTruthSchema.parse({
    date: cycle.date,
    finalRise: n.finalRise,
    firstUpright: n.firstUpright,
    timeToFirstUprightS: (n.firstUpright - n.finalRise) / 1000,
    firstSitToStand: {
      start: n.firstSitToStand.t0,
      end: n.firstSitToStand.t1,
      durationS: (n.firstSitToStand.t1 - n.firstSitToStand.t0) / 1000,
    },
    stiffness: {
      level,
      timeToLoosenLatentMin: curve.timeToLoosenMin,
      initialCapacity: curve.initialCapacity,
      tauMin: curve.tauMin,
    },
    reported,
    referencePeriod: cycle.day.reference,
    referenceRom: reference,
    windows,
    timeToLoosenMin,
  });
}
