// One error shape for every route: which field, what was expected.
import { StoreConflictError, StoreInputError, StoreUnavailableError } from '@restpose/store';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** Thrown by routes for an expected failure; the handler turns it into { error, message }. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

export const errorSchema = z.object({
  error: z.string(),
  message: z.string(),
  /** Validation errors: each bad field and what was expected. */
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type FieldIssue = { field: string; message: string };

/** Store errors the caller can act on keep their message; the rest are internal. */
function storeStatus(error: Error): number | null {
  if (error instanceof StoreInputError) return 400;
  if (error instanceof StoreConflictError) return 409;
  if (error instanceof StoreUnavailableError) return 503;
  return null;
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'Not Found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      const issues: FieldIssue[] = error.validation.map((v) => ({
        field: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'invalid',
      }));
      return reply.code(400).send({
        error: 'Bad Request',
        message: issues.map((i) => `${i.field}: ${i.message}`).join('; '),
        issues,
      });
    }
    const status = storeStatus(error) ?? error.statusCode ?? 500;
    if (status >= 500 && status !== 503) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(status).send({ error: 'Internal Server Error', message: 'internal error; see the server log' });
    }
    if (status === 503) request.log.warn({ err: error }, 'store unavailable');
    return reply.code(status).send({ error: STATUS_NAMES[status] ?? 'Error', message: error.message });
  });
}
