// The stiffness diary: one report per subject and date (BASDAI questions 5 and 6, pain, a note, the red-flag
// questions). A second POST for the same date updates the report and says so.
import { isoDateSchema, REPORT_SOURCES, stiffnessReportSchema } from '@restpose/protocol';
import type { Store } from '@restpose/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { subjectFor, subjectOut, subjectParams, subjectView } from '../access.js';
import { recordAccess } from '../audit.js';
import { principalOf } from '../auth.js';
import { dateRangeQuery, resolveDates } from '../dates.js';
import { errorSchema, HttpError } from '../errors.js';
import { reportOut, reportView } from '../views.js';

const LIST_DAYS = 28;
const dateParams = subjectParams.extend({ date: isoDateSchema });

const fields = stiffnessReportSchema.shape;
const redFlagAnswer = z.boolean().nullable().default(null);
const reportBody = z.object({
  date: isoDateSchema.describe('the morning reported on'),
  severity: fields.severity.describe('BASDAI question 5: how severe was the morning stiffness, 0 (none) to 10'),
  durationMin: fields.durationMin.describe('BASDAI question 6: how long did it last, minutes (120 = 2 h or more)'),
  pain: fields.pain.default(null).describe('back pain, 0 to 10'),
  note: fields.note.default(null),
  redFlags: z
    .object({
      nightPainUnchangedByMovement: redFlagAnswer.describe('night pain that does not change with movement'),
      progressiveNeurologicalSymptoms: redFlagAnswer.describe('progressive neurological symptoms'),
      unexplainedWeightLoss: redFlagAnswer.describe('unexplained weight loss'),
      fever: redFlagAnswer.describe('fever'),
    })
    .default({
      nightPainUnchangedByMovement: null,
      progressiveNeurologicalSymptoms: null,
      unexplainedWeightLoss: null,
      fever: null,
    })
    .describe('null or absent: not asked'),
  source: z.enum(REPORT_SOURCES).default('clinician').describe('patient-app when a patient app relays the report'),
});

const savedOut = z.object({
  created: z.boolean().describe('true: a new report; false: the report of that date was updated'),
  report: reportOut,
});

export function registerReportRoutes(app: FastifyInstance, store: Store): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/api/v1/subjects/:id/reports',
    {
      config: { roles: ['admin', 'clinician'] },
      schema: {
        summary: 'Record (or update) the stiffness report of a date',
        description: '201 with created: true for a new date; 200 with created: false when that date is updated.',
        tags: ['reports'],
        params: subjectParams,
        body: reportBody,
        response: { 200: savedOut, 201: savedOut, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const subject = await subjectFor(store, request, request.params.id);
      const now = Date.now();
      const { created, report } = await store.upsertStiffnessReport({
        ...request.body,
        subjectId: subject.id,
        createdAt: now,
        updatedAt: now,
      });
      const date = report.date;
      await recordAccess(store, request, created ? 'report.create' : 'report.update', [subject.id], { date });
      return reply.code(created ? 201 : 200).send({ created, report: reportView(report, principalOf(request).role) });
    },
  );

  api.get(
    '/api/v1/subjects/:id/reports',
    {
      config: { roles: ['admin', 'clinician', 'researcher'] },
      schema: {
        summary: 'List stiffness reports by date',
        description: `Oldest first. Default: the ${LIST_DAYS} days up to today. Researchers get no notes.`,
        tags: ['reports'],
        params: subjectParams,
        querystring: dateRangeQuery,
        response: {
          200: z.object({ subject: subjectOut, from: z.string(), to: z.string(), reports: z.array(reportOut) }),
          404: errorSchema,
        },
      },
    },
    async (request) => {
      const dates = resolveDates(request.query, LIST_DAYS);
      const subject = await subjectFor(store, request, request.params.id);
      const reports = await store.queryStiffnessReports({ subjectIds: [subject.id], dates: dates.range });
      await recordAccess(store, request, 'reports.read', [subject.id], { from: dates.from, to: dates.to });
      const role = principalOf(request).role;
      return {
        subject: subjectView(subject, role),
        from: dates.from,
        to: dates.to,
        reports: reports.map((r) => reportView(r, role)),
      };
    },
  );

  api.get(
    '/api/v1/subjects/:id/reports/:date',
    {
      config: { roles: ['admin', 'clinician', 'researcher'] },
      schema: {
        summary: 'The stiffness report of one date',
        tags: ['reports'],
        params: dateParams,
        response: { 200: z.object({ subject: subjectOut, report: reportOut }), 404: errorSchema },
      },
    },
    async (request) => {
      const subject = await subjectFor(store, request, request.params.id);
      const { date } = request.params;
      const report = await store.getStiffnessReport(subject.id, date);
      await recordAccess(store, request, 'report.read', [subject.id], { date });
      if (!report) throw new HttpError(404, `no stiffness report on ${date}`);
      const role = principalOf(request).role;
      return { subject: subjectView(subject, role), report: reportView(report, role) };
    },
  );

  api.delete(
    '/api/v1/subjects/:id/reports/:date',
    {
      config: { roles: ['admin', 'clinician'] },
      schema: {
        summary: 'Delete the stiffness report of one date',
        tags: ['reports'],
        params: dateParams,
        response: { 204: z.null(), 404: errorSchema },
      },
    },
    async (request, reply) => {
      const subject = await subjectFor(store, request, request.params.id);
      const { date } = request.params;
      if (!(await store.deleteStiffnessReport(subject.id, date))) {
        throw new HttpError(404, `no stiffness report on ${date}`);
      }
      await recordAccess(store, request, 'report.delete', [subject.id], { date });
      return reply.code(204).send(null);
    },
  );
}
