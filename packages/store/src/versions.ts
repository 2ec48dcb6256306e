// "The latest version" of a derived record: per subject and date, the one computed last.
import type { NightRecord } from '@restpose/protocol';

type DayRecord = NightRecord;

const newer = (a: DayRecord, b: DayRecord) =>
  a.computedAt !== b.computedAt ? a.computedAt > b.computedAt : a.algorithm > b.algorithm;

/** Keeps one record per subject and date (the latest computed; ties go to the greater algorithm name), sorted. */
export function latestPerDay<R extends DayRecord>(records: readonly R[]): R[] {
  const best = new Map<string, R>();
  for (const r of records) {
    const key = `${r.subjectId}\u0000${r.date}`;
    const current = best.get(key);
    if (!current || newer(r, current)) best.set(key, r);
  }
  return sortDays([...best.values()]);
}

export function sortDays<R extends DayRecord>(records: R[]): R[] {
  return records.sort((a, b) =>
    a.subjectId !== b.subjectId
      ? a.subjectId < b.subjectId
        ? -1
        : 1
      : a.date !== b.date
        ? a.date < b.date
          ? -1
          : 1
        : a.algorithm < b.algorithm
          ? -1
          : a.algorithm > b.algorithm
            ? 1
            : 0,
  );
}
