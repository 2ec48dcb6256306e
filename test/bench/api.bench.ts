// `pnpm bench api`: requests per second and p99 latency of a night detail and of a cohort's links, on a simulated
// cohort of 100 subjects over a year, against a trivial route of the same server in the same run (GET /api/v1/me:
// the same bearer lookup, role check, rate limit and headers, and nothing else).
//
// The cohort comes from the simulator's cohort model (simulateCohort, seed 1): per subject-night the ground-truth
// night metrics, the morning's time to loosen and the diary, each night re-planned for its bouts, turns, out-of-bed
// episodes and a posture epoch every 30 s from lying down to the final rise. No raw samples are simulated or
// analysed (36,500 nights of 50 Hz data would take hours); the store holds what analysis would have left.
// Nights, mornings and reports go through the Store contract; the 35 million epochs are appended with DuckDB's
// appender into the store's own table (docs/storage.md), since the contract's row inserts would take hours.
// The server runs in a child process; autocannon drives it over loopback. The last line is one JSON object.
// Building the store takes minutes: RESTPOSE_BENCH_API_DIR=<dir> keeps it there and reuses it on the next run.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DOUBLE, DuckDBInstance, DuckDBTimestampValue, type DuckDBValue, TIMESTAMP, VARCHAR } from '@duckdb/node-api';
import { hashSecret, type PostureEpoch } from '@restpose/protocol';
import { type Cohort, simulateCohort } from '@restpose/simulator';
import { DuckDbStore } from '@restpose/store';
import autocannon from 'autocannon';
import { cohortEpochs, writeCohort } from '../support/cohort-store.js';
import { appendRows } from './duckdb-append.js';

const SUBJECTS = 100;
const NIGHTS = 365;
/** Concurrent connections; a cohort's links take seconds, so they get fewer (more would only queue). */
const CONNECTIONS = { trivial: 8, night: 8, links: 2 };
const SECONDS = { trivial: 15, night: 20, links: 30 };
const TOKEN = 'bench-admin-token';
const COHORT = 'bench';

const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

/** The epochs into the store's posture_epochs table, in the order of its columns (docs/storage.md). */
async function appendEpochs(path: string, perSubject: Iterable<PostureEpoch[]>): Promise<number> {
  const instance = await DuckDBInstance.create(path);
  const db = await instance.connect();
  const types = [VARCHAR, VARCHAR, TIMESTAMP, DOUBLE, VARCHAR, DOUBLE, DOUBLE, DOUBLE, DOUBLE, VARCHAR];
  function* rows(): Generator<DuckDBValue[]> {
    for (const epochs of perSubject) {
      for (const e of epochs) {
        const start = new DuckDBTimestampValue(BigInt(e.start) * 1000n);
        yield [
          e.subjectId,
          e.deviceId,
          start,
          e.durationS,
          e.posture,
          e.confidence,
          e.sagittalDeg,
          e.frontalDeg,
          e.rollDeg,
          e.algorithm,
        ];
      }
    }
  }
  const total = await appendRows(db, 'posture_epochs', types, rows());
  db.closeSync();
  instance.closeSync();
  return total;
}

async function countEpochs(path: string): Promise<number> {
  const instance = await DuckDBInstance.create(path);
  const db = await instance.connect();
  const [row] = (await db.runAndReadAll('SELECT count(*)::DOUBLE AS n FROM posture_epochs')).getRowObjectsJS();
  db.closeSync();
  instance.closeSync();
  return Number(row!.n);
}

