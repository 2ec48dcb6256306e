// The audit log, for admins: who read or changed what, for which subject, when.
import { subjectIdSchema } from '@restpose/protocol';
import type { Store } from '@restpose/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { iso } from '../dates.js';
import { HttpError } from '../errors.js';

const isoInstant = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time with a time zone' });

export function registerAuditRoutes(app: FastifyInstance, store: Store): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/audit',
    {
      config: { roles: ['admin'] },
      schema: {
        summary: 'Query the audit log',
        description: 'Newest first unless order=asc.',
        tags: ['audit'],
        querystring: z.object({
          subject: subjectIdSchema.optional(),
          actor: z.string().min(1).max(64).optional().describe('a user id'),
          from: isoInstant.optional(),
          to: isoInstant.optional(),
          order: z.enum(['asc', 'desc']).default('desc'),
          limit: z.coerce.number().int().min(1).max(10_000).default(1000),
        }),
        response: {
          200: z.object({
            entries: z.array(
              z.object({
                at: z.string(),
                actor: z.string(),
                action: z.string(),
                subjectId: z.string().nullable(),
                detail: z.record(z.string(), z.unknown()),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { subject, actor, from, to, order, limit } = request.query;
      const range =
        from || to ? { from: from ? Date.parse(from) : 0, to: to ? Date.parse(to) : Date.now() + 1 } : undefined;
      if (range && !(range.from < range.to)) throw new HttpError(400, 'querystring.from: expected a time before to');
      const entries = await store.queryAudit({
        ...(subject && { subjectId: subject }),
        ...(actor && { actor }),
        ...(range && { range }),
        order,
        limit,
      });
      return { entries: entries.map((e) => ({ ...e, at: iso(e.at) })) };
    },
  );
}
