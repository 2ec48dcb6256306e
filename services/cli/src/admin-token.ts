// The embedded default creates one admin token on first start and keeps it in <data-dir>/admin.token (0600).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashSecret, newSecret } from '@restpose/protocol';
import type { Store } from '@restpose/store';

const ADMIN_USER = 'admin';

export async function ensureAdminToken(store: Store, dataDir: string, now: number): Promise<string> {
  const file = join(dataDir, 'admin.token');
  let token: string;
  if (existsSync(file)) {
    token = readFileSync(file, 'utf8').trim();
  } else {
    mkdirSync(dataDir, { recursive: true });
    token = newSecret();
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  const tokenHash = hashSecret(token);
  // The file is the source of truth for the admin token: re-register it (and its admin user) if the database was
  // replaced, the token revoked or its user disabled.
  const existing = await store.findToken(tokenHash);
  const owner = existing ? await store.getUser(existing.userId) : null;
  if (existing?.revokedAt === null && owner?.role === 'admin' && owner.disabledAt === null) return token;
  const admin = await store.getUser(ADMIN_USER);
  if (admin?.role !== 'admin' || admin.disabledAt !== null) {
    await store.putUser({ id: ADMIN_USER, name: 'Administrator', role: 'admin', createdAt: now, disabledAt: null });
  }
  await store.putToken({ tokenHash, userId: ADMIN_USER, label: 'admin.token', createdAt: now, revokedAt: null });
  return token;
}
