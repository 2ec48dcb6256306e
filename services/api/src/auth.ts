// Bearer tokens: every /api route needs one; the token's sha256 is looked up in the store.
import { hashSecret, type Role } from '@restpose/protocol';
import type { Store } from '@restpose/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

export interface Principal {
  userId: string;
  name: string;
  role: Role;
  /** sha256 of the bearer token: the rate limit counts per token. */
  tokenHash: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

function unauthorized(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(401).header('www-authenticate', 'Bearer realm="restpose"').send({ error: 'Unauthorized', message });
}

export function registerBearerAuth(app: FastifyInstance, store: Store): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith('/api/')) return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) return unauthorized(reply, 'Authorization: expected "Bearer <token>"');
    const tokenHash = hashSecret(match[1]!);
    const token = await store.findToken(tokenHash);
    const user = token && token.revokedAt === null ? await store.getUser(token.userId) : null;
    if (!user || user.disabledAt !== null) return unauthorized(reply, 'the bearer token is unknown or revoked');
    request.principal = { userId: user.id, name: user.name, role: user.role, tokenHash };
  });
}

/** The caller of an /api route; the auth hook has already refused requests without one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new HttpError(401, 'the bearer token is unknown or revoked');
  return request.principal;
}
