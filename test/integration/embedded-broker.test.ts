// The embedded aedes broker of `restpose start`: client id = device id, a device reaches only its own topics (a
// refused publish is counted with its code and answered on the device's errors topic), revocation cuts it off.
import { type DeviceError, deviceTopic, hashSecret } from '@restpose/protocol';
import { connectDevice, imuFrame, publishBatch } from '../support/devices.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

let system: TestSystem;
const secrets = { 'emb-a': 'secret-emb-a-012345', 'emb-b': 'secret-emb-b-012345' };
const connect = (id: keyof typeof secrets, clientId: string = id) =>
  connectDevice(system.brokerUrl!, id, secrets[id], { protocolVersion: 4, clientId });

beforeAll(async () => {
  system = await startTestSystem();
  for (const [id, secret] of Object.entries(secrets)) {
    await system.store.upsertDevice({
      id,
      secretHash: hashSecret(secret),
      mounting: null,
      createdAt: 0,
      revokedAt: null,
    });
  }
});

afterAll(async () => {
  await system.stop();
});

const rejected = (code: string) => system.ingest!.metrics.value(system.ingest!.metrics.rejected, { code });

test('a device must connect with its device id as client id', async () => {
  await expect(connect('emb-a', 'not-emb-a')).rejects.toThrow(/Identifier rejected/);
  const ok = await connect('emb-a');
  await ok.endAsync();
});

test.each([
  ['another device topic', deviceTopic('emb-a', 'imu'), 'DEVICE_MISMATCH'],
  ['a channel devices may not publish to', deviceTopic('emb-b', 'config'), 'WRONG_TOPIC'],
  ['a topic outside the device tree', 'somewhere/else', 'WRONG_TOPIC'],
])('a publish to %s (%s) is refused with %s and answered on the errors topic', async (_, topic, code) => {
  const before = await rejected(code);
  const b = await connect('emb-b');
  await b.subscribeAsync(deviceTopic('emb-b', 'errors'), { qos: 1 });
  const closed = new Promise<void>((resolve) => b.once('close', () => resolve()));
  const answered = new Promise<DeviceError>((resolve) =>
    b.once('message', (_t, payload) => resolve(JSON.parse(payload.toString()))),
  );
  b.publish(topic, Buffer.from(imuFrame(5, Date.now() - 5000)), { qos: 1 });
  // aedes closes the connection of a client whose publish it refuses; the answer is queued in its session.
  await closed;
  b.end(true);
  expect(await rejected(code)).toBe(before + 1);
  const again = await connect('emb-b');
  const reply = await Promise.race([
    answered,
    new Promise<DeviceError>((resolve) => again.once('message', (_t, p) => resolve(JSON.parse(p.toString())))),
  ]);
  expect(reply).toMatchObject({ v: 1, code, channel: 'imu' });
  await again.endAsync();
});

test('revoking a device and disconnecting it refuses it from then on', async () => {
  const a = await connect('emb-a');
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 3000;
  await publishBatch(a, 'emb-a', imuFrame(1, t0));
  const range = { from: t0 - 1000, to: t0 + 1000 };
  await eventually(async () => ((await system.store.readSamples('emb-a', range)).t.length === 50 ? true : undefined));
  const closed = new Promise<void>((resolve) => a.once('close', () => resolve()));
  const device = (await system.store.getDevice('emb-a'))!;
  await system.store.upsertDevice({ ...device, revokedAt: Date.now() });
  // What the API calls after marking the device revoked in the registry.
  await system.deviceAccess!.revokeDevice('emb-a');
  await closed;
  a.end(true);
  await expect(connect('emb-a')).rejects.toThrow(/Bad username or password|Not authorized/);
});
