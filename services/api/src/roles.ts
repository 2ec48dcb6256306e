// Which roles may call a route is part of the route: `config: { roles }`. Every /api route must say; the check runs
// before validation (a caller without the role learns nothing about the route's input), and the OpenAPI document
// shows the roles, the bearer scheme and the error responses on every route.
import type { Role } from '@restpose/protocol';
import type { FastifyInstance } from 'fastify';
import { principalOf } from './auth.js';
import { errorSchema, HttpError } from './errors.js';

/** Every /api route can answer these; the OpenAPI document lists them. */
const STANDARD_ERRORS = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 429: errorSchema };

declare module 'fastify' {
  interface FastifyContextConfig {
    roles?: readonly Role[];
  }
}

export function registerRoleChecks(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const roles = route.config?.roles;
    if (!roles || roles.length === 0) throw new Error(`${route.method} ${route.url}: config.roles is required`);
    const description = [route.schema?.description, `Roles: ${roles.join(', ')}.`].filter(Boolean).join('\n\n');
    const response = { ...STANDARD_ERRORS, ...(route.schema?.response as object | undefined) };
    route.schema = { ...route.schema, description, response, security: [{ bearerAuth: [] }] };
  });
  app.addHook('preValidation', async (request) => {
    const roles = request.routeOptions.config.roles;
    if (!roles) return;
    const { role } = principalOf(request);
    if (!roles.includes(role)) {
      throw new HttpError(403, `this route is for ${roles.join(', ')}; the token's role is ${role}`);
    }
  });
}
