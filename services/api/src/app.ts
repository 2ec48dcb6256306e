// Builds the HTTP API; the caller decides where it listens.
import type { Store } from '@restpose/store';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { registerBearerAuth } from './auth.js';
import { type DeviceCredentialsSink, registryOnly } from './device-credentials.js';
import { registerErrorHandler } from './errors.js';
import type { HealthProvider } from './health.js';
import { registerOpenApi } from './openapi.js';
import { DEFAULT_RATE_LIMIT, type RateLimitOptions, registerProtection } from './protection.js';
import { registerRoleChecks } from './roles.js';
import { registerAuditRoutes } from './routes/audit.js';
import { registerCohortRoutes } from './routes/cohorts.js';
import { registerDayRoutes } from './routes/days.js';
import { registerDeviceRoutes } from './routes/devices.js';
import { registerExportRoutes } from './routes/exports.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerLinkRoutes } from './routes/links.js';
import { registerReportRoutes } from './routes/reports.js';
import { registerReviewRoutes } from './routes/review.js';
import { registerSubjectRoutes } from './routes/subjects.js';
import { registerUserRoutes } from './routes/users.js';

export interface ApiOptions {
  store: Store;
  logger: Logger;
  health: HealthProvider;
  /** Told of new, rotated and revoked device credentials (default: nobody; the broker reads the registry). */
  deviceCredentials?: DeviceCredentialsSink;
  /** The broker URL given to devices with their credentials. */
  deviceBrokerUrl?: string | null;
  rateLimit?: RateLimitOptions;
}

export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const { store } = options;
  const logger: FastifyBaseLogger = options.logger.child({ component: 'api' });
  // Per-request lines at info would drown the ingest log; errors are still logged by the error handler.
  const app: FastifyInstance = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  // Order matters: the token is known before the rate limit counts, and the OpenAPI document sees every route.
  registerBearerAuth(app, store);
  await registerProtection(app, options.rateLimit ?? DEFAULT_RATE_LIMIT);
  await registerOpenApi(app);
  registerRoleChecks(app);
  registerHealthRoutes(app, options.health);
  registerUserRoutes(app, store);
  registerSubjectRoutes(app, store);
  registerDeviceRoutes(app, store, {
    credentials: options.deviceCredentials ?? registryOnly,
    brokerUrl: options.deviceBrokerUrl ?? null,
  });
  registerDayRoutes(app, store);
  registerReportRoutes(app, store);
  registerReviewRoutes(app, store);
  registerLinkRoutes(app, store);
  registerCohortRoutes(app, store);
  registerExportRoutes(app, store);
  registerAuditRoutes(app, store);
  await app.ready();
  return app;
}
