// Flags for clinical review, per subject and across a clinician's patients: the patient list a dashboard opens
// with (flagged patients first, last night, the latest report), and one subject's summary.
import { REVIEW_NOTE, type ReviewFlag, reviewFlagSchema, reviewFlags } from '@restpose/analytics';
import { isoDateSchema, type Role, type Subject } from '@restpose/protocol';
import type { Store } from '@restpose/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { subjectFor, subjectOut, subjectParams, subjectView, visibleSubjects } from '../access.js';
import { recordAccess } from '../audit.js';
import { principalOf } from '../auth.js';
import { addDays, today } from '../dates.js';
import { errorSchema } from '../errors.js';
import { flagInput } from '../flag-input.js';
import type { DayRecords } from '../link-variables.js';
import { readDays, splitBySubject } from '../records.js';
import { daySummary, daySummaryOut, reportOut, reportView } from '../views.js';

/** Flags look back 28 days (docs/flags.md); the summary reads the same window. */
const LOOKBACK_DAYS = 28;
/** Annotated, so that it stays the literal the response schema requires. */
const NOTE: typeof REVIEW_NOTE = REVIEW_NOTE;
const SEVERITY_ORDER: Record<ReviewFlag['severity'], number> = { high: 0, moderate: 1, low: 2 };

const asOfQuery = z.object({
  asOf: isoDateSchema.optional().describe('the last date considered (default today, UTC); flags look back 28 days'),
});

const summaryOut = z.object({
  subject: subjectOut,
  flags: z.array(reviewFlagSchema),
  lastNight: daySummaryOut.nullable(),
  lastMorning: daySummaryOut.nullable(),
  latestReport: reportOut.nullable(),
});
type SummaryOut = z.infer<typeof summaryOut>;

function summarise(subject: Subject, records: DayRecords, asOf: string, role: Role): SummaryOut {
  const latestReport = records.reports.at(-1);
  const lastNight = records.nights.at(-1);
  const lastMorning = records.mornings.at(-1);
  return {
    subject: subjectView(subject, role),
    flags: reviewFlags(flagInput(records), { asOf, lookbackDays: LOOKBACK_DAYS }),
    lastNight: lastNight ? daySummary(lastNight) : null,
    lastMorning: lastMorning ? daySummary(lastMorning) : null,
    latestReport: latestReport ? reportView(latestReport, role) : null,
  };
}

function window(asOf: string | undefined) {
  const last = asOf ?? today();
  return { asOf: last, range: { from: addDays(last, -(LOOKBACK_DAYS - 1)), to: addDays(last, 1) } };
}

/** Most severe flag first, then more flags, then by study code. */
function reviewOrder(a: SummaryOut, b: SummaryOut): number {
  const rank = (s: SummaryOut) => Math.min(3, ...s.flags.map((f) => SEVERITY_ORDER[f.severity]));
  return rank(a) - rank(b) || b.flags.length - a.flags.length || a.subject.studyCode.localeCompare(b.subject.studyCode);
}

export function registerReviewRoutes(app: FastifyInstance, store: Store): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/patients',
    {
      config: { roles: ['admin', 'clinician'] },
      schema: {
        summary: 'Patients to review',
        description:
          'A clinician’s patients (every subject for admins), flagged first, each with its open flags, last night, ' +
          `last morning and latest stiffness report. Flags are ${REVIEW_NOTE}.`,
        tags: ['review'],
        querystring: asOfQuery.extend({ cohort: z.string().min(1).max(64).optional() }),
        response: { 200: z.object({ asOf: z.string(), note: z.literal(REVIEW_NOTE), patients: z.array(summaryOut) }) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const subjects = await visibleSubjects(store, principal, request.query.cohort);
      const { asOf, range } = window(request.query.asOf);
      const records = await readDays(store, { subjectIds: subjects.map((s) => s.id) }, range);
      const of = splitBySubject(records);
      const patients = subjects.map((s) => summarise(s, of(s.id), asOf, principal.role)).sort(reviewOrder);
      await recordAccess(
        store,
        request,
        'summary.read',
        subjects.map((s) => s.id),
        { asOf },
      );
      return { asOf, note: NOTE, patients };
    },
  );

  api.get(
    '/api/v1/subjects/:id/summary',
    {
      config: { roles: ['admin', 'clinician'] },
      schema: {
        summary: 'One subject at a glance: open flags, last night and morning, latest report',
        tags: ['review'],
        params: subjectParams,
        querystring: asOfQuery,
        response: { 200: summaryOut.extend({ asOf: z.string() }), 404: errorSchema },
      },
    },
    async (request) => {
      const subject = await subjectFor(store, request, request.params.id);
      const { asOf, range } = window(request.query.asOf);
      const records = await readDays(store, { subjectIds: [subject.id] }, range);
      await recordAccess(store, request, 'summary.read', [subject.id], { asOf });
      return { asOf, ...summarise(subject, records, asOf, principalOf(request).role) };
    },
  );

  api.get(
    '/api/v1/subjects/:id/flags',
    {
      config: { roles: ['admin', 'clinician'] },
      schema: {
        summary: 'Flags for clinical review',
        description:
          'Red-flag answers; stiffness (reported or time to loosen) over 60 min on at least 3 of the last 7 ' +
          'mornings with data; stiffness over 30 min after waking in the second half of the night (an ' +
          `inflammatory-pattern hint). Each with its evidence; ${REVIEW_NOTE}. Rules: docs/flags.md.`,
        tags: ['review'],
        params: subjectParams,
        querystring: asOfQuery,
        response: {
          200: z.object({
            subject: subjectOut,
            asOf: z.string(),
            note: z.literal(REVIEW_NOTE),
            flags: z.array(reviewFlagSchema),
          }),
          404: errorSchema,
        },
      },
    },
    async (request) => {
      const subject = await subjectFor(store, request, request.params.id);
      const { asOf, range } = window(request.query.asOf);
      const records = await readDays(store, { subjectIds: [subject.id] }, range);
      await recordAccess(store, request, 'flags.read', [subject.id], { asOf });
      return {
        subject: subjectView(subject, principalOf(request).role),
        asOf,
        note: NOTE,
        flags: reviewFlags(flagInput(records), { asOf, lookbackDays: LOOKBACK_DAYS }),
      };
    },
  );
}
