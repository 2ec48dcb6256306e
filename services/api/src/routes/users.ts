// Users and their API tokens (admins only), and who the caller is (everyone). A token is shown once, when made;
// the store keeps its sha256, which also names it for listing and revoking.
import { hashSecret, newSecret, roleSchema, userIdSchema } from '@restpose/protocol';
import type { Store } from '@restpose/store';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAccess } from '../audit.js';
import { principalOf } from '../auth.js';
import { iso } from '../dates.js';
import { errorSchema, HttpError } from '../errors.js';

const userOut = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  createdAt: z.string(),
  disabledAt: z.string().nullable(),
});
const tokenOut = z.object({
  id: z.string().describe('the sha256 of the token, which names it'),
  label: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
const userParams = z.object({ id: userIdSchema });
const nameSchema = z.string().min(1).max(200);
const labelSchema = z.string().min(1).max(100);

const userView = (u: {
  id: string;
  name: string;
  role: z.infer<typeof roleSchema>;
  createdAt: number;
  disabledAt: number | null;
}) => ({
  ...u,
  createdAt: iso(u.createdAt),
  disabledAt: u.disabledAt === null ? null : iso(u.disabledAt),
});
const tokenView = (t: { tokenHash: string; label: string; createdAt: number; revokedAt: number | null }) => ({
  id: t.tokenHash,
  label: t.label,
  createdAt: iso(t.createdAt),
  revokedAt: t.revokedAt === null ? null : iso(t.revokedAt),
});

export function registerUserRoutes(app: FastifyInstance, store: Store): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['users and tokens'];

  api.get(
    '/api/v1/me',
    {
      config: { roles: ['admin', 'clinician', 'researcher', 'provisioning'] },
      schema: {
        summary: 'Who the token belongs to',
        tags,
        response: { 200: z.object({ id: z.string(), name: z.string(), role: roleSchema }) },
      },
    },
    async (request) => {
      const { userId, name, role } = principalOf(request);
      return { id: userId, name, role };
    },
  );

  api.get(
    '/api/v1/users',
    {
      config: { roles: ['admin'] },
      schema: { summary: 'List users', tags, response: { 200: z.object({ users: z.array(userOut) }) } },
    },
    async () => ({ users: (await store.listUsers()).map(userView) }),
  );

  api.post(
    '/api/v1/users',
    {
      config: { roles: ['admin'] },
      schema: {
        summary: 'Create a user',
        tags,
        body: z.object({ id: userIdSchema, name: nameSchema, role: roleSchema }),
        response: { 201: z.object({ user: userOut }), 409: errorSchema },
      },
    },
    async (request, reply) => {
      if (await store.getUser(request.body.id)) throw new HttpError(409, `user ${request.body.id} already exists`);
      const user = { ...request.body, createdAt: Date.now(), disabledAt: null };
      await store.putUser(user);
      await recordAccess(store, request, 'user.create', [], { user: user.id, role: user.role });
      return reply.code(201).send({ user: userView(user) });
    },
  );

  api.patch(
    '/api/v1/users/:id',
    {
      config: { roles: ['admin'] },
      schema: {
        summary: 'Change a user, or disable them (their tokens stop working)',
        tags,
        params: userParams,
        body: z.object({ name: nameSchema, role: roleSchema, disabled: z.boolean() }).partial(),
        response: { 200: z.object({ user: userOut }), 404: errorSchema },
      },
    },
    async (request) => {
      const existing = await store.getUser(request.params.id);
      if (!existing) throw new HttpError(404, `user ${request.params.id} does not exist`);
      const { disabled, ...fields } = request.body;
      const disabledAt =
        disabled === undefined ? existing.disabledAt : disabled ? (existing.disabledAt ?? Date.now()) : null;
      const user = { ...existing, ...fields, disabledAt };
      await store.putUser(user);
      await recordAccess(store, request, 'user.update', [], { user: user.id, fields: Object.keys(request.body) });
      return { user: userView(user) };
    },
  );

  api.get(
    '/api/v1/users/:id/tokens',
    {
      config: { roles: ['admin'] },
      schema: {
        summary: "List a user's tokens",
        tags,
        params: userParams,
        response: { 200: z.object({ tokens: z.array(tokenOut) }), 404: errorSchema },
      },
    },
    async (request) => {
      if (!(await store.getUser(request.params.id)))
        throw new HttpError(404, `user ${request.params.id} does not exist`);
      return { tokens: (await store.listTokens(request.params.id)).map(tokenView) };
    },
  );

  api.post(
    '/api/v1/users/:id/tokens',
    {
      config: { roles: ['admin'] },
      schema: {
        summary: 'Make a token for a user',
        description: 'The token is in this response only; keep it. The store keeps its sha256.',
        tags,
        params: userParams,
        body: z.object({ label: labelSchema.describe('what the token is for, e.g. "laptop"') }),
        response: { 201: tokenOut.extend({ token: z.string() }), 404: errorSchema },
      },
    },
    async (request, reply) => {
      const userId = request.params.id;
      if (!(await store.getUser(userId))) throw new HttpError(404, `user ${userId} does not exist`);
      const token = newSecret();
      const record = {
        tokenHash: hashSecret(token),
        userId,
        label: request.body.label,
        createdAt: Date.now(),
        revokedAt: null,
      };
      await store.putToken(record);
      await recordAccess(store, request, 'token.create', [], { user: userId, token: record.tokenHash });
      return reply.code(201).send({ ...tokenView(record), token });
    },
  );

  api.delete(
    '/api/v1/tokens/:id',
    {
      config: { roles: ['admin'] },
      schema: {
        summary: 'Revoke a token',
        tags,
        params: z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, 'expected a token id (64 hex digits)') }),
        response: { 204: z.null(), 404: errorSchema },
      },
    },
    async (request, reply) => {
      if (!(await store.revokeToken(request.params.id, Date.now()))) {
        throw new HttpError(404, 'no active token has this id');
      }
      await recordAccess(store, request, 'token.revoke', [], { token: request.params.id });
      return reply.code(204).send(null);
    },
  );
}
