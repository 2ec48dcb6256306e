// The subject registry (admins write it; every role lists what it may see) and a subject's posture epochs.
import { subjectIdSchema, userIdSchema } from '@restpose/protocol';
import type { Store } from '@restpose/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { subjectFor, subjectOut, subjectParams, subjectView, visibleSubjects } from '../access.js';
import { recordAccess } from '../audit.js';
import { principalOf } from '../auth.js';
import { iso } from '../dates.js';
import { errorSchema, HttpError } from '../errors.js';
import { epochOut, epochView } from '../views.js';

const DAY_MS = 24 * 3600 * 1000;
const MAX_EPOCH_RANGE_MS = 31 * DAY_MS;

const isoInstant = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time with a time zone' });
const cohortSchema = z.string().min(1).max(64);

const subjectFields = z.object({
  studyCode: z.string().min(1).max(64).describe('pseudonymous code researchers see'),
  cohort: cohortSchema.nullable().default(null),
  displayName: z.string().max(200).nullable().default(null).describe('direct identifier, shown to clinicians'),
  clinicianIds: z.array(userIdSchema).max(50).default([]).describe('users (clinicians) responsible for the subject'),
});
const subjectCreate = subjectFields.extend({ id: subjectIdSchema });
const subjectPatch = z
  .object({
    studyCode: subjectFields.shape.studyCode,
    cohort: cohortSchema.nullable(),
    displayName: z.string().max(200).nullable(),
    clinicianIds: z.array(userIdSchema).max(50),
  })
  .partial();

export function registerSubjectRoutes(app: FastifyInstance, store: Store): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/subjects',
    {
      config: { roles: ['admin', 'clinician', 'researcher', 'provisioning'] },
      schema: {
        summary: 'List subjects',
        description: 'Clinicians get their own patients; researchers study codes and cohorts only.',
        tags: ['subjects'],
        querystring: z.object({ cohort: cohortSchema.optional() }),
        response: { 200: z.object({ subjects: z.array(subjectOut) }) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const subjects = await visibleSubjects(store, principal, request.query.cohort);
      await recordAccess(
        store,
        request,
        'subject.list',
        subjects.map((s) => s.id),
      );
      return { subjects: subjects.map((s) => subjectView(s, principal.role)) };
    },
  );

  api.post(
    '/api/v1/subjects',
    {
      config: { roles: ['admin'] },
      schema: {
        summary: 'Register a subject',
        tags: ['subjects'],
        body: subjectCreate,
        response: { 201: z.object({ subject: subjectOut }), 409: errorSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (await store.getSubject(body.id)) throw new HttpError(409, `subject ${body.id} already exists`);
      const subject = { ...body, createdAt: Date.now() };
      await store.upsertSubject(subject);
      await recordAccess(store, request, 'subject.create', [subject.id]);
      return reply.code(201).send({ subject: subjectView(subject, 'admin') });
    },
  );

  api.get(
    '/api/v1/subjects/:id',
    {
      config: { roles: ['admin', 'clinician', 'researcher'] },
      schema: {
        summary: 'One subject',
        tags: ['subjects'],
        params: subjectParams,
        response: { 200: z.object({ subject: subjectOut }), 404: errorSchema },
      },
    },
    async (request) => {
      const subject = await subjectFor(store, request, request.params.id);
      await recordAccess(store, request, 'subject.read', [subject.id]);
      return { subject: subjectView(subject, principalOf(request).role) };
    },
  );

  api.patch(
    '/api/v1/subjects/:id',
    {
      config: { roles: ['admin'] },
      schema: {
        summary: 'Change a subject',
        tags: ['subjects'],
        params: subjectParams,
        body: subjectPatch,
        response: { 200: z.object({ subject: subjectOut }), 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => {
      const existing = await subjectFor(store, request, request.params.id);
      const subject = { ...existing, ...request.body };
      await store.upsertSubject(subject);
      await recordAccess(store, request, 'subject.update', [subject.id], { fields: Object.keys(request.body) });
      return { subject: subjectView(subject, 'admin') };
    },
  );

  api.delete(
    '/api/v1/subjects/:id',
    {
      config: { roles: ['admin'] },
      schema: {
        summary: 'Remove a subject from the registry',
        description:
          'Their nights, reports and epochs stay under the pseudonymous id. Refused while a device is assigned.',
        tags: ['subjects'],
        params: subjectParams,
        response: { 204: z.null(), 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const subject = await subjectFor(store, request, request.params.id);
      await store.deleteSubject(subject.id);
      await recordAccess(store, request, 'subject.delete', [subject.id]);
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/api/v1/subjects/:id/epochs',
    {
      config: { roles: ['admin', 'clinician', 'researcher'] },
      schema: {
        summary: 'Posture epochs over a time range',
        description: 'At most 31 days; default the last 24 hours.',
        tags: ['nights and mornings'],
        params: subjectParams,
        querystring: z.object({ from: isoInstant.optional(), to: isoInstant.optional() }),
        response: {
          200: z.object({ subject: subjectOut, from: z.string(), to: z.string(), epochs: z.array(epochOut) }),
          404: errorSchema,
        },
      },
    },
    async (request) => {
      const to = request.query.to ? Date.parse(request.query.to) : Date.now();
      const from = request.query.from ? Date.parse(request.query.from) : to - DAY_MS;
      if (!(from < to)) throw new HttpError(400, 'querystring.from: expected a time before to');
      if (to - from > MAX_EPOCH_RANGE_MS) {
        throw new HttpError(400, 'querystring.from, querystring.to: expected a range of at most 31 days');
      }
      const subject = await subjectFor(store, request, request.params.id);
      const epochs = await store.queryEpochs(subject.id, { from, to });
      await recordAccess(store, request, 'epochs.read', [subject.id]);
      return {
        subject: subjectView(subject, principalOf(request).role),
        from: iso(from),
        to: iso(to),
        epochs: epochs.map(epochView),
      };
    },
  );
}
