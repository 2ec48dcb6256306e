// Security headers on every response, and a rate limit per bearer token (per address for requests without one).
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';

export interface RateLimitOptions {
  /** Requests per token per window; 0 switches the limit off. */
  max: number;
  windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { max: 600, windowMs: 60_000 };

export async function registerProtection(app: FastifyInstance, limit: RateLimitOptions): Promise<void> {
  // Same-origin everything: the dashboard served at / loads its own scripts and styles. Plain-HTTP deployments on a
  // LAN address would break under upgrade-insecure-requests, so it is left out; TLS is the proxy's business.
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: { 'upgrade-insecure-requests': null, 'connect-src': ["'self'"], 'frame-ancestors': ["'none'"] },
    },
  });
  if (limit.max > 0) {
    await app.register(rateLimit, {
      max: limit.max,
      timeWindow: limit.windowMs,
      // Runs after bearer auth (an earlier onRequest hook), so an authenticated request counts against its token.
      keyGenerator: (request) => (request.principal ? `token:${request.principal.tokenHash}` : `ip:${request.ip}`),
    });
  }
}
