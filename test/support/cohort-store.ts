// A simulated cohort (@restpose/simulator's simulateCohort: subjects x nights with a documented hidden relationship)
// written into a store as the analysis engine and the diary would leave it: a night record per subject-night with
// the metrics under their catalogue names (packages/protocol/src/day-metrics.ts), the morning's time to loosen, the
// reported severity and duration. With `timelines`, each night is planned again to write its posture epochs (one
// per 30 s from lying down to the final rise) and its bouts, turns and out-of-bed episodes as detail; mornings get a
// range-of-motion timeline. Values come from the simulator's ground truth, not from analysing rendered samples.

import type { MorningRecord, NightRecord, PostureEpoch, StiffnessReport, Subject } from '@restpose/protocol';
import { type Cohort, type CohortNight, indexOfDate, nightTruth, planNightOnly } from '@restpose/simulator';
import type { Store } from '@restpose/store';

const MIN = 60_000;
const EPOCH_S = 30;
export const SIM_NIGHT_ALGORITHM = 'sim-truth@1.0.0';
export const SIM_POSTURE_ALGORITHM = 'sim-truth@1.0.0';

export interface WriteCohortOptions {
  cohort: string;
  /** Write night/morning detail and posture epochs too (the bench); off: metrics only (the links test). */
  timelines?: boolean;
  /** With timelines: leave the epochs out (a bulk loader writes them from `cohortEpochs`). */
  skipEpochs?: boolean;
  /** Called after each subject, for progress. */
  onSubject?: (index: number) => void;
}

export function nightMetrics(n: CohortNight['night']): NightRecord['metrics'] {
  return {
    time_in_bed_min: n.timeInBedMin,
    share_supine: n.shareByPosture.supine,
    share_prone: n.shareByPosture.prone,
    share_left: n.shareByPosture.left,
    share_right: n.shareByPosture.right,
    position_changes_per_hour: n.positionChangesPerHour,
    turns_per_hour: n.turnsPerHour,
    longest_immobile_bout_min: n.longestImmobileBoutMin,
    out_of_bed_count: n.outOfBedCount,
    total_sleep_min: n.totalSleepMin,
    sleep_efficiency: n.sleepEfficiency,
  };
}

function subjectRecord(id: string, cohort: string): Subject {
  return { id, studyCode: `S-${id}`, cohort, displayName: null, clinicianIds: [], createdAt: 0 };
}

function report(n: CohortNight, at: number): StiffnessReport {
  const none = null;
  return {
    subjectId: n.subjectId,
    date: n.date,
    severity: n.morning.reportedSeverity,
    durationMin: n.morning.reportedDurationMin,
    pain: none,
    note: none,
    redFlags: {
      nightPainUnchangedByMovement: false,
      progressiveNeurologicalSymptoms: false,
      unexplainedWeightLoss: false,
      fever: false,
    },
    source: 'patient-app',
    createdAt: at,
    updatedAt: at,
  };
}

