// A subject's nights and mornings: summaries over a date range, and the detail of one night (posture epochs, turns,
// bouts, out-of-bed episodes, quality) or one morning (range of motion per 5-minute window against the day's
// reference, time to loosen, the stiffness report of that date beside it).
import { algorithmSchema, isoDateSchema, type MorningRecord, type NightRecord, type Subject } from '@restpose/protocol';
import type { Store } from '@restpose/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { subjectFor, subjectOut, subjectParams, subjectView } from '../access.js';
import { recordAccess } from '../audit.js';
import { principalOf } from '../auth.js';
import { addDays, dateRangeQuery, resolveDates } from '../dates.js';
import { errorSchema, HttpError } from '../errors.js';
import { daySummary, daySummaryOut, epochOut, epochView, isoTimes, reportOut, reportView } from '../views.js';

const LIST_DAYS = 28;
const READERS = ['admin', 'clinician', 'researcher'] as const;

const dayParams = subjectParams.extend({ date: isoDateSchema.describe('date of the final rise, YYYY-MM-DD') });
const algorithmParam = z.object({
  algorithm: algorithmSchema.optional().describe('one algorithm version; default the latest computed'),
});
const looseObject = z.record(z.string(), z.unknown());
const looseArray = z.array(z.unknown());

const nightDetailOut = z.object({
  subject: subjectOut,
  night: daySummaryOut,
  postureAlgorithm: z.string().nullable().describe('the algorithm of the epochs shown'),
  epochs: z.array(epochOut).describe('the posture timeline from bed start to final rise'),
  turns: looseArray,
  bouts: looseArray,
  outOfBedEpisodes: looseArray,
  quality: looseObject.nullable(),
  detail: looseObject.describe('the rest of what the engine kept (positions, sleep estimate...)'),
});

const romWindowOut = z
  .looseObject({
    sagittalRangeDeg: z.number().nullable().optional(),
    shareOfReference: z
      .number()
      .nullable()
      .describe('the window’s sagittal range over the reference sagittal range (1 = loosened fully)'),
  })
  .describe('one 5-minute window after the final rise');

const morningDetailOut = z.object({
  subject: subjectOut,
  morning: daySummaryOut,
  timeToLoosenMin: z.number().nullable(),
  reference: looseObject.nullable().describe('the day reference range, 3 to 5 h after rising'),
  windows: z.array(romWindowOut).describe('the morning range-of-motion timeline'),
  report: reportOut.nullable().describe('the stiffness report of the same date'),
  detail: looseObject,
});

