// Reads the nights, mornings and reports of some subjects over some dates, in parallel.
import { algorithmSchema, type MorningRecord, type NightRecord, type StiffnessReport } from '@restpose/protocol';
import type { DateRange, Store, SubjectSelector } from '@restpose/store';
import { z } from 'zod';
import type { DayRecords } from './link-variables.js';

export const algorithmQuery = z.object({
  nightAlgorithm: algorithmSchema.optional().describe('one night algorithm version; default the latest computed'),
  morningAlgorithm: algorithmSchema.optional().describe('one morning algorithm version; default the latest computed'),
});

export interface ReadDaysOptions {
  nightAlgorithm?: string | undefined;
  morningAlgorithm?: string | undefined;
  /** Read the records' detail too (flags need the nights' out-of-bed episodes); statistics do not. */
  detail?: boolean;
}

export async function readDays(
  store: Store,
  selector: SubjectSelector,
  dates: DateRange,
  options: ReadDaysOptions = {},
): Promise<DayRecords> {
  const detail = options.detail ?? true;
  const [nights, mornings, reports] = await Promise.all([
    store.queryNights({
      ...selector,
      dates,
      detail,
      ...(options.nightAlgorithm && { algorithm: options.nightAlgorithm }),
    }),
    store.queryMornings({
      ...selector,
      dates,
      detail,
      ...(options.morningAlgorithm && { algorithm: options.morningAlgorithm }),
    }),
    store.queryStiffnessReports({ ...selector, dates }),
  ]);
  return { nights, mornings, reports };
}

/** One subject's part of records read for many. */
export function splitBySubject(records: DayRecords): (subjectId: string) => DayRecords {
  const parts = new Map<string, { nights: NightRecord[]; mornings: MorningRecord[]; reports: StiffnessReport[] }>();
  const of = (id: string) => parts.get(id) ?? parts.set(id, { nights: [], mornings: [], reports: [] }).get(id)!;
  for (const n of records.nights) of(n.subjectId).nights.push(n);
  for (const m of records.mornings) of(m.subjectId).mornings.push(m);
  for (const r of records.reports) of(r.subjectId).reports.push(r);
  return of;
}
