// The cohort's hidden relationship is in the data: the driver goes with next-morning stiffness within linked
// subjects, not within unlinked ones; no other night metric does; and between subjects the pooled association
// points the other way, so only a repeated-measures analysis finds the truth.
import {
  type Cohort,
  type CohortNight,
  cohortRecording,
  cohortTable,
  simulateCohort,
  tableToCsv,
} from '../src/index.js';

let cohort: Cohort;
beforeAll(() => {
  cohort = simulateCohort({ seed: 3, subjects: 24, nights: 30 });
});

function pearson(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Correlation of the within-subject deviations (the point estimate of repeated-measures correlation). */
function within(subjects: string[], x: (n: CohortNight) => number, y: (n: CohortNight) => number): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const id of subjects) {
    const nights = cohort.nights.filter((n) => n.subjectId === id);
    const mx = nights.reduce((a, n) => a + x(n), 0) / nights.length;
    const my = nights.reduce((a, n) => a + y(n), 0) / nights.length;
    for (const n of nights) {
      xs.push(x(n) - mx);
      ys.push(y(n) - my);
    }
  }
  return pearson(xs, ys);
}

const driver = (n: CohortNight) => n.night.longestImmobileBoutMin;
const outcomes = {
  severity: (n: CohortNight) => n.morning.reportedSeverity,
  duration: (n: CohortNight) => n.morning.reportedDurationMin,
  timeToLoosen: (n: CohortNight) => n.morning.timeToLoosenMin,
};

test('the relationship names its driver, outcomes and subjects', () => {
  const r = cohort.relationship;
  expect(r.driver).toBe('longestImmobileBoutMin');
  expect(r.linkedSubjects).toHaveLength(17);
  expect(r.unlinkedSubjects).toHaveLength(7);
  expect(new Set([...r.linkedSubjects, ...r.unlinkedSubjects]).size).toBe(24);
  expect(cohort.nights).toHaveLength(24 * 30);
  for (const s of cohort.subjects) {
    expect(s.person.stiffness.effectPerMin).toBe(r.linkedSubjects.includes(s.id) ? 0.04 : 0);
  }
});

test('within linked subjects the driver goes with every outcome; within unlinked ones it does not', () => {
  const { linkedSubjects, unlinkedSubjects } = cohort.relationship;
  for (const y of Object.values(outcomes)) {
    // n = 510 deviations: r > 0.35 is far outside chance (SE about 0.045).
    expect(within(linkedSubjects, driver, y)).toBeGreaterThan(0.35);
    // n = 210: |r| < 0.2 is within 3 SE of zero.
    expect(Math.abs(within(unlinkedSubjects, driver, y))).toBeLessThan(0.2);
  }
});

test('no other night metric goes with stiffness within subjects', () => {
  const all = cohort.subjects.map((s) => s.id);
  const others: Record<string, (n: CohortNight) => number> = {
    timeInBed: (n) => n.night.timeInBedMin,
    positionChangesPerHour: (n) => n.night.positionChangesPerHour,
    shareSupine: (n) => n.night.shareByPosture.supine,
    shareLeft: (n) => n.night.shareByPosture.left,
    shareProne: (n) => n.night.shareByPosture.prone,
    outOfBed: (n) => n.night.outOfBedCount,
    sleepEfficiency: (n) => n.night.sleepEfficiency,
    totalSleep: (n) => n.night.totalSleepMin,
  };
  for (const [name, x] of Object.entries(others)) {
    // n = 720 deviations: SE about 0.037; 0.13 is 3.5 SE.
    expect([name, Math.abs(within(all, x, outcomes.severity)) < 0.13]).toEqual([name, true]);
  }
});

test('pooled over subjects the association is reversed: baselines confound it', () => {
  const x = cohort.nights.map(driver);
  const y = cohort.nights.map(outcomes.severity);
  expect(pearson(x, y)).toBeLessThan(-0.1);
});

test("a subject's recording holds the same nights as the cohort, and the table has no hidden fields", () => {
  const id = cohort.subjects[5]!.id;
  const rec = cohortRecording(cohort, id, { nights: 2, rateHz: 5, afterRiseHours: 0, sampleTruth: false });
  const fromCohort = cohort.nights.filter((n) => n.subjectId === id).slice(0, 2);
  expect(rec.truth.nights.map((n) => n.date)).toEqual(fromCohort.map((n) => n.date));
  rec.truth.nights.forEach((n, i) => {
    expect(n.longestImmobileBoutMin).toBeCloseTo(fromCohort[i]!.night.longestImmobileBoutMin, 9);
    expect(n.shareByPosture).toEqual(fromCohort[i]!.night.shareByPosture);
    expect(rec.truth.mornings[i]!.reported.severity).toBe(fromCohort[i]!.morning.reportedSeverity);
  });
  const csv = tableToCsv(cohortTable(cohort));
  expect(csv.split('\n')[0]).not.toMatch(/linked|level|effect/);
  expect(csv.split('\n')).toHaveLength(24 * 30 + 2);
  expect(tableToCsv(cohortTable(simulateCohort({ seed: 3, subjects: 24, nights: 30 })))).toBe(csv);
});