/** Splits a detail object into the parts a response shows on their own and the rest. */
function pick<K extends string>(detail: Record<string, unknown>, keys: readonly K[]) {
  const shown = isoTimes(detail) as Record<string, unknown>;
  const parts = {} as Record<K, unknown>;
  for (const k of keys) {
    parts[k] = shown[k];
    delete shown[k];
  }
  return { parts, rest: shown };
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asObject = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** The posture algorithm to show: the one asked for, else the night's own, else the greatest name present. */
function choosePostureAlgorithm(night: NightRecord, present: string[], asked: string | undefined): string | null {
  if (asked) return asked;
  const own = night.detail.postureAlgorithm;
  if (typeof own === 'string' && present.includes(own)) return own;
  return present.sort().at(-1) ?? null;
}

async function oneDay<T extends NightRecord | MorningRecord>(
  query: (q: { subjectIds: string[]; dates: { from: string; to: string }; algorithm?: string }) => Promise<T[]>,
  subject: Subject,
  date: string,
  algorithm: string | undefined,
  what: string,
): Promise<T> {
  const [record] = await query({
    subjectIds: [subject.id],
    dates: { from: date, to: addDays(date, 1) },
    ...(algorithm && { algorithm }),
  });
  if (!record) throw new HttpError(404, `no ${what} on ${date}${algorithm ? ` from ${algorithm}` : ''}`);
  return record;
}

export function registerDayRoutes(app: FastifyInstance, store: Store): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  const listSchema = <K extends 'nights' | 'mornings'>(kind: K) => ({
    summary: `List ${kind} by date`,
    description: `Summaries (metrics without detail), oldest first. Default: the ${LIST_DAYS} days up to today.`,
    tags: ['nights and mornings'],
    params: subjectParams,
    querystring: dateRangeQuery.extend(algorithmParam.shape),
    response: {
      200: z.object({ subject: subjectOut, from: z.string(), to: z.string(), [kind]: z.array(daySummaryOut) }),
      404: errorSchema,
    },
  });

  /** The subject's records of one kind over the requested dates, audited. */
  async function list(
    request: FastifyRequest,
    kind: 'nights' | 'mornings',
    params: { id: string },
    query: { from?: string | undefined; to?: string | undefined; algorithm?: string | undefined },
  ) {
    const dates = resolveDates(query, LIST_DAYS);
    const subject = await subjectFor(store, request, params.id);
    const q = {
      subjectIds: [subject.id],
      dates: dates.range,
      detail: false,
      ...(query.algorithm && { algorithm: query.algorithm }),
    };
    const records = kind === 'nights' ? await store.queryNights(q) : await store.queryMornings(q);
    await recordAccess(store, request, `${kind}.read`, [subject.id], { from: dates.from, to: dates.to });
    const head = { subject: subjectView(subject, principalOf(request).role), from: dates.from, to: dates.to };
    return { head, summaries: records.map(daySummary) };
  }

  api.get(
    '/api/v1/subjects/:id/nights',
    { config: { roles: READERS }, schema: listSchema('nights') },
    async (request) => {
      const { head, summaries } = await list(request, 'nights', request.params, request.query);
      return { ...head, nights: summaries };
    },
  );

  api.get(
    '/api/v1/subjects/:id/mornings',
    { config: { roles: READERS }, schema: listSchema('mornings') },
    async (request) => {
      const { head, summaries } = await list(request, 'mornings', request.params, request.query);
      return { ...head, mornings: summaries };
    },
  );

  api.get(
    '/api/v1/subjects/:id/nights/:date',
    {
      config: { roles: READERS },
      schema: {
        summary: 'One night in detail',
        tags: ['nights and mornings'],
        params: dayParams,
        querystring: algorithmParam.extend({
          postureAlgorithm: algorithmSchema.optional().describe('epochs of this posture algorithm'),
        }),
        response: { 200: nightDetailOut, 404: errorSchema },
      },
    },
    async (request) => {
      const subject = await subjectFor(store, request, request.params.id);
      const { date } = request.params;
      const night = await oneDay((q) => store.queryNights(q), subject, date, request.query.algorithm, 'night');
      const all = await store.queryEpochs(subject.id, { from: night.start, to: night.end });
      const postureAlgorithm = choosePostureAlgorithm(
        night,
        [...new Set(all.map((e) => e.algorithm))],
        request.query.postureAlgorithm,
      );
      const { parts, rest } = pick(night.detail, ['turns', 'bouts', 'outOfBedEpisodes', 'quality'] as const);
      await recordAccess(store, request, 'night.read', [subject.id], { date });
      return {
        subject: subjectView(subject, principalOf(request).role),
        night: daySummary(night),
        postureAlgorithm,
        epochs: all.filter((e) => e.algorithm === postureAlgorithm).map(epochView),
        turns: asArray(parts.turns),
        bouts: asArray(parts.bouts),
        outOfBedEpisodes: asArray(parts.outOfBedEpisodes),
        quality: asObject(parts.quality),
        detail: rest,
      };
    },
  );

  api.get(
    '/api/v1/subjects/:id/mornings/:date',
    {
      config: { roles: READERS },
      schema: {
        summary: 'One morning in detail',
        tags: ['nights and mornings'],
        params: dayParams,
        querystring: algorithmParam,
        response: { 200: morningDetailOut, 404: errorSchema },
      },
    },
    async (request) => {
      const subject = await subjectFor(store, request, request.params.id);
      const { date } = request.params;
      const morning = await oneDay((q) => store.queryMornings(q), subject, date, request.query.algorithm, 'morning');
      const report = await store.getStiffnessReport(subject.id, date);
      const { parts, rest } = pick(morning.detail, ['reference', 'windows'] as const);
      const reference = asObject(parts.reference);
      const referenceRange = typeof reference?.sagittalRangeDeg === 'number' ? reference.sagittalRangeDeg : null;
      const windows = asArray(parts.windows).flatMap((w) => {
        const window = asObject(w);
        if (!window) return [];
        const range = typeof window.sagittalRangeDeg === 'number' ? window.sagittalRangeDeg : null;
        const shareOfReference = range !== null && referenceRange ? range / referenceRange : null;
        return [{ ...window, shareOfReference }];
      });
      await recordAccess(store, request, 'morning.read', [subject.id], { date });
      const role = principalOf(request).role;
      return {
        subject: subjectView(subject, role),
        morning: daySummary(morning),
        timeToLoosenMin: morning.metrics.time_to_loosen_min ?? null,
        reference,
        windows,
        report: report ? reportView(report, role) : null,
        detail: rest,
      };
    },
  );
}
