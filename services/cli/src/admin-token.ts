// The embedded default creates one admin token on first start and keeps it in <data-dir>/admin.token (0600).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashSecret, newSecret } from '@restpose/protocol';
import type { Store } from '@restpose/store';

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
  // The file is the source of truth for the admin token: re-register it if the database was replaced.
  const existing = await store.findToken(tokenHash);
  if (!existing || existing.revokedAt !== null) {
    await store.putToken({ tokenHash, name: 'admin', role: 'admin', createdAt: now, revokedAt: null });
  }
  return token;
}
