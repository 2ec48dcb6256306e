// Calendar dates (YYYY-MM-DD) and their UTC midnights.

import type { DateRange, TimeRange } from './contract.js';
import { StoreInputError } from './errors.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function dateToMs(date: string): number {
  const ms = DATE.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new StoreInputError(`date ${JSON.stringify(date)}: expected a date YYYY-MM-DD`);
  }
  return ms;
}

export function msToDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function checkTimeRange(range: TimeRange): void {
  if (!Number.isFinite(range.from) || !Number.isFinite(range.to)) {
    throw new StoreInputError('range: expected finite epoch ms from and to');
  }
}

/** The UTC-midnight time range covering the dates [from, to). */
export function dateRangeToMs(range: DateRange): TimeRange {
  return { from: dateToMs(range.from), to: dateToMs(range.to) };
}
