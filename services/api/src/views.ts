// How stored records are shown: ISO 8601 times, no subject ids inside per-subject responses (the response names its
// subject once, as the caller's role may see it), no free-text notes for researchers.
import type { MorningRecord, NightRecord, PostureEpoch, Role, StiffnessReport } from '@restpose/protocol';
import { postureSchema, REPORT_SOURCES } from '@restpose/protocol';
import { z } from 'zod';
import { iso } from './dates.js';

export const metricsOut = z.record(z.string(), z.number().nullable());

export const daySummaryOut = z.object({
  date: z.string().describe('date of the final rise, YYYY-MM-DD'),
  algorithm: z.string(),
  start: z.string(),
  end: z.string(),
  computedAt: z.string(),
  metrics: metricsOut.describe('snake_case metric names (docs/api.md, "Metric names")'),
});
export type DaySummary = z.infer<typeof daySummaryOut>;

export function daySummary(r: NightRecord | MorningRecord): DaySummary {
  return {
    date: r.date,
    algorithm: r.algorithm,
    start: iso(r.start),
    end: iso(r.end),
    computedAt: iso(r.computedAt),
    metrics: r.metrics,
  };
}

export const epochOut = z.object({
  start: z.string(),
  durationS: z.number(),
  posture: postureSchema,
  confidence: z.number(),
  sagittalDeg: z.number(),
  frontalDeg: z.number(),
  rollDeg: z.number(),
  deviceId: z.string(),
  algorithm: z.string(),
});

export function epochView(e: PostureEpoch): z.infer<typeof epochOut> {
  const { subjectId: _, start, ...rest } = e;
  return { start: iso(start), ...rest };
}

const redFlagsOut = z.object({
  nightPainUnchangedByMovement: z.boolean().nullable(),
  progressiveNeurologicalSymptoms: z.boolean().nullable(),
  unexplainedWeightLoss: z.boolean().nullable(),
  fever: z.boolean().nullable(),
});

export const reportOut = z.object({
  date: z.string(),
  severity: z.number().describe('BASDAI question 5: morning stiffness severity, 0-10'),
  durationMin: z.number().describe('BASDAI question 6: morning stiffness duration, minutes'),
  pain: z.number().nullable(),
  note: z.string().nullable().optional().describe('free text; absent for researchers'),
  redFlags: redFlagsOut,
  source: z.enum(REPORT_SOURCES),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ReportOut = z.infer<typeof reportOut>;

export function reportView(r: StiffnessReport, role: Role): ReportOut {
  const { subjectId: _, note, createdAt, updatedAt, ...rest } = r;
  return {
    ...rest,
    ...(role === 'researcher' ? {} : { note }),
    createdAt: iso(createdAt),
    updatedAt: iso(updatedAt),
  };
}

/** Keys whose numbers in a record's detail are times (UTC epoch ms), shown as ISO 8601 like every time at the API. */
const TIME_KEYS = new Set(['start', 'end', 'at', 'bedStart', 'finalRise', 'sleepOnset', 'finalAwakening']);

export function isoTimes(value: unknown, key?: string): unknown {
  if (typeof value === 'number' && key !== undefined && TIME_KEYS.has(key) && Number.isFinite(value)) {
    return iso(value);
  }
  if (Array.isArray(value)) return value.map((v) => isoTimes(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isoTimes(v, k)]));
  }
  return value;
}
