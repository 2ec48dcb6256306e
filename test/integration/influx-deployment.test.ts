// The deployed topology on real servers: Mosquitto, InfluxDB, and `restpose ingest` and `restpose api` as separate
// processes sharing the InfluxDB store, as docker-compose.yml runs them.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  type RunningInfluxd,
  type RunningMosquitto,
  startInfluxd,
  startMosquitto,
  waitFor,
} from '@restpose/harness';
import { deviceTopic, encodeJsonFrame, hashSecret } from '@restpose/protocol';
import { InfluxStore } from '@restpose/store';
import { connectAsync } from 'mqtt';
import { runCli, spawnCli } from '../support/cli.js';
import { eventually } from '../support/system.js';

let influxd: RunningInfluxd;
let mosquitto: RunningMosquitto;
let store: InfluxStore;
let dataDir: string;
const children: ChildProcess[] = [];
const ingestPassword = 'ingest-secret';
const devicePassword = 'device-secret';

beforeAll(async () => {
  influxd = await startInfluxd();
  mosquitto = await startMosquitto({
    users: [
      { username: 'restpose-ingest', password: ingestPassword },
      { username: 'dev-a', password: devicePassword },
    ],
  });
  dataDir = mkdtempSync(join(tmpdir(), 'restpose-deploy-'));
  store = await InfluxStore.open({ url: influxd.url, database: 'restpose', rawRetention: '90d' });
  await store.upsertSubject({
    id: 'p1',
    studyCode: 'S-001',
    cohort: 'pilot',
    displayName: null,
    clinicianIds: [],
    createdAt: 0,
  });
  await store.upsertDevice({
    id: 'dev-a',
    secretHash: hashSecret(devicePassword),
    mounting: null,
    createdAt: 0,
    revokedAt: null,
  });
  await store.assignDevice({ deviceId: 'dev-a', subjectId: 'p1', from: 0, to: null });
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await store?.close();
  await mosquitto?.stop();
  await influxd?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const influxEnv = () => ({ RESTPOSE_STORE: 'influxdb', RESTPOSE_INFLUX_URL: influxd.url, RESTPOSE_LOG_LEVEL: 'warn' });

function leftSideSecond(seq: number, t0: number): string {
  const n = 50;
  const fill = (v: number) => new Float32Array(n).fill(v);
  return encodeJsonFrame({ seq, t0, rateHz: 50, ax: fill(0.05), ay: fill(-0.02), az: fill(0.99) }, 0.061);
}

async function stopped(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

test('ingest and api run as separate processes on InfluxDB: telemetry in, labelled epochs out', async () => {
  const ingest = spawnCli(['ingest'], {
    ...influxEnv(),
    RESTPOSE_BROKER_URL: mosquitto.url,
    RESTPOSE_INGEST_PASSWORD: ingestPassword,
    RESTPOSE_DATA_DIR: join(dataDir, 'ingest'),
    RESTPOSE_LOG_LEVEL: 'info',
  });
  let ingestLog = '';
  ingest.stdout!.on('data', (chunk: Buffer) => (ingestLog += chunk.toString()));
  const apiPort = await freePort();
  const api = spawnCli(['api'], { ...influxEnv(), RESTPOSE_API_PORT: String(apiPort), RESTPOSE_DATA_DIR: dataDir });
  children.push(ingest, api);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitFor('restpose api', async () => (await fetch(`${apiUrl}/healthz`).catch(() => null))?.ok === true, 45_000);
  const health = (await (await fetch(`${apiUrl}/healthz`)).json()) as {
    components: Record<string, { state: string; detail?: { kind?: string } }>;
  };
  expect(health.components.store).toEqual({ state: 'up', detail: { kind: 'influxdb' } });
  // A shared subscription only receives what is published after it exists.
  await waitFor('ingest subscription', async () => ingestLog.includes('ingest subscribed'), 45_000);

  const device = await connectAsync(mosquitto.url, { username: 'dev-a', password: devicePassword, clientId: 'dev-a' });
  const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
  for (let s = 0; s < 70; s++) {
    await device.publishAsync(deviceTopic('dev-a', 'imu'), leftSideSecond(s, t0 + s * 1000), { qos: 1 });
  }
  await device.endAsync();

  const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
  const from = new Date(t0).toISOString();
  const to = new Date(t0 + 120_000).toISOString();
  const epochs = await eventually(async () => {
    const res = await fetch(`${apiUrl}/api/v1/subjects/p1/epochs?from=${from}&to=${to}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as { epochs: Array<{ posture: string }> };
    return body.epochs.length >= 2 ? body.epochs : undefined;
  }, 30_000);
  expect(epochs.map((e) => e.posture)).toEqual(['left', 'left']);
  const samples = await eventually(async () => {
    const s = await store.readSamples('dev-a', { from: t0, to: t0 + 70_000 });
    return s.t.length === 3500 ? s : undefined;
  });
  expect(samples.t[1]! - samples.t[0]!).toBe(20);

  expect(await stopped(ingest)).toBe(0);
  expect(await stopped(api)).toBe(0);
});

test('start runs the whole system on InfluxDB', async () => {
  const apiPort = await freePort();
  const start = spawnCli(
    ['start', '--no-demo', '--api-port', String(apiPort), '--mqtt-port', '0', '--data-dir', join(dataDir, 'start')],
    { ...influxEnv(), RESTPOSE_INFLUX_DATABASE: 'restpose_start' },
  );
  children.push(start);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitFor(
    'restpose start',
    async () => (await fetch(`${apiUrl}/healthz`).catch(() => null))?.ok === true,
    45_000,
  );
  const token = readFileSync(join(dataDir, 'start', 'admin.token'), 'utf8').trim();
  const res = await fetch(`${apiUrl}/api/v1/subjects`, { headers: { authorization: `Bearer ${token}` } });
  expect(await res.json()).toEqual({ subjects: [] });
  expect(await stopped(start)).toBe(0);
});

test('an unreachable InfluxDB at start-up stops with one line naming the setting', () => {
  const result = runCli(['api', '--api-port', '0', '--data-dir', join(dataDir, 'down')], {
    ...influxEnv(),
    RESTPOSE_INFLUX_URL: 'http://127.0.0.1:9',
  });
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(/^restpose: RESTPOSE_INFLUX_URL="http:\/\/127\.0\.0\.1:9": InfluxDB unavailable/);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
});
