import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type HealthProvider, healthReportSchema, overallState } from '../health.js';

export function registerHealthRoutes(app: FastifyInstance, health: HealthProvider): void {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get(
      '/healthz',
      { schema: { response: { 200: healthReportSchema, 503: healthReportSchema } } },
      async (_request, reply) => {
        const components = await health();
        const status = overallState(components);
        return reply.code(status === 'down' ? 503 : 200).send({ status, components });
      },
    );
}
