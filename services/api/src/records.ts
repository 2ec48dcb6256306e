// Reads the nights, mornings and reports of some subjects over some dates, in parallel.
import { algorithmSchema } from '@restpose/protocol';
import type { DateRange, Store, SubjectSelector } from '@restpose/store';
import { z } from 'zod';
import type { DayRecords } from './link-variables.js';

export const algorithmQuery = z.object({
  nightAlgorithm: algorithmSchema.optional().describe('one night algorithm version; default the latest computed'),
  morningAlgorithm: algorithmSchema.optional().describe('one morning algorithm version; default the latest computed'),
});

export async function readDays(
  store: Store,
  selector: SubjectSelector,
  dates: DateRange,
  algorithms: { nightAlgorithm?: string | undefined; morningAlgorithm?: string | undefined } = {},
): Promise<DayRecords> {
  const [nights, mornings, reports] = await Promise.all([
    store.queryNights({
      ...selector,
      dates,
      ...(algorithms.nightAlgorithm && { algorithm: algorithms.nightAlgorithm }),
    }),
    store.queryMornings({
      ...selector,
      dates,
      ...(algorithms.morningAlgorithm && { algorithm: algorithms.morningAlgorithm }),
    }),
    store.queryStiffnessReports({ ...selector, dates }),
  ]);
  return { nights, mornings, reports };
}
