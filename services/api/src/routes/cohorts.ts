// Cohorts, as researchers see them: names, sizes, and the study codes in each.
import type { Store } from '@restpose/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { subjectOut, subjectView } from '../access.js';
import { recordAccess } from '../audit.js';
import { principalOf } from '../auth.js';
import { errorSchema, HttpError } from '../errors.js';

export function registerCohortRoutes(app: FastifyInstance, store: Store): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/cohorts',
    {
      config: { roles: ['admin', 'researcher'] },
      schema: {
        summary: 'List cohorts',
        tags: ['cohorts'],
        response: { 200: z.object({ cohorts: z.array(z.object({ id: z.string(), subjects: z.number().int() })) }) },
      },
    },
    async () => {
      const counts = new Map<string, number>();
      for (const s of await store.listSubjects()) {
        if (s.cohort !== null) counts.set(s.cohort, (counts.get(s.cohort) ?? 0) + 1);
      }
      const cohorts = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
      return { cohorts: cohorts.map(([id, subjects]) => ({ id, subjects })) };
    },
  );

  api.get(
    '/api/v1/cohorts/:id',
    {
      config: { roles: ['admin', 'researcher'] },
      schema: {
        summary: 'The subjects of a cohort',
        tags: ['cohorts'],
        params: z.object({ id: z.string().min(1).max(64).describe('cohort') }),
        response: { 200: z.object({ id: z.string(), subjects: z.array(subjectOut) }), 404: errorSchema },
      },
    },
    async (request) => {
      const id = request.params.id;
      const subjects = await store.listSubjects({ cohort: id });
      if (subjects.length === 0) throw new HttpError(404, `cohort ${id} has no subjects`);
      await recordAccess(
        store,
        request,
        'subject.list',
        subjects.map((s) => s.id),
        { cohort: id },
      );
      const role = principalOf(request).role;
      return { id, subjects: subjects.map((s) => subjectView(s, role)) };
    },
  );
}
