// The analysis output (docs/analysis-output.md): one zod schema, types inferred, and the mapping from the engine's
// results (UTC epoch ms) to the file format (ISO 8601 times, t in seconds from the first sample).
import {
  CALIBRATION_VERSION,
  MORNING_VERSION,
  MOUNTING_VERSION,
  NIGHT_VERSION,
  NONWEAR_VERSION,
  POSTURE_LABELS,
  type RecordingAnalysis,
  SLEEP_ESTIMATE_VERSION,
  TURN_VERSION,
} from '@restpose/signal';
import { z } from 'zod';

const iso = z.iso.datetime();
const posture = z.enum(POSTURE_LABELS);
const n = z.number();
const nn = n.nullable();
const triple = z.tuple([n, n, n]);
const span = z.object({ start: iso, end: iso, minutes: n });

export const epochSchema = z.object({
  t: n,
  start: iso,
  durationS: n,
  posture,
  confidence: n.min(0).max(1),
  rulePosture: posture,
  ruleConfidence: n.min(0).max(1),
  sagittalDeg: n,
  frontalDeg: n,
  rollDeg: n,
  tiltDeg: n,
  coverage: n,
  enmoMg: n,
  magSdMg: n,
  angularSpeedPeakDegS: nn,
  nonWear: z.boolean(),
});

const positionStats = z.object({ minutes: n, share: n, longestBoutMinutes: n, bouts: n });

export const nightSchema = z.object({
  algorithm: z.string(),
  date: z.iso.date(),
  bedStart: iso,
  finalRise: iso,
  finalRiseConfirmed: z.boolean(),
  timeInBedMinutes: n,
  positions: z.object(
    Object.fromEntries(POSTURE_LABELS.map((l) => [l, positionStats])) as Record<
      (typeof POSTURE_LABELS)[number],
      typeof positionStats
    >,
  ),
  positionChanges: n,
  positionChangesPerHour: n,
  longestImmobileBoutMinutes: n,
  outOfBedEpisodes: z.array(span),
  turns: z.array(
    z.object({
      start: iso,
      end: iso,
      durationS: n,
      degrees: n,
      side: z.enum(['left', 'right']),
      speedDegS: n,
      fromRollDeg: n,
      toRollDeg: n,
    }),
  ),
  turnsPerHour: n,
  nonWearMinutes: n,
  missingMinutes: n,
  sleepEstimate: z.object({
    label: z.literal('estimate'),
    algorithm: z.string(),
    sleepOnset: iso.nullable(),
    sleepOnsetLatencyMinutes: nn,
    finalAwakening: iso.nullable(),
    totalSleepMinutes: n,
    wakeAfterSleepOnsetMinutes: nn,
    sleepEfficiency: n,
  }),
  bouts: z.array(z.object({ posture, start: iso, end: iso, minutes: n })),
});

const romWindow = z.object({
  start: iso,
  minutesFromRise: n,
  uprightSeconds: n,
  flexionDeg: nn,
  extensionDeg: nn,
  lateralLeftDeg: nn,
  lateralRightDeg: nn,
  sagittalRangeDeg: nn,
  frontalRangeDeg: nn,
  speedDegS: nn,
});

export const morningSchema = z.object({
  algorithm: z.string(),
  date: z.iso.date(),
  finalRise: iso,
  neutral: z.object({ sagittalDeg: n, frontalDeg: n, source: z.enum(['walking', 'default']) }),
  timeToFirstUprightSeconds: nn,
  firstSitToStand: z.object({ start: iso, durationSeconds: n }).nullable(),
  windows: z.array(romWindow),
  reference: z
    .object({
      flexionDeg: n,
      extensionDeg: n,
      lateralLeftDeg: n,
      lateralRightDeg: n,
      sagittalRangeDeg: n,
      frontalRangeDeg: n,
      speedDegS: nn,
      windows: n,
      fromHours: n,
      toHours: n,
    })
    .nullable(),
  referenceReason: z.string().nullable(),
  timeToLoosenMinutes: nn,
  timeToLoosenReason: z.string().nullable(),
});

export const analysisOutputSchema = z.object({
  meta: z.object({
    input: z.string(),
    engineVersion: z.string(),
    postureAlgorithm: z.string(),
    ruleAlgorithm: z.string(),
    backend: z.string(),
    algorithms: z.record(z.string(), z.string()),
    rateHz: n,
    inputRateHz: n,
    epochSeconds: n,
    timeFormat: z.enum(['iso8601', 'epoch-ms', 'seconds']),
    /** What t = 0 stood for in a seconds time column (--start); null: seconds since 1970-01-01 UTC. */
    secondsOrigin: iso.nullable(),
    start: iso,
    end: iso,
    samples: n,
    gyroscope: z.boolean(),
  }),
  quality: z.object({
    calibration: z.object({
      algorithm: z.string(),
      applied: z.boolean(),
      reason: z.string().nullable(),
      offset: triple,
      scale: triple,
      errorBeforeMg: nn,
      errorAfterMg: nn,
      stillWindows: n,
      coverage: z.object({ min: triple, max: triple }).nullable(),
      sphereCovered: z.boolean(),
    }),
    mounting: z.object({
      algorithm: z.string(),
      source: z.enum(['configured', 'estimated']),
      rotation: z.array(n).length(9),
      confidence: n,
      superior: z.object({ confidence: n, blocks: n, consistency: n }).nullable(),
      anterior: z.object({ source: z.enum(['bending', 'prior']), confidence: n, bends: n, dominance: n }).nullable(),
      differenceFromPriorDeg: nn,
    }),
    gaps: z.array(z.object({ start: iso, end: iso, seconds: n })),
    gapMinutes: n,
    droppedSamples: n,
    nonWear: z.array(span),
    nonWearMinutes: n,
  }),
  epochs: z.array(epochSchema),
  nights: z.array(nightSchema),
  mornings: z.array(morningSchema),
});
export type AnalysisOutput = z.infer<typeof analysisOutputSchema>;
export type EpochRow = z.infer<typeof epochSchema>;

