// A store seeded the way the dashboard meets real data: a small simulated cohort over a few weeks up to yesterday
// (writeCohort: nights, mornings, diaries, 30-s posture epochs from the simulator's ground truth), and for each
// subject its last night rendered as a 25 Hz recording and analysed by the engine, written as the ingest service
// would: the epochs, the night (its metrics under the catalogue names, positions, turns, episodes and the
// recording's quality) and the morning after. The first subject's night is analysed at 1-s epochs (about 29,000 in
// the night: the volume the night view must draw), the others at the live service's 30 s (the store takes about
// 6,600 epochs a second through its contract, so 1-s epochs for everyone would triple the seeding time).
// Users of every role, with tokens, and names and clinicians on the subjects.

import { hashSecret, type PostureEpoch, type Role } from '@restpose/protocol';
import {
  type AnalyzedEpoch,
  analyzeRecording,
  morningMetrics,
  type NightResult,
  nightMetrics,
  type RecordingAnalysis,
} from '@restpose/signal';
import { accelerationG, type Cohort, cohortRecording, simulateCohort } from '@restpose/simulator';
import type { Store } from '@restpose/store';
import { writeCohort } from './cohort-store.js';

const DAY_MS = 86_400_000;
export const DASHBOARD_COHORT = 'pilot';
const RATE_HZ = 25;

export interface SeedUser {
  id: string;
  name: string;
  role: Role;
  token: string;
}

export const SEED_USERS = {
  clinician: { id: 'dr-lee', name: 'Dr Lee', role: 'clinician', token: 'seed-clinician-token' },
  otherClinician: { id: 'dr-ng', name: 'Dr Ng', role: 'clinician', token: 'seed-other-clinician-token' },
  researcher: { id: 'res-kim', name: 'R. Kim', role: 'researcher', token: 'seed-researcher-token' },
  provisioning: { id: 'prov-1', name: 'Provisioning tool', role: 'provisioning', token: 'seed-provisioning-token' },
} as const satisfies Record<string, SeedUser>;

/** Display names are direct identifiers: researchers must never see them. */
const NAMES = ['Ann Example', 'Bob Sample', 'Cleo Placeholder', 'Dev Testcase'];

export interface SeededSubject {
  id: string;
  studyCode: string;
  displayName: string;
  clinicianId: string;
  /** The date of the engine-analysed night (and morning): the last of the cohort. */
  analysedDate: string;
  analysis: { night: NightResult; epochs: number };
}

export interface DashboardSeed {
  cohort: Cohort;
  subjects: SeededSubject[];
  firstDate: string;
  lastDate: string;
}

export interface SeedOptions {
  seed?: number;
  subjects?: number;
  nights?: number;
  /** The last night's date (default yesterday, UTC: everything, the morning after included, is in the past). */
  lastDate?: string;
  /** How many subjects (the first ones) have their last night analysed at 1-s epochs; the rest at 30 s. */
  fineSubjects?: number;
}

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function analyse(cohort: Cohort, subjectId: string, date: string, epochSeconds: number): RecordingAnalysis {
  const rec = cohortRecording(cohort, subjectId, { startDate: date, nights: 1, rateHz: RATE_HZ, sampleTruth: false });
  const acc = accelerationG(rec);
  const t = Float64Array.from({ length: rec.sampleCount }, (_, i) => rec.startMs + (i * 1000) / rec.rateHz);
  return analyzeRecording({ t, ax: acc.x, ay: acc.y, az: acc.z }, { epochSeconds });
}

function epochRecord(subjectId: string, deviceId: string, algorithm: string, e: AnalyzedEpoch): PostureEpoch {
  return {
    subjectId,
    deviceId,
    start: e.start,
    durationS: e.durationS,
    posture: e.posture,
    confidence: e.confidence,
    sagittalDeg: e.sagittalDeg,
    frontalDeg: e.frontalDeg,
    rollDeg: e.rollDeg,
    algorithm,
  };
}

/** The recording's quality report, cut to one night. */
function nightQuality(a: RecordingAnalysis, night: NightResult) {
  const inside = (i: { start: number; end: number }) => i.end > night.bedStart && i.start < night.finalRise;
  return {
    calibration: { applied: a.quality.calibration.applied, reason: a.quality.calibration.reason },
    mounting: a.quality.mounting,
    gaps: a.quality.gaps.filter(inside),
    nonWear: a.quality.nonWear.filter(inside),
  };
}

