// Faults (b) and (c): the ingest process is killed with SIGKILL mid-stream and restarted; and two ingest processes
// share one subscription, one is killed and restarted. Every batch the broker acknowledged to a device is in
// InfluxDB exactly once afterwards. And (d): a member removed for good leaves the group without leaving batches
// behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestFleet, verifyExactlyOnce } from '../support/fleet.js';
import { IngestProcess } from '../support/ingest-process.js';
import { type IngestStack, startIngestStack } from '../support/ingest-stack.js';
import { eventually } from '../support/system.js';

const DEVICES = 45;
/** Five batches per device per second: data time runs ahead of the clock, so more is in flight at each kill. */
const PERIOD_MS = 200;

let stack: IngestStack;
let dir: string;
const processes: IngestProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'restpose-fault-bc-'));
  stack = await startIngestStack(DEVICES, 'kill');
}, 120_000);

afterAll(async () => {
  for (const p of processes) await p.kill('SIGKILL');
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function settle(fleet: TestFleet, ...ingests: IngestProcess[]) {
  await fleet.stop();
  // The killed-and-restarted process replays its spool and receives its queued share; wait until all is stored.
  let last: Awaited<ReturnType<typeof verifyExactlyOnce>> | undefined;
  const report = await eventually(async () => {
    last = await verifyExactlyOnce(stack.store, fleet);
    return last.missing === 0 ? last : undefined;
  }, 120_000).catch(async (err: Error) => {
    const logs = ingests.map((p) => `--- ${p.clientId}\n${p.log}`).join('\n');
    throw new Error(`${err.message}: ${JSON.stringify(last)}\n${logs}`);
  });
  await fleet.close();
  return report;
}

test('(b) ingest killed with SIGKILL mid-stream and restarted: every acknowledged batch stored exactly once', async () => {
  const ingest = new IngestProcess(stack, 'ingest-kill-b', join(dir, 'b'), 'share-b');
  processes.push(ingest);
  await ingest.start();
  const fleet = new TestFleet(stack.mosquitto.url, stack.devices.slice(0, 15), Date.now() - 3_600_000);
  await fleet.connect();
  fleet.run(PERIOD_MS);
  for (let kill = 0; kill < 2; kill++) {
    await sleep(6000 + kill * 1700);
    await ingest.kill('SIGKILL');
    await sleep(2000);
    await ingest.start();
  }
  await sleep(5000);
  const report = await settle(fleet, ingest);
  process.stdout.write(`${JSON.stringify({ fault: 'ingest SIGKILL x2 and restart', ...report })}\n`);
  expect(report.ackedBatches).toBeGreaterThan(15 * 60);
  expect(report.unexpected).toBe(0);
  expect(report.storedSamples).toBe(report.ackedBatches * 50);
  await ingest.kill('SIGTERM');
}, 300_000);

test('(c) two ingest processes share the subscription; one is killed and restarted: exactly once', async () => {
  const a = new IngestProcess(stack, 'ingest-share-a', join(dir, 'a'), 'share-c');
  const b = new IngestProcess(stack, 'ingest-share-b', join(dir, 'c'), 'share-c');
  processes.push(a, b);
  await Promise.all([a.start(), b.start()]);
  const fleet = new TestFleet(stack.mosquitto.url, stack.devices.slice(15, 30), Date.now() - 7_200_000);
  await fleet.connect();
  fleet.run(PERIOD_MS);
  await sleep(8000);
  const accepted = async () => [
    await a.metric('restpose_ingest_accepted_batches_total'),
    await b.metric('restpose_ingest_accepted_batches_total'),
  ];
  const beforeKill = await accepted();
  await b.kill('SIGKILL');
  const aAtKill = await a.metric('restpose_ingest_accepted_batches_total');
  await sleep(8000);
  const aAfter = await a.metric('restpose_ingest_accepted_batches_total');
  await b.start();
  await sleep(6000);
  const report = await settle(fleet, a, b);
  process.stdout.write(
    `${JSON.stringify({ fault: 'two ingest processes, one SIGKILLed and restarted', acceptedBeforeKill: beforeKill, ...report })}\n`,
  );
  // Both took a share before the kill, and the survivor kept taking its share while the other was away.
  expect(beforeKill[0]).toBeGreaterThan(0);
  expect(beforeKill[1]).toBeGreaterThan(0);
  expect(aAfter).toBeGreaterThan(aAtKill);
  expect(report.ackedBatches).toBeGreaterThan(15 * 80);
  expect(report.unexpected).toBe(0);
  expect(report.storedSamples).toBe(report.ackedBatches * 50);
  await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')]);
}, 300_000);

test('(d) a member stopped with RESTPOSE_LEAVE_GROUP_ON_STOP leaves nothing behind: all stored without it', async () => {
  const a = new IngestProcess(stack, 'ingest-leave-a', join(dir, 'd-a'), 'share-d');
  const b = new IngestProcess(stack, 'ingest-leave-b', join(dir, 'd-b'), 'share-d');
  processes.push(a, b);
  await Promise.all([a.start(), b.start({ RESTPOSE_LEAVE_GROUP_ON_STOP: 'true' })]);
  const fleet = new TestFleet(stack.mosquitto.url, stack.devices.slice(30, 45), Date.now() - 10_800_000);
  await fleet.connect();
  fleet.run(PERIOD_MS);
  await sleep(6000);
  const bTook = await b.metric('restpose_ingest_accepted_batches_total');
  await b.kill('SIGTERM');
  await sleep(6000);
  // B is gone for good; A alone must end up with everything, including what was routed to B before it left.
  const report = await settle(fleet, a, b);
  process.stdout.write(`${JSON.stringify({ fault: 'a member leaves the group for good', bTook, ...report })}\n`);
  expect(bTook).toBeGreaterThan(0);
  expect(report.unexpected).toBe(0);
  expect(report.storedSamples).toBe(report.ackedBatches * 50);
  await a.kill('SIGTERM');
}, 300_000);
