// Builds the HTTP API; the caller decides where it listens.
import type { Store } from '@restpose/store';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { registerBearerAuth } from './auth.js';
import { registerErrorHandler } from './errors.js';
import type { HealthProvider } from './health.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerSubjectRoutes } from './routes/subjects.js';

export interface ApiOptions {
  store: Store;
  logger: Logger;
  health: HealthProvider;
}

export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const logger: FastifyBaseLogger = options.logger.child({ component: 'api' });
  // Per-request lines at info would drown the ingest log; errors are still logged by the error handler.
  const app: FastifyInstance = Fastify({ loggerInstance: logger, disableRequestLogging: true });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerBearerAuth(app, options.store);
  registerHealthRoutes(app, options.health);
  registerSubjectRoutes(app, options.store);
  await app.ready();
  return app;
}