const toIso = (ms: number) => new Date(ms).toISOString();
const maybeIso = (ms: number | null) => (ms === null ? null : toIso(ms));
const minutes = (a: number, b: number) => (b - a) / 60_000;
/** NaN (no data) becomes null: JSON has no NaN. */
const finite = (v: number) => (Number.isFinite(v) ? v : null);

export function toAnalysisOutput(
  a: RecordingAnalysis,
  input: string,
  timeFormat: AnalysisOutput['meta']['timeFormat'],
  secondsOrigin: number | null,
): AnalysisOutput {
  const first = a.meta.firstSample;
  return {
    meta: {
      input,
      engineVersion: a.meta.engineVersion,
      postureAlgorithm: a.meta.postureAlgorithm,
      ruleAlgorithm: a.meta.ruleAlgorithm,
      backend: a.meta.backend,
      algorithms: {
        calibration: CALIBRATION_VERSION,
        mounting: MOUNTING_VERSION,
        night: NIGHT_VERSION,
        morning: MORNING_VERSION,
        nonWear: NONWEAR_VERSION,
        turns: TURN_VERSION,
        sleepEstimate: SLEEP_ESTIMATE_VERSION,
      },
      rateHz: a.meta.rateHz,
      inputRateHz: finite(a.meta.inputRateHz) ?? a.meta.rateHz,
      epochSeconds: a.meta.epochSeconds,
      timeFormat,
      secondsOrigin: secondsOrigin === null ? null : toIso(secondsOrigin),
      start: toIso(first),
      end: toIso(a.meta.lastSample),
      samples: a.meta.samples,
      gyroscope: a.meta.gyroscope,
    },
    quality: {
      calibration: a.quality.calibration,
      mounting: a.quality.mounting,
      gaps: a.quality.gaps.map((g) => ({
        start: toIso(g.start),
        end: toIso(g.end),
        seconds: (g.end - g.start) / 1000,
      })),
      gapMinutes: a.quality.gapMinutes,
      droppedSamples: a.quality.droppedSamples,
      nonWear: a.quality.nonWear.map((x) => ({
        start: toIso(x.start),
        end: toIso(x.end),
        minutes: minutes(x.start, x.end),
      })),
      nonWearMinutes: a.quality.nonWearMinutes,
    },
    epochs: a.epochs.map((e) => ({
      t: (e.start - first) / 1000,
      start: toIso(e.start),
      durationS: e.durationS,
      posture: e.posture,
      confidence: e.confidence,
      rulePosture: e.rulePosture,
      ruleConfidence: e.ruleConfidence,
      sagittalDeg: e.sagittalDeg,
      frontalDeg: e.frontalDeg,
      rollDeg: e.rollDeg,
      tiltDeg: e.tiltDeg,
      coverage: e.coverage,
      enmoMg: e.enmo * 1000,
      magSdMg: e.magSd * 1000,
      angularSpeedPeakDegS: e.speedPeak,
      nonWear: e.nonWear,
    })),
    nights: a.nights.map((x) => ({
      ...x,
      bedStart: toIso(x.bedStart),
      finalRise: toIso(x.finalRise),
      outOfBedEpisodes: x.outOfBedEpisodes.map((o) => ({
        start: toIso(o.start),
        end: toIso(o.end),
        minutes: o.minutes,
      })),
      turns: x.turns.map((t) => ({ ...t, start: toIso(t.start), end: toIso(t.end) })),
      sleepEstimate: {
        ...x.sleepEstimate,
        sleepOnset: maybeIso(x.sleepEstimate.sleepOnset),
        finalAwakening: maybeIso(x.sleepEstimate.finalAwakening),
      },
      bouts: x.bouts.map((b) => ({
        posture: b.label,
        start: toIso(b.start),
        end: toIso(b.end),
        minutes: minutes(b.start, b.end),
      })),
    })),
    mornings: a.mornings.map((m) => ({
      ...m,
      finalRise: toIso(m.finalRise),
      windows: m.windows.map((w) => ({ ...w, start: toIso(w.start) })),
      firstSitToStand: m.firstSitToStand && { ...m.firstSitToStand, start: toIso(m.firstSitToStand.start) },
    })),
  };
}

export const EPOCH_CSV_COLUMNS = [
  't',
  'start',
  'durationS',
  'posture',
  'confidence',
  'rulePosture',
  'ruleConfidence',
  'sagittalDeg',
  'frontalDeg',
  'rollDeg',
  'tiltDeg',
  'coverage',
  'enmoMg',
  'magSdMg',
  'angularSpeedPeakDegS',
  'nonWear',
] as const satisfies ReadonlyArray<keyof EpochRow>;

/** The epochs table as CSV: one row per epoch, columns as in EPOCH_CSV_COLUMNS, empty for null. */
export function epochsCsv(epochs: readonly EpochRow[]): string {
  const lines = [EPOCH_CSV_COLUMNS.join(',')];
  for (const e of epochs) {
    lines.push(
      EPOCH_CSV_COLUMNS.map((c) => {
        const v = e[c];
        if (v === null) return '';
        return typeof v === 'number' ? String(Math.round(v * 1e4) / 1e4) : String(v);
      }).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