/** Epochs, detail and the morning's window timeline of one night, from its re-planned ground truth. */
function timeline(cohort: Cohort, n: CohortNight, dayIndex: number) {
  const subject = cohort.subjects.find((s) => s.id === n.subjectId)!;
  const truth = nightTruth(planNightOnly(subject.seed, subject.person, dayIndex));
  // Records take whole milliseconds; the truth keeps fractions.
  const start = Math.round(truth.lightsOff);
  const end = Math.round(truth.finalRise);
  const epochs: PostureEpoch[] = [];
  let b = 0;
  for (let t = start; t + EPOCH_S * 1000 <= end; t += EPOCH_S * 1000) {
    const mid = t + (EPOCH_S * 1000) / 2;
    while (b < truth.bouts.length - 1 && truth.bouts[b]!.end <= mid) b++;
    const bout = truth.bouts[b];
    const lying = bout && bout.start <= mid && mid < bout.end;
    epochs.push({
      subjectId: n.subjectId,
      deviceId: `dev-${n.subjectId}`,
      start: t,
      durationS: EPOCH_S,
      posture: lying ? bout.posture : 'upright',
      confidence: 0.95,
      sagittalDeg: lying ? -88 : 5,
      frontalDeg: 0,
      rollDeg: lying ? bout.rollDeg : 0,
      algorithm: SIM_POSTURE_ALGORITHM,
    });
  }
  const detail = {
    postureAlgorithm: SIM_POSTURE_ALGORITHM,
    bouts: truth.bouts.map((x) => ({ label: x.posture, start: x.start, end: x.end })),
    turns: truth.turns.map((x) => ({ start: x.start, end: x.end, degrees: x.toRollDeg - x.fromRollDeg })),
    outOfBedEpisodes: truth.outOfBedEpisodes.map((x) => ({
      start: x.start,
      end: x.end,
      minutes: (x.end - x.start) / MIN,
    })),
    quality: { missingMinutes: 0, nonWearMinutes: 0 },
  };
  // A loosening curve reaching the reference range at the time to loosen, in 24 windows of 5 minutes.
  const reference = 60;
  const ttl = n.morning.timeToLoosenMin;
  const windows = Array.from({ length: 24 }, (_, w) => ({
    start: end + w * 5 * MIN,
    minutesFromRise: w * 5,
    sagittalRangeDeg: reference * Math.min(1, 0.5 + (0.4 * (w * 5)) / Math.max(ttl, 1)),
    frontalRangeDeg: 30,
    uprightSeconds: 240,
  }));
  return { start, end, epochs, detail, morningDetail: { reference: { sagittalRangeDeg: reference }, windows } };
}

function nightsBySubject(sim: Cohort): Map<string, CohortNight[]> {
  const bySubject = new Map<string, CohortNight[]>(sim.subjects.map((s) => [s.id, []]));
  for (const n of sim.nights) bySubject.get(n.subjectId)!.push(n);
  return bySubject;
}

/** Each subject's posture epochs over all their nights, one subject at a time. */
export function* cohortEpochs(sim: Cohort): Generator<PostureEpoch[]> {
  const first = indexOfDate(sim.options.startDate);
  for (const nights of nightsBySubject(sim).values()) {
    yield nights.flatMap((n, k) => timeline(sim, n, first + k).epochs);
  }
}

/** Writes the cohort subject by subject; returns the subjects and night count written. */
export async function writeCohort(store: Store, sim: Cohort, options: WriteCohortOptions) {
  const bySubject = nightsBySubject(sim);
  const first = indexOfDate(sim.options.startDate);
  let written = 0;
  for (const [i, subject] of sim.subjects.entries()) {
    await store.upsertSubject(subjectRecord(subject.id, options.cohort));
    const nights: NightRecord[] = [];
    const mornings: MorningRecord[] = [];
    const epochs: PostureEpoch[] = [];
    const reports: StiffnessReport[] = [];
    for (const [k, n] of bySubject.get(subject.id)!.entries()) {
      const rise = Date.parse(`${n.date}T06:30:00Z`);
      const t = options.timelines ? timeline(sim, n, first + k) : null;
      const start = t?.start ?? rise - 8 * 60 * MIN;
      const end = t?.end ?? rise;
      nights.push({
        subjectId: subject.id,
        date: n.date,
        algorithm: SIM_NIGHT_ALGORITHM,
        start,
        end,
        computedAt: end + 60 * MIN,
        metrics: nightMetrics(n.night),
        detail: t?.detail ?? {},
      });
      mornings.push({
        subjectId: subject.id,
        date: n.date,
        algorithm: SIM_NIGHT_ALGORITHM,
        start: end,
        end: end + 5 * 60 * MIN,
        computedAt: end + 6 * 60 * MIN,
        metrics: { time_to_loosen_min: n.morning.timeToLoosenMin },
        detail: t?.morningDetail ?? {},
      });
      if (t && !options.skipEpochs) epochs.push(...t.epochs);
      reports.push(report(n, end + 2 * 60 * MIN));
    }
    await store.writeNights(nights);
    await store.writeMornings(mornings);
    if (epochs.length > 0) await store.writeEpochs(epochs);
    for (const r of reports) await store.upsertStiffnessReport(r);
    written += nights.length;
    options.onSubject?.(i);
  }
  return { subjects: sim.subjects.length, nights: written };
}
