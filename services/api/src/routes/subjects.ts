import { postureSchema, subjectIdSchema } from '@restpose/protocol';
import type { Store } from '@restpose/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError } from '../errors.js';

const DAY_MS = 24 * 3600 * 1000;
const MAX_RANGE_MS = 31 * DAY_MS;

const subjectOut = z.object({
  id: z.string(),
  studyCode: z.string(),
  cohort: z.string().nullable(),
});

const epochOut = z.object({
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

const isoInstant = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time with a time zone' });

export function registerSubjectRoutes(app: FastifyInstance, store: Store): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/subjects',
    { schema: { response: { 200: z.object({ subjects: z.array(subjectOut) }) } } },
    async () => {
      const subjects = await store.listSubjects();
      return { subjects: subjects.map(({ id, studyCode, cohort }) => ({ id, studyCode, cohort })) };
    },
  );

  api.get(
    '/api/v1/subjects/:id/epochs',
    {
      schema: {
        params: z.object({ id: subjectIdSchema }),
        querystring: z.object({ from: isoInstant.optional(), to: isoInstant.optional() }),
        response: {
          200: z.object({ subjectId: z.string(), from: z.string(), to: z.string(), epochs: z.array(epochOut) }),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const to = request.query.to ? Date.parse(request.query.to) : Date.now();
      const from = request.query.from ? Date.parse(request.query.from) : to - DAY_MS;
      if (!(from < to)) throw new HttpError(400, 'from: expected a time before to');
      if (to - from > MAX_RANGE_MS) throw new HttpError(400, 'from, to: expected a range of at most 31 days');
      if (!(await store.getSubject(id))) throw new HttpError(404, `subject ${id} does not exist`);
      const epochs = await store.queryEpochs(id, { from, to });
      return {
        subjectId: id,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        epochs: epochs.map((e) => ({
          start: new Date(e.start).toISOString(),
          durationS: e.durationS,
          posture: e.posture,
          confidence: e.confidence,
          sagittalDeg: e.sagittalDeg,
          frontalDeg: e.frontalDeg,
          rollDeg: e.rollDeg,
          deviceId: e.deviceId,
          algorithm: e.algorithm,
        })),
      };
    },
  );
}
