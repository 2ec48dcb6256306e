// What the link endpoints relate: each night metric (x) against each next-morning outcome (y), one observation per
// subject-night. A night belongs to the date of its final rise, so the night, the morning after it and that
// morning's stiffness report share one date.
import type { LinkObservation } from '@restpose/analytics';
import {
  MORNING_METRICS,
  type MorningRecord,
  NIGHT_METRICS,
  type NightMetricName,
  type NightRecord,
  type StiffnessReport,
} from '@restpose/protocol';
import { z } from 'zod';

export interface Variable {
  name: string;
  unit: string;
  description: string;
}

/** The night metrics the issue names: share per position, changes per hour, longest immobile bout, time in bed,
 * out-of-bed episodes, the sleep estimate. */
export const LINK_X = [
  'share_supine',
  'share_prone',
  'share_left',
  'share_right',
  'share_upright',
  'position_changes_per_hour',
  'longest_immobile_bout_min',
  'time_in_bed_min',
  'out_of_bed_count',
  'total_sleep_min',
] as const satisfies readonly NightMetricName[];

/** Next-morning outcomes: the report's severity and duration, the measured time to loosen and morning ROM. */
export const OUTCOMES = {
  stiffness_severity: {
    unit: '0-10',
    description: 'reported morning stiffness severity (BASDAI question 5)',
    read: (_m, r) => r?.severity,
  },
  stiffness_duration_min: {
    unit: 'min',
    description: 'reported morning stiffness duration (BASDAI question 6)',
    read: (_m, r) => r?.durationMin,
  },
  time_to_loosen_min: {
    ...MORNING_METRICS.time_to_loosen_min,
    read: (m) => m?.metrics.time_to_loosen_min,
  },
  rom_first_30min_deg: {
    ...MORNING_METRICS.rom_first_30min_deg,
    read: (m) => m?.metrics.rom_first_30min_deg,
  },
} satisfies Record<
  string,
  Omit<Variable, 'name'> & {
    read: (morning: MorningRecord | undefined, report: StiffnessReport | undefined) => number | null | undefined;
  }
>;
export type OutcomeName = keyof typeof OUTCOMES;
export const LINK_Y = Object.keys(OUTCOMES) as OutcomeName[];

export const variableOut = z.object({ name: z.string(), unit: z.string(), description: z.string() });

export function describeX(name: NightMetricName): Variable {
  const { unit, description } = NIGHT_METRICS[name];
  return { name, unit, description };
}

export function describeY(name: OutcomeName): Variable {
  const { unit, description } = OUTCOMES[name];
  return { name, unit, description };
}

export interface DayRecords {
  nights: readonly NightRecord[];
  mornings: readonly MorningRecord[];
  reports: readonly StiffnessReport[];
}

const key = (subjectId: string, date: string) => `${subjectId}\u0000${date}`;

export interface SubjectNight {
  subjectId: string;
  date: string;
  night?: NightRecord;
  morning?: MorningRecord;
  report?: StiffnessReport;
}

/** Nights, mornings and reports joined by subject and date, ordered by subject then date. */
export function joinByDate(records: DayRecords): SubjectNight[] {
  const rows = new Map<string, SubjectNight>();
  const at = (subjectId: string, date: string) => {
    const k = key(subjectId, date);
    return rows.get(k) ?? rows.set(k, { subjectId, date }).get(k)!;
  };
  for (const n of records.nights) at(n.subjectId, n.date).night = n;
  for (const m of records.mornings) at(m.subjectId, m.date).morning = m;
  for (const r of records.reports) at(r.subjectId, r.date).report = r;
  return [...rows.values()].sort((a, b) => a.subjectId.localeCompare(b.subjectId) || a.date.localeCompare(b.date));
}

/** One observation per subject-night with every x and y (missing ones stay missing: pairwise deletion). */
export function linkObservations(
  records: DayRecords,
  x: readonly NightMetricName[] = LINK_X,
  y: readonly OutcomeName[] = LINK_Y,
): LinkObservation[] {
  return joinByDate(records).map((row) => {
    const values: Record<string, number | null | undefined> = {};
    for (const name of x) values[name] = row.night?.metrics[name];
    for (const name of y) values[name] = OUTCOMES[name].read(row.morning, row.report);
    return { subject: row.subjectId, values };
  });
}

/** The subject-nights where both a night metric and an outcome are present, oldest first. */
export function pairedValues(
  records: DayRecords,
  x: NightMetricName,
  y: OutcomeName,
): Array<{ date: string; metric: number; outcome: number }> {
  return joinByDate(records).flatMap((row) => {
    const metric = row.night?.metrics[x];
    const outcome = OUTCOMES[y].read(row.morning, row.report);
    return typeof metric === 'number' && typeof outcome === 'number' ? [{ date: row.date, metric, outcome }] : [];
  });
}

/** Which algorithm versions the nights and mornings came from, so a reader knows what fed the statistics. */
export function algorithmsOf(records: DayRecords): { night: string[]; morning: string[] } {
  return {
    night: [...new Set(records.nights.map((n) => n.algorithm))].sort(),
    morning: [...new Set(records.mornings.map((m) => m.algorithm))].sort(),
  };
}
