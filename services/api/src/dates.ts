// Dates at the API are YYYY-MM-DD with both ends included; the store takes half-open ranges [from, to).
import { isoDateSchema } from '@restpose/protocol';
import type { DateRange } from '@restpose/store';
import { z } from 'zod';
import { HttpError } from './errors.js';

const DAY_MS = 86_400_000;

export const dateRangeQuery = z.object({
  from: isoDateSchema.optional().describe('first date included, YYYY-MM-DD'),
  to: isoDateSchema.optional().describe('last date included, YYYY-MM-DD (default today, UTC)'),
});

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function today(now = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export interface ResolvedDates {
  /** Both included. */
  from: string;
  to: string;
  /** For the store: [from, to + 1 day). */
  range: DateRange;
}

/**
 * The dates a request covers. Without `to`, today; without `from`, `days` days up to `to` (or, when `days` is null,
 * from the earliest possible date: everything up to `to`).
 */
export function resolveDates(query: { from?: string; to?: string }, days: number | null): ResolvedDates {
  const to = query.to ?? today();
  const from = query.from ?? (days === null ? '1970-01-01' : addDays(to, -(days - 1)));
  if (from > to) throw new HttpError(400, `querystring.from: expected a date on or before to (${to})`);
  return { from, to, range: { from, to: addDays(to, 1) } };
}