async function startServer(path: string): Promise<{ url: string; child: ChildProcess }> {
  const entry = fileURLToPath(new URL('./api-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', entry, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [url] = await new Promise<string[]>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the API server exited (${code}) before listening`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve([line.trim()]));
  });
  return { url: url!, child };
}

interface Figures {
  rps: number;
  p99Ms: number;
  p50Ms: number;
  requests: number;
}

async function load(url: string, seconds: number, connections: number, path: () => string): Promise<Figures> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 120,
    headers: { authorization: `Bearer ${TOKEN}` },
    requests: [{ setupRequest: (request) => ({ ...request, path: path() }) }],
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return {
    rps: Number(result.requests.average.toPrecision(3)),
    p99Ms: result.latency.p99,
    p50Ms: result.latency.p50,
    requests: result.requests.total,
  };
}

const keep = process.env.RESTPOSE_BENCH_API_DIR;
const dir = keep ?? mkdtempSync(join(tmpdir(), 'restpose-bench-api-'));
mkdirSync(dir, { recursive: true });
const path = join(dir, 'restpose.duckdb');
let server: ChildProcess | null = null;

/** The cohort in a new store at `path`: nights, mornings and reports through the contract, epochs appended. */
async function build(sim: Cohort): Promise<{ nights: number; epochs: number }> {
  let started = performance.now();
  const store = await DuckDbStore.open({ path });
  await store.putUser({ id: 'bench', name: 'Bench', role: 'admin', createdAt: 0, disabledAt: null });
  await store.putToken({
    tokenHash: hashSecret(TOKEN),
    userId: 'bench',
    label: 'bench',
    createdAt: 0,
    revokedAt: null,
  });
  const written = await writeCohort(store, sim, {
    cohort: COHORT,
    timelines: true,
    skipEpochs: true,
    onSubject: (i) => {
      if ((i + 1) % 20 === 0) log(`  ${i + 1} subjects written (${seconds(started)} s)`);
    },
  });
  await store.close();
  log(`wrote ${written.nights} nights, mornings and reports through the store in ${seconds(started)} s`);

  started = performance.now();
  const epochs = await appendEpochs(path, cohortEpochs(sim));
  log(`appended ${epochs} posture epochs in ${seconds(started)} s`);
  return { nights: written.nights, epochs };
}

try {
  const started = performance.now();
  const sim = simulateCohort({ seed: 1, subjects: SUBJECTS, nights: NIGHTS, startDate: '2025-01-01' });
  log(`simulated ${SUBJECTS} subjects x ${NIGHTS} nights in ${seconds(started)} s`);
  const reuse = keep !== undefined && existsSync(path);
  const sizes = reuse ? { nights: sim.nights.length, epochs: await countEpochs(path) } : await build(sim);
  if (reuse) log(`reusing the store in ${dir}`);

  const { url, child } = await startServer(path);
  server = child;
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 16807) % 2147483647;
    return seed % n;
  };
  const nightPath = () => {
    const n = sim.nights[random(sim.nights.length)]!;
    return `/api/v1/subjects/${n.subjectId}/nights/${n.date}`;
  };

  const trivial = await load(url, SECONDS.trivial, CONNECTIONS.trivial, () => '/api/v1/me');
  log(`trivial      ${trivial.rps} req/s, p99 ${trivial.p99Ms} ms`);
  const night = await load(url, SECONDS.night, CONNECTIONS.night, nightPath);
  log(`night detail ${night.rps} req/s, p99 ${night.p99Ms} ms`);
  const links = await load(url, SECONDS.links, CONNECTIONS.links, () => `/api/v1/cohorts/${COHORT}/links`);
  log(`cohort links ${links.rps} req/s, p99 ${links.p99Ms} ms`);

  const ratio = (f: Figures) => ({
    rps: Number((f.rps / trivial.rps).toPrecision(3)),
    p99: Number((f.p99Ms / Math.max(trivial.p99Ms, 1)).toPrecision(3)),
  });
  console.log(
    JSON.stringify({
      bench: 'api',
      cohort: { subjects: SUBJECTS, nights: sizes.nights, epochs: sizes.epochs },
      connections: CONNECTIONS,
      trivial,
      nightDetail: night,
      cohortLinks: links,
      ratio: { nightDetail: ratio(night), cohortLinks: ratio(links) },
    }),
  );
} finally {
  server?.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
