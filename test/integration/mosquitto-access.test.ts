// Mosquitto with the dynamic security plugin, provisioned from the registry: a device reaches only its own topics,
// must use its device id as client id, and is cut off at once when revoked; ingest consumes through a shared
// subscription and stores what the devices send.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningMosquitto, startMosquitto } from '@restpose/harness';
import { IngestService, MosquittoAccess } from '@restpose/ingest';
import { deviceTopic, hashSecret } from '@restpose/protocol';
import { DuckDbStore } from '@restpose/store';
import type { MqttClient } from 'mqtt';
import pino from 'pino';
import { connectDevice, imuFrame, publishBatch } from '../support/devices.js';
import { eventually } from '../support/system.js';

let broker: RunningMosquitto;
let access: MosquittoAccess;
let store: DuckDbStore;
let ingest: IngestService;
let dir: string;
const secrets = { 'dev-a': 'secret-a-0123456789', 'dev-b': 'secret-b-0123456789' };
const t0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'restpose-mosq-'));
  broker = await startMosquitto({ dynsec: { adminUsername: 'admin', adminPassword: 'admin-pw' } });
  access = await MosquittoAccess.connect({ brokerUrl: broker.url, username: 'admin', password: 'admin-pw' });
  await access.provisionIngest('restpose-ingest', 'ingest-pw');
  await access.provisionDevices(Object.entries(secrets).map(([deviceId, secret]) => ({ deviceId, secret })));
  store = await DuckDbStore.open({ path: join(dir, 'store.duckdb') });
  for (const [id, secret] of Object.entries(secrets)) {
    await store.upsertDevice({ id, secretHash: hashSecret(secret), mounting: null, createdAt: 0, revokedAt: null });
  }
  ingest = new IngestService({
    brokerUrl: broker.url,
    username: 'restpose-ingest',
    password: 'ingest-pw',
    clientId: 'ingest-test-1',
    shareGroup: 'restpose-ingest',
    store,
    logger: pino({ level: 'silent' }),
    spoolDir: join(dir, 'spool'),
    epochSeconds: 0,
  });
  await ingest.start();
}, 60_000);

afterAll(async () => {
  await ingest?.stop();
  await access?.close();
  await store?.close();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const storedSamples = async (deviceId: string) =>
  (await store.readSamples(deviceId, { from: t0 - 10_000, to: t0 + 100_000 })).t.length;

test('a device publishes to its own topic; Mosquitto refuses its publish to another device topic', async () => {
  const a = await connectDevice(broker.url, 'dev-a', secrets['dev-a']);
  const b = await connectDevice(broker.url, 'dev-b', secrets['dev-b']);
  try {
    await publishBatch(a, 'dev-a', imuFrame(1, t0));
    await eventually(async () => ((await storedSamples('dev-a')) === 50 ? true : undefined));
    // MQTT 5: the broker answers the foreign publish with reason 0x87 (not authorized) and drops it.
    await expect(publishBatch(b, 'dev-a', imuFrame(2, t0 + 1000))).rejects.toMatchObject({ code: 0x87 });
    await expect(publishBatch(b, 'dev-b', Buffer.from('{}'))).resolves.toBeUndefined();
    await expect(b.publishAsync('restpose/v1/devices/dev-b/config', '{}', { qos: 1 })).rejects.toMatchObject({
      code: 0x87,
    });
    // The device's own bad payload reaches ingest and is refused there.
    await eventually(async () => ((await ingest.metrics.value(ingest.metrics.rejected)) >= 1 ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    expect(await storedSamples('dev-a')).toBe(50);
  } finally {
    await a.endAsync();
    await b.endAsync();
  }
});

test('a device must use its device id as client id, and a wrong secret is refused', async () => {
  await expect(
    connectDevice(broker.url, 'dev-a', secrets['dev-a'], { clientId: 'someone-else' }),
  ).rejects.toMatchObject({ code: 0x87 });
  // docs/protocol.md: 0x86 (bad user name or password) or 0x87 (not authorized); Mosquitto's plugin says 0x87.
  const refused = await connectDevice(broker.url, 'dev-a', 'wrong-secret').then(
    () => null,
    (err: { code?: number }) => err.code,
  );
  expect([0x86, 0x87]).toContain(refused);
});

test('revoking a device disconnects it at once and refuses it afterwards', async () => {
  const a: MqttClient = await connectDevice(broker.url, 'dev-a', secrets['dev-a']);
  const closed = new Promise<number>((resolve) => a.once('close', () => resolve(Date.now())));
  const revokedAt = Date.now();
  await access.revokeDevice('dev-a');
  expect((await closed) - revokedAt).toBeLessThan(2000);
  a.end(true);
  await expect(connectDevice(broker.url, 'dev-a', secrets['dev-a'])).rejects.toThrow();
  expect(await access.provisionedDevices()).toEqual(['dev-b']);
  // Provisioned again (a new secret at re-registration), it may connect.
  await access.provisionDevice('dev-a', 'a-new-secret-0123456789');
  const again = await connectDevice(broker.url, 'dev-a', 'a-new-secret-0123456789');
  await again.endAsync();
});

test('reconcile removes broker access the registry no longer grants and lists devices the broker lacks', async () => {
  await access.provisionDevice('stray-1', 'stray-secret-0123456789');
  const registry = [
    { id: 'dev-a', secretHash: hashSecret('x'), mounting: null, createdAt: 0, revokedAt: Date.now() },
    { id: 'dev-b', secretHash: hashSecret('x'), mounting: null, createdAt: 0, revokedAt: null },
    { id: 'dev-c', secretHash: hashSecret('x'), mounting: null, createdAt: 0, revokedAt: null },
  ];
  expect(await access.reconcile(registry)).toEqual({ revoked: ['dev-a', 'stray-1'], missing: ['dev-c'] });
  expect(await access.provisionedDevices()).toEqual(['dev-b']);
  // dev-b still reaches its own topics.
  const b = await connectDevice(broker.url, 'dev-b', secrets['dev-b']);
  await b.subscribeAsync(deviceTopic('dev-b', 'errors'), { qos: 1 });
  await b.endAsync();
});
