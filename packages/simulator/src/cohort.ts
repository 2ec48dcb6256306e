// Cohorts: many subjects over many nights with a known relationship between one night metric and the next
// morning's stiffness, for checking the linking analytics against the truth.
//
// The relationship (docs/simulator.md): for a linked subject, the morning stiffness level is
//   level = baseline + effectPerMin * (longestImmobileBoutMin - subject's mean) + N(0, 0.8), clipped to 0-10,
// and the objective time to loosen and the reported severity and duration follow the level. Unlinked subjects
// have effectPerMin = 0. Baselines fall by 0.05 points per minute of a subject's mean longest bout, so between
// subjects the association runs the other way: pooled correlations mislead, repeated-measures correlation does
// not. No other night metric affects stiffness.
import { z } from 'zod';
import { indexOfDate, planNightOnly } from './cycle.js';
import { createPerson, type Person } from './person.js';
import { deriveSeed, Random } from './random.js';
import { type Recording, type RecordingOptions, simulateRecording } from './recording.js';
import { nightTruth, nightTruthSchema } from './truth.js';

export const cohortOptionsSchema = z.object({
  seed: z.number().int(),
  subjects: z.number().int().min(1).max(10_000).default(20),
  nights: z.number().int().min(1).max(1000).default(14),
  /** Local date of the first night's final rise. */
  startDate: z.string().default('2025-01-01'),
  /** Share of subjects whose stiffness follows the driver. */
  linkedFraction: z.number().min(0).max(1).default(0.7),
  /** Within-subject effect of the driver on the level, points per minute. */
  effectPerMin: z.number().default(0.04),
  idPrefix: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$/)
    .default('sim'),
});
export type CohortOptions = z.input<typeof cohortOptionsSchema>;

/** The per-night metrics a linking analysis relates (the night truth without its event lists). */
export const nightMetricsSchema = nightTruthSchema
  .omit({
    bouts: true,
    turns: true,
    wakeBouts: true,
    outOfBedEpisodes: true,
    longestImmobileBout: true,
    repositions: true,
  })
  .extend({ outOfBedCount: z.number().int() });
export type NightMetrics = z.infer<typeof nightMetricsSchema>;

export const morningOutcomeSchema = z.object({
  /** Latent objective level, 0-10. */
  stiffnessLevel: z.number(),
  /** Objective time to loosen (latent capacity curve reaching 90%), minutes. */
  timeToLoosenMin: z.number(),
  /** The diary: BASDAI Q5 severity 0-10 and Q6 duration in minutes (120 = 2 h or more). */
  reportedSeverity: z.number().int(),
  reportedDurationMin: z.number(),
});
export type MorningOutcome = z.infer<typeof morningOutcomeSchema>;

export interface CohortSubject {
  id: string;
  /** Seed of the subject's recordings (simulateRecording({ seed, person })). */
  seed: number;
  person: Person;
}

export interface CohortNight {
  subjectId: string;
  date: string;
  night: NightMetrics;
  morning: MorningOutcome;
}

/** The hidden truth: which subjects carry the relationship, and the model's parameters. */
export interface CohortRelationship {
  driver: 'longestImmobileBoutMin';
  outcomes: Array<keyof MorningOutcome>;
  effectPerMin: number;
  betweenSubjectSlopePerMin: number;
  levelNoiseSd: number;
  linkedSubjects: string[];
  unlinkedSubjects: string[];
  /** Night metrics with no effect on any outcome. */
  unrelatedMetrics: string[];
}

export interface Cohort {
  options: z.infer<typeof cohortOptionsSchema>;
  subjects: CohortSubject[];
  nights: CohortNight[];
  /** Hidden by default: the CLI writes it only with --reveal. */
  relationship: CohortRelationship;
}