/** JSON for a record's detail, as the store keeps it (NaN and Infinity become null). */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, never>;

async function writeAnalysedDay(store: Store, subjectId: string, date: string, a: RecordingAnalysis) {
  const night = a.nights.find((n) => n.date === date);
  const morning = a.mornings.find((m) => m.date === date);
  if (!night || !morning) throw new Error(`seed: the engine found no night or morning on ${date} for ${subjectId}`);
  const deviceId = `dev-${subjectId}`;
  const postureAlgorithm = a.meta.postureAlgorithm;
  await store.writeEpochs(a.epochs.map((e) => epochRecord(subjectId, deviceId, postureAlgorithm, e)));
  // Computed after the cohort's ground-truth records of the same date, so the API shows these by default.
  const computedAt = Date.now();
  await store.writeNights([
    {
      subjectId,
      date,
      algorithm: night.algorithm,
      start: night.bedStart,
      end: night.finalRise,
      computedAt,
      metrics: nightMetrics(night),
      detail: plain({ ...night, postureAlgorithm, deviceId, quality: nightQuality(a, night) }),
    },
  ]);
  await store.writeMornings([
    {
      subjectId,
      date,
      algorithm: morning.algorithm,
      start: morning.finalRise,
      end: (morning.windows.at(-1)?.start ?? morning.finalRise) + 5 * 60_000,
      computedAt,
      metrics: morningMetrics(morning),
      detail: plain({ ...morning, deviceId }),
    },
  ]);
  return { night, epochs: a.epochs.length };
}

async function addUser(store: Store, user: SeedUser): Promise<void> {
  await store.putUser({ id: user.id, name: user.name, role: user.role, createdAt: 0, disabledAt: null });
  await store.putToken({
    tokenHash: hashSecret(user.token),
    userId: user.id,
    label: 'seed',
    createdAt: 0,
    revokedAt: null,
  });
}

/**
 * Seeds a store for the dashboard: `subjects` subjects (the first of them Dr Lee's patients, the last Dr Ng's) over
 * `nights` nights, the last one analysed by the engine at 1-s epochs, and one red-flag report so a patient is
 * flagged for review.
 */
export async function seedDashboard(store: Store, options: SeedOptions = {}): Promise<DashboardSeed> {
  const nights = options.nights ?? 14;
  const fine = options.fineSubjects ?? 1;
  const lastDate = options.lastDate ?? dateOf(Date.now() - DAY_MS);
  const firstDate = dateOf(Date.parse(`${lastDate}T00:00:00Z`) - (nights - 1) * DAY_MS);
  const cohort = simulateCohort({
    seed: options.seed ?? 8,
    subjects: options.subjects ?? 3,
    nights,
    startDate: firstDate,
  });
  for (const user of Object.values(SEED_USERS)) await addUser(store, user);
  await writeCohort(store, cohort, { cohort: DASHBOARD_COHORT, timelines: true });

  const subjects: SeededSubject[] = [];
  for (const [i, s] of cohort.subjects.entries()) {
    const last = i === cohort.subjects.length - 1 && i > 0;
    const clinicianId = last ? SEED_USERS.otherClinician.id : SEED_USERS.clinician.id;
    const subject = (await store.getSubject(s.id))!;
    const displayName = NAMES[i % NAMES.length]!;
    await store.upsertSubject({
      ...subject,
      studyCode: `PIL-${String(i + 1).padStart(3, '0')}`,
      displayName,
      clinicianIds: [clinicianId],
    });
    const analysis = await writeAnalysedDay(store, s.id, lastDate, analyse(cohort, s.id, lastDate, i < fine ? 1 : 30));
    subjects.push({
      id: s.id,
      studyCode: `PIL-${String(i + 1).padStart(3, '0')}`,
      displayName,
      clinicianId,
      analysedDate: lastDate,
      analysis,
    });
  }

  // A red flag on the second subject's report two days before the last night: it must head the patient list.
  const flagged = subjects[1] ?? subjects[0]!;
  const date = dateOf(Date.parse(`${lastDate}T00:00:00Z`) - 2 * DAY_MS);
  const report = await store.getStiffnessReport(flagged.id, date);
  if (report) {
    await store.upsertStiffnessReport({
      ...report,
      note: 'pain at night, not better when turning',
      redFlags: { ...report.redFlags, nightPainUnchangedByMovement: true },
    });
  }
  return { cohort, subjects, firstDate, lastDate };
}
