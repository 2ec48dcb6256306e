// A real API over a real DuckDB store in a temporary directory, with one user and token per role and a small
// registry: two clinicians' patients in cohort "pilot" and one unassigned subject in "control".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  hashSecret,
  type MorningRecord,
  type NightRecord,
  type PostureEpoch,
  type Role,
  type StiffnessReport,
  type Subject,
} from '@restpose/protocol';
import { DuckDbStore, type Store } from '@restpose/store';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { type ApiOptions, buildApi } from '../src/index.js';

export const TOKENS = {
  admin: 'token-admin',
  drA: 'token-dr-a',
  drB: 'token-dr-b',
  researcher: 'token-researcher',
  provisioning: 'token-provisioning',
} as const;
export type Caller = keyof typeof TOKENS;

const USERS: Array<{ caller: Caller; id: string; role: Role }> = [
  { caller: 'admin', id: 'admin', role: 'admin' },
  { caller: 'drA', id: 'dr-a', role: 'clinician' },
  { caller: 'drB', id: 'dr-b', role: 'clinician' },
  { caller: 'researcher', id: 'res-1', role: 'researcher' },
  { caller: 'provisioning', id: 'prov-1', role: 'provisioning' },
];

export const SUBJECTS: Subject[] = [
  {
    id: 'p1',
    studyCode: 'PIL-001',
    cohort: 'pilot',
    displayName: 'Ann Patient',
    clinicianIds: ['dr-a'],
    createdAt: 0,
  },
  { id: 'p2', studyCode: 'PIL-002', cohort: 'pilot', displayName: 'Bob Patient', clinicianIds: ['dr-b'], createdAt: 0 },
  { id: 'p3', studyCode: 'CON-001', cohort: 'control', displayName: 'Cy Control', clinicianIds: [], createdAt: 0 },
];

const HOUR = 3_600_000;
export const rise = (date: string) => Date.parse(`${date}T06:30:00Z`);

export function night(subjectId: string, date: string, metrics: NightRecord['metrics'] = {}, detail = {}): NightRecord {
  return {
    subjectId,
    date,
    algorithm: 'night@1.0.0',
    start: rise(date) - 8 * HOUR,
    end: rise(date),
    computedAt: rise(date) + HOUR,
    metrics,
    detail,
  };
}

export function morning(
  subjectId: string,
  date: string,
  metrics: MorningRecord['metrics'] = {},
  detail = {},
): MorningRecord {
  return {
    subjectId,
    date,
    algorithm: 'morning@1.0.0',
    start: rise(date),
    end: rise(date) + 5 * HOUR,
    computedAt: rise(date) + 6 * HOUR,
    metrics,
    detail,
  };
}

export function report(subjectId: string, date: string, overrides: Partial<StiffnessReport> = {}): StiffnessReport {
  return {
    subjectId,
    date,
    severity: 4,
    durationMin: 30,
    pain: 3,
    note: `note of ${subjectId}`,
    redFlags: {
      nightPainUnchangedByMovement: false,
      progressiveNeurologicalSymptoms: false,
      unexplainedWeightLoss: false,
      fever: false,
    },
    source: 'patient-app',
    createdAt: rise(date) + HOUR,
    updatedAt: rise(date) + HOUR,
    ...overrides,
  };
}

export function epochs(subjectId: string, from: number, count: number, algorithm = 'angle-rule@1.0.0'): PostureEpoch[] {
  const postures = ['supine', 'left', 'right', 'prone'] as const;
  return Array.from({ length: count }, (_, i) => ({
    subjectId,
    deviceId: `dev-${subjectId}`,
    start: from + i * 30_000,
    durationS: 30,
    posture: postures[Math.floor(i / 10) % 4]!,
    confidence: 0.9,
    sagittalDeg: -85,
    frontalDeg: 0,
    rollDeg: 0,
    algorithm,
  }));
}

export interface Reply {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the tests' assertions, not by types
  json(): any;
}

export interface TestApi {
  app: FastifyInstance;
  store: Store;
  /** The listening server's base URL, on a free loopback port. */
  url: string;
  /** A real HTTP request as a caller (or with no token). */
  call(caller: Caller | null, method: string, path: string, payload?: object): Promise<Reply>;
  /** A real HTTP request with the headers given. */
  request(path: string, init?: RequestInit): Promise<Reply>;
  close(): Promise<void>;
}

async function reply(res: Response): Promise<Reply> {
  const body = await res.text();
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body, json: () => JSON.parse(body) };
}

export interface TestApiOptions extends Partial<ApiOptions> {
  /** Wraps the store the API uses (the tests keep the real one), e.g. to observe or hold its calls. */
  wrapStore?: (store: Store) => Store;
  /** Another store than a new DuckDB file (e.g. an InfluxStore on a harness influxd). */
  openStore?: () => Promise<Store>;
}

export async function openTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const { wrapStore, openStore, ...apiOptions } = options;
  const dir = mkdtempSync(join(tmpdir(), 'restpose-api-'));
  const store = openStore ? await openStore() : await DuckDbStore.open({ path: join(dir, 'restpose.duckdb') });
  for (const u of USERS) {
    await store.putUser({ id: u.id, name: u.id, role: u.role, createdAt: 0, disabledAt: null });
    const tokenHash = hashSecret(TOKENS[u.caller]);
    await store.putToken({ tokenHash, userId: u.id, label: 'test', createdAt: 0, revokedAt: null });
  }
  for (const s of SUBJECTS) await store.upsertSubject(s);
  const app = await buildApi({
    store: wrapStore ? wrapStore(store) : store,
    logger: pino({ level: 'silent' }),
    health: async () => ({}),
    ...apiOptions,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const request = async (path: string, init: RequestInit = {}) => reply(await fetch(`${url}${path}`, init));
  return {
    app,
    store,
    url,
    request,
    call: (caller, method, path, payload) =>
      request(path, {
        method,
        headers: {
          ...(caller && { authorization: `Bearer ${TOKENS[caller]}` }),
          ...(payload && { 'content-type': 'application/json' }),
        },
        ...(payload && { body: JSON.stringify(payload) }),
      }),
    close: async () => {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
