// Every read and write of a subject's data leaves an entry: who, which subject, what, when. A request that touches
// many subjects (a cohort's links, an export) leaves one entry per subject, written in one call.
import type { JsonObject } from '@restpose/protocol';
import type { Store } from '@restpose/store';
import type { FastifyRequest } from 'fastify';
import { principalOf } from './auth.js';

/** Appends the entries of one request; no subjects (a user or token change) gives one entry without a subject. */
export async function recordAccess(
  store: Store,
  request: FastifyRequest,
  action: string,
  subjectIds: readonly string[],
  detail: JsonObject = {},
): Promise<void> {
  const actor = principalOf(request).userId;
  const at = Date.now();
  const entryDetail = { route: `${request.method} ${request.routeOptions.url ?? request.url}`, ...detail };
  const ids: Array<string | null> = subjectIds.length > 0 ? [...subjectIds] : [null];
  await store.appendAudit(ids.map((subjectId) => ({ at, actor, action, subjectId, detail: entryDetail })));
}