export function simulateCohort(input: CohortOptions): Cohort {
  const options = cohortOptionsSchema.parse(input);
  const r = new Random(deriveSeed(options.seed, 'cohort'));
  const first = indexOfDate(options.startDate);
  const width = Math.max(3, String(options.subjects).length);
  const subjects: CohortSubject[] = [];
  const linked: string[] = [];
  const unlinked: string[] = [];
  // Exactly round(fraction * n) linked subjects, in random order.
  const linkedCount = Math.round(options.linkedFraction * options.subjects);
  const isLinked = Array.from({ length: options.subjects }, (_, i) => i < linkedCount);
  for (let i = isLinked.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [isLinked[i], isLinked[j]] = [isLinked[j]!, isLinked[i]!];
  }
  const nights: CohortNight[] = [];
  for (let s = 0; s < options.subjects; s++) {
    const id = `${options.idPrefix}-${String(s + 1).padStart(width, '0')}`;
    const seed = deriveSeed(options.seed, 'subject', s);
    const base = createPerson(seed);
    const person = createPerson(seed, {
      stiffness: { ...base.stiffness, effectPerMin: isLinked[s] ? options.effectPerMin : 0 },
    });
    subjects.push({ id, seed, person });
    (isLinked[s] ? linked : unlinked).push(id);
    for (let k = 0; k < options.nights; k++) {
      const plan = planNightOnly(seed, person, first + k);
      const truth = nightTruth(plan);
      nights.push({
        subjectId: id,
        date: plan.date,
        // The schema keeps the metrics and drops the event lists.
        night: nightMetricsSchema.parse({ ...truth, outOfBedCount: truth.outOfBedEpisodes.length }),
        morning: {
          stiffnessLevel: plan.stiffness.level,
          timeToLoosenMin: plan.stiffness.curve.timeToLoosenMin,
          reportedSeverity: plan.stiffness.reported.severity,
          reportedDurationMin: plan.stiffness.reported.durationMin,
        },
      });
    }
  }
  return {
    options,
    subjects,
    nights,
    relationship: {
      driver: 'longestImmobileBoutMin',
      outcomes: ['stiffnessLevel', 'timeToLoosenMin', 'reportedSeverity', 'reportedDurationMin'],
      effectPerMin: options.effectPerMin,
      betweenSubjectSlopePerMin: -0.05,
      levelNoiseSd: 0.8,
      linkedSubjects: linked,
      unlinkedSubjects: unlinked,
      unrelatedMetrics: [
        'timeInBedMin',
        'sleepLatencyMin',
        'totalSleepMin',
        'wasoMin',
        'sleepEfficiency',
        'shareByPosture',
        'minutesByPosture',
        'positionChangesPerHour',
        'turnsPerHour',
        'outOfBedCount',
      ],
    },
  };
}

/** A subject's recording over some of the cohort's nights: the same nights and outcomes as in the cohort. */
export function cohortRecording(
  cohort: Cohort,
  subjectId: string,
  options: Omit<RecordingOptions, 'seed' | 'person'> = {},
): Recording {
  const subject = cohort.subjects.find((s) => s.id === subjectId);
  if (!subject) throw new Error(`subjectId: no subject ${subjectId} in the cohort`);
  return simulateRecording({
    startDate: cohort.options.startDate,
    ...options,
    seed: subject.seed,
    person: subject.person,
  });
}

/** One row per subject-night: the tidy table researchers export (no hidden fields). */
export function cohortTable(cohort: Cohort): Array<Record<string, string | number>> {
  return cohort.nights.map((n) => ({
    subject_id: n.subjectId,
    date: n.date,
    time_in_bed_min: round(n.night.timeInBedMin, 1),
    sleep_latency_min: round(n.night.sleepLatencyMin, 1),
    total_sleep_min: round(n.night.totalSleepMin, 1),
    sleep_efficiency: round(n.night.sleepEfficiency, 3),
    share_supine: round(n.night.shareByPosture.supine, 3),
    share_left: round(n.night.shareByPosture.left, 3),
    share_right: round(n.night.shareByPosture.right, 3),
    share_prone: round(n.night.shareByPosture.prone, 3),
    position_changes_per_hour: round(n.night.positionChangesPerHour, 2),
    longest_immobile_bout_min: round(n.night.longestImmobileBoutMin, 1),
    out_of_bed_count: n.night.outOfBedCount,
    reported_severity: n.morning.reportedSeverity,
    reported_duration_min: n.morning.reportedDurationMin,
    time_to_loosen_min: round(n.morning.timeToLoosenMin, 1),
  }));
}

function round(v: number, decimals: number): number {
  const k = 10 ** decimals;
  return Math.round(v * k) / k;
}

export function tableToCsv(rows: Array<Record<string, string | number>>): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]!);
  return `${columns.join(',')}\n${rows.map((r) => columns.map((c) => r[c]).join(',')).join('\n')}\n`;
}
