// 10,000 malformed or random payloads interleaved with valid traffic, through real Mosquitto into real InfluxDB:
// nothing crashes, every bad payload is refused with the code docs/protocol.md gives for what is wrong with it
// (counted, kept as a dead letter, answered on the device's errors topic), and every valid batch is stored once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IngestService } from '@restpose/ingest';
import { crc32, deviceTopic, REJECTION_CODE_LIST } from '@restpose/protocol';
import pino from 'pino';
import { imuFrame } from '../support/devices.js';
import { TestFleet, verifyExactlyOnce } from '../support/fleet.js';
import { INGEST_PASSWORD, INGEST_USER, type IngestStack, startIngestStack } from '../support/ingest-stack.js';
import { eventually } from '../support/system.js';

const DEVICES = 10;
const BAD_TOTAL = 10_000;

let stack: IngestStack;
let ingest: IngestService;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'restpose-bad-'));
  stack = await startIngestStack(DEVICES, 'bad');
}, 120_000);

afterAll(async () => {
  await ingest?.stop(1000);
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A small seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const resealed = (bytes: Uint8Array) => {
  const out = Buffer.from(bytes);
  out.writeUInt32LE(crc32(out.subarray(0, out.length - 4)), out.length - 4);
  return out;
};

/**
 * Kinds of bad payload, each with the code the protocol's check order (docs/protocol.md, "Limits and checks")
 * gives it; `null` for random bytes behind a valid magic and version, whose code depends on the bytes.
 */
function badPayload(kind: number, random: () => number, now: number): { payload: Buffer; code: string | null } {
  const valid = () => Buffer.from(imuFrame(1 + Math.floor(random() * 1e6), now - 60_000));
  const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  switch (kind) {
    case 0: {
      const bytes = randomBytes(1 + Math.floor(random() * 400));
      if (bytes[0] === 0xa5 || bytes[0] === 0x7b) bytes[0] = 0x00;
      return { payload: bytes, code: 'BAD_MAGIC' };
    }
    case 1: {
      const bytes = valid();
      bytes[2] = 2 + Math.floor(random() * 250);
      return { payload: bytes, code: 'UNSUPPORTED_VERSION' };
    }
    case 2:
      return { payload: valid().subarray(0, 3 + Math.floor(random() * 30)), code: 'BAD_LENGTH' };
    case 3: {
      const bytes = valid();
      bytes[32 + Math.floor(random() * (bytes.length - 36))] ^= 1 + Math.floor(random() * 255);
      return { payload: bytes, code: 'BAD_CRC' };
    }
    case 4: {
      const bytes = valid();
      bytes.writeUInt32LE(500_000_000, 16); // 500 Hz, above the 400 Hz limit
      return { payload: resealed(bytes), code: 'INVALID_FIELD' };
    }
    case 5:
      return { payload: Buffer.from(imuFrame(7, Date.UTC(2019, 5, 1))), code: 'TIMESTAMP_TOO_OLD' };
    case 6:
      return { payload: Buffer.from(imuFrame(8, now + 10 * 60_000)), code: 'TIMESTAMP_IN_FUTURE' };
    case 7:
      return { payload: Buffer.from(`{"v":1,"seq":${Math.floor(random() * 100)},`), code: 'MALFORMED' };
    default:
      return {
        payload: Buffer.concat([Buffer.from([0xa5, 0x52, 0x01]), randomBytes(Math.floor(random() * 2000))]),
        code: null,
      };
  }
}

test('10,000 bad payloads interleaved with valid traffic: each refused with its code, every valid batch stored', async () => {
  ingest = new IngestService({
    brokerUrl: stack.mosquitto.url,
    username: INGEST_USER,
    password: INGEST_PASSWORD,
    clientId: 'ingest-bad-1',
    shareGroup: 'restpose-ingest',
    store: stack.store,
    logger: pino({ level: 'silent' }),
    spoolDir: join(dir, 'spool'),
    epochSeconds: 0,
    deadLettersPerHour: BAD_TOTAL, // keep every one, so the test can count them in the store
  });
  await ingest.start();
  const fleet = new TestFleet(stack.mosquitto.url, stack.devices, Math.floor(Date.now() / 1000) * 1000 - 600_000);
  await fleet.connect();
  const answers = new Map<string, number>();
  for (const d of stack.devices) {
    const client = fleet.client(d.deviceId);
    await client.subscribeAsync(deviceTopic(d.deviceId, 'errors'), { qos: 1 });
    client.on('message', () => answers.set(d.deviceId, (answers.get(d.deviceId) ?? 0) + 1));
  }
  const startedAt = Date.now();
  fleet.run(250);

  const random = rng(20261121);
  const expected = new Map<string, number>();
  let unpredicted = 0;
  const sent: Promise<unknown>[] = [];
  for (let i = 0; i < BAD_TOTAL; i++) {
    const { payload, code } = badPayload(i % 9, random, Date.now());
    if (code) expected.set(code, (expected.get(code) ?? 0) + 1);
    else unpredicted++;
    const device = stack.devices[i % DEVICES]!.deviceId;
    sent.push(fleet.client(device).publishAsync(deviceTopic(device, 'imu'), payload, { qos: 1 }));
    if (i % 200 === 199) {
      await Promise.all(sent.splice(0));
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await Promise.all(sent);
  await new Promise((r) => setTimeout(r, 3000));
  await fleet.stop();

  const m = ingest.metrics;
  const rejectedByCode = async () => {
    const counts: Record<string, number> = {};
    for (const code of REJECTION_CODE_LIST) counts[code] = await m.value(m.rejected, { code });
    return counts;
  };
  await eventually(async () => {
    const total = Object.values(await rejectedByCode()).reduce((a, b) => a + b, 0);
    return total >= BAD_TOTAL ? true : undefined;
  }, 60_000);
  const counts = await rejectedByCode();
  // Every predicted refusal has its predicted code; the random ones account for the rest, and nothing else.
  let surplus = 0;
  for (const code of REJECTION_CODE_LIST) {
    const diff = counts[code]! - (expected.get(code) ?? 0);
    expect([code, diff >= 0]).toEqual([code, true]);
    surplus += diff;
  }
  expect(surplus).toBe(unpredicted);

  // Kept as dead letters with their reasons, and answered on each device's errors topic.
  const letters = await eventually(async () => {
    const all = await stack.store.queryDeadLetters({
      range: { from: startedAt - 1000, to: Date.now() + 1000 },
      limit: 20_000,
    });
    return all.length >= BAD_TOTAL ? all : undefined;
  }, 60_000);
  expect(letters).toHaveLength(BAD_TOTAL);
  const lettersByCode: Record<string, number> = {};
  for (const l of letters) lettersByCode[l.code] = (lettersByCode[l.code] ?? 0) + 1;
  expect(lettersByCode).toEqual(Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)));
  expect(letters.every((l) => l.reason.length > 0 && l.deviceId !== null)).toBe(true);
  await eventually(
    async () => ([...answers.values()].reduce((a, b) => a + b, 0) >= BAD_TOTAL ? true : undefined),
    30_000,
  );

  // The valid traffic went through untouched.
  await eventually(async () => ((await m.value(m.storedBatches)) >= fleet.ackedCount ? true : undefined), 60_000);
  const report = await verifyExactlyOnce(stack.store, fleet);
  await fleet.close();
  process.stdout.write(`${JSON.stringify({ badPayloads: BAD_TOTAL, rejected: counts, ...report })}\n`);
  expect(report.ackedBatches).toBeGreaterThan(DEVICES * 20);
  expect(report.missing).toBe(0);
  expect(report.unexpected).toBe(0);
  expect(report.storedSamples).toBe(report.ackedBatches * 50);
}, 240_000);
