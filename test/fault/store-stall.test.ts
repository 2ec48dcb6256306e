// Fault (a): InfluxDB stalls (SIGSTOP) for two minutes in the middle of the stream. Ingest keeps acknowledging into
// its spool until the spool is full, then holds batches unacknowledged (the broker queues them); once InfluxDB
// resumes, everything the broker acknowledged to a device is in InfluxDB exactly once, and the backlog drains much
// faster than it built up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IngestService } from '@restpose/ingest';
import pino from 'pino';
import { TestFleet, verifyExactlyOnce } from '../support/fleet.js';
import { INGEST_PASSWORD, INGEST_USER, type IngestStack, startIngestStack } from '../support/ingest-stack.js';
import { eventually } from '../support/system.js';

const DEVICES = 40;
const STALL_MS = Number(process.env.STALL_MS ?? 120_000);

let stack: IngestStack;
let ingest: IngestService;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'restpose-fault-a-'));
  stack = await startIngestStack(DEVICES, 'stall');
}, 120_000);

afterAll(async () => {
  await ingest?.stop(1000);
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('influxd stopped for two minutes mid-stream: every acknowledged batch is stored exactly once', async () => {
  ingest = new IngestService({
    brokerUrl: stack.mosquitto.url,
    username: INGEST_USER,
    password: INGEST_PASSWORD,
    clientId: 'ingest-stall-1',
    shareGroup: 'restpose-ingest',
    store: stack.store,
    logger: pino({ level: 'silent' }),
    spoolDir: join(dir, 'spool'),
    // Small enough to fill during the stall (40 devices x ~400 B/s x 120 s is about 1.9 MB), so the test also
    // covers holding batches unacknowledged when the spool is full.
    spoolMaxBytes: 1024 * 1024,
    epochSeconds: 0,
  });
  await ingest.start();
  const m = ingest.metrics;
  const start = Math.floor(Date.now() / 1000) * 1000 - 600_000;
  const fleet = new TestFleet(stack.mosquitto.url, stack.devices, start);
  await fleet.connect();
  fleet.run();

  await new Promise((r) => setTimeout(r, 15_000));
  expect(await m.value(m.storedBatches)).toBeGreaterThan(DEVICES * 10);
  stack.influx.pause();
  const pausedAt = Date.now();
  let sawHeld = 0;
  const healthSeen = new Set<string>();
  while (Date.now() - pausedAt < STALL_MS) {
    await new Promise((r) => setTimeout(r, 1000));
    const h = ingest.health();
    healthSeen.add(`${h.state}: ${h.reasons.join(', ')}`.replace(/\d+/g, 'N'));
    sawHeld = Math.max(sawHeld, h.spool.heldBatches);
  }
  const storedBeforeResume = await m.value(m.storedSamples);
  stack.influx.resume();
  const resumedAt = Date.now();

  // Live traffic continues while the backlog drains; time how long until the store has caught up.
  await eventually(
    async () =>
      ingest.health().spool.backlogBytes < 20_000 && ingest.health().spool.heldBatches === 0 ? true : undefined,
    120_000,
  );
  const caughtUpMs = Date.now() - resumedAt;
  const drained = (await m.value(m.storedSamples)) - storedBeforeResume;
  await new Promise((r) => setTimeout(r, 5000));
  await fleet.stop();
  const acked = fleet.ackedCount;
  await eventually(async () => ((await m.value(m.storedBatches)) >= acked ? true : undefined), 60_000);
  await fleet.close();

  const report = await verifyExactlyOnce(stack.store, fleet);
  const liveRate = DEVICES * 50;
  const drainRate = drained / (caughtUpMs / 1000);
  process.stdout.write(
    `${JSON.stringify({
      fault: 'influxd SIGSTOP 120 s',
      ...report,
      published: fleet.batchesPublished * DEVICES,
      heldAtMost: sawHeld,
      catchUpSeconds: caughtUpMs / 1000,
      drainSamplesPerSecond: Math.round(drainRate),
      liveSamplesPerSecond: liveRate,
      catchUpOverLive: Math.round((drainRate / liveRate) * 10) / 10,
      health: [...healthSeen],
    })}\n`,
  );
  expect(report.ackedBatches).toBeGreaterThan(DEVICES * (STALL_MS / 1000 + 20));
  expect(report.missing).toBe(0);
  expect(report.unexpected).toBe(0);
  expect(report.storedSamples).toBe(report.ackedBatches * 50);
  // The spool filled during the stall: batches were held unacknowledged, and health said so.
  expect(sawHeld).toBeGreaterThan(0);
  expect([...healthSeen].some((h) => h.startsWith('down') && /spool/.test(h))).toBe(true);
  expect(await m.value(m.duplicates)).toBe(0);
}, 420_000);
