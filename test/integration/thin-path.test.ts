// The thin path, real from end to end: a device publishes over MQTT (QoS 1), ingest decodes and stores,
// posture epochs are labelled, and the API returns them.
import { deviceTopic, encodeJsonFrame, hashSecret } from '@restpose/protocol';
import { connectAsync, type MqttClient } from 'mqtt';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

let system: TestSystem;
const password = 'device-secret-1';

beforeAll(async () => {
  system = await startTestSystem();
  const { store } = system;
  await store.upsertSubject({
    id: 'p1',
    studyCode: 'S-001',
    cohort: 'pilot',
    displayName: null,
    clinicianIds: [],
    createdAt: 0,
  });
  const device = { mounting: null, createdAt: 0, revokedAt: null };
  await store.upsertDevice({ id: 'dev-a', secretHash: hashSecret(password), ...device });
  await store.upsertDevice({ id: 'dev-b', secretHash: hashSecret('other'), ...device });
  await store.assignDevice({ deviceId: 'dev-a', subjectId: 'p1', from: 0, to: null });
});

afterAll(async () => {
  await system.stop();
});

async function connectDevice(username: string, secret: string): Promise<MqttClient> {
  return connectAsync(system.brokerUrl!, { username, password: secret, clientId: username, reconnectPeriod: 0 });
}

/** One second of a subject lying on the left side (body frame: +1 g along z). */
function leftSideSecond(seq: number, t0: number): string {
  const n = 50;
  return encodeJsonFrame(
    {
      seq,
      t0,
      rateHz: 50,
      ax: new Float32Array(n).fill(0.05),
      ay: new Float32Array(n).fill(-0.02),
      az: new Float32Array(n).fill(0.99),
    },
    0.061,
  );
}

test('a batch published over MQTT comes back through the API as labelled epochs', async () => {
  const device = await connectDevice('dev-a', password);
  const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 120_000; // two whole minutes ago
  for (let s = 0; s < 70; s++) {
    await device.publishAsync(deviceTopic('dev-a', 'imu'), leftSideSecond(s, t0 + s * 1000), { qos: 1 });
  }
  await device.endAsync();

  const from = new Date(t0 - 60_000).toISOString();
  const to = new Date(t0 + 120_000).toISOString();
  const epochs = await eventually(async () => {
    const res = await system.api(`/api/v1/subjects/p1/epochs?from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { epochs: Array<{ start: string; posture: string; rollDeg: number }> };
    return body.epochs.length >= 2 ? body.epochs : undefined;
  });
  // 70 s of data completes the epochs starting at t0 and t0 + 30 s; the third is still open.
  expect(epochs.map((e) => e.start)).toEqual([new Date(t0).toISOString(), new Date(t0 + 30_000).toISOString()]);
  expect(epochs.every((e) => e.posture === 'left')).toBe(true);
  expect(epochs[0]!.rollDeg).toBeGreaterThan(85);

  // QoS 1 is hop by hop: the device's PUBACK came from the broker, so wait for ingest to store the rest.
  const samples = await eventually(async () => {
    const s = await system.store.readSamples('dev-a', { from: t0, to: t0 + 70_000 });
    return s.t.length >= 70 * 50 ? s : undefined;
  });
  expect(samples.t.length).toBe(70 * 50);
  expect(samples.t[1]! - samples.t[0]!).toBeCloseTo(20, 6);
});

test('the API refuses requests without a valid bearer token', async () => {
  const none = await fetch(`${system.apiUrl}/api/v1/subjects`);
  expect(none.status).toBe(401);
  expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
  const wrong = await fetch(`${system.apiUrl}/api/v1/subjects`, { headers: { authorization: 'Bearer nope' } });
  expect(wrong.status).toBe(401);
  const ok = await system.api('/api/v1/subjects');
  // An admin sees the whole registry entry (docs/api.md, roles).
  expect(await ok.json()).toEqual({
    subjects: [{ id: 'p1', studyCode: 'S-001', cohort: 'pilot', displayName: null, clinicianIds: [] }],
  });
});

test('health reports every component', async () => {
  const res = await fetch(`${system.apiUrl}/healthz`);
  const body = (await res.json()) as { status: string; components: Record<string, { state: string }> };
  expect(res.status).toBe(200);
  expect(body.status).toBe('up');
  expect(Object.keys(body.components).sort()).toEqual(['api', 'broker', 'ingest', 'store']);
});

test('the broker refuses bad credentials and a device publishing to another device topic', async () => {
  await expect(connectDevice('dev-a', 'wrong')).rejects.toThrow();
  await expect(connectDevice('nobody', 'x')).rejects.toThrow();

  const device = await connectDevice('dev-b', 'other');
  const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
  device.publish(deviceTopic('dev-a', 'imu'), leftSideSecond(0, Date.now() - 5000), { qos: 1 });
  // aedes drops the connection of a client whose publish is not authorized.
  await closed;
  device.end(true);
  const stored = await system.store.readSamples('dev-a', { from: Date.now() - 10_000, to: Date.now() });
  expect(stored.t.length).toBe(0);
});

test('an invalid payload is rejected with a code on the device errors topic and does not block valid ones', async () => {
  const device = await connectDevice('dev-a', password);
  await device.subscribeAsync(deviceTopic('dev-a', 'errors'), { qos: 1 });
  const rejection = new Promise<Record<string, unknown>>((resolve) =>
    device.once('message', (_topic, payload) => resolve(JSON.parse(payload.toString()))),
  );
  const bad = '{"v":1,"seq":1,"t0":1795000000000,"rateHz":5000,"accScaleMg":0.061,"ax":[1],"ay":[1],"az":[1]}';
  await device.publishAsync(deviceTopic('dev-a', 'imu'), bad, { qos: 1 });
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 30_000;
  await device.publishAsync(deviceTopic('dev-a', 'imu'), leftSideSecond(99, t0), { qos: 1 });
  const error = await rejection;
  expect(error).toMatchObject({ v: 1, code: 'INVALID_FIELD', channel: 'imu', seq: 1 });
  expect(error.message).toMatch(/^rateHz: .*400/);
  expect(Math.abs((error.serverTime as number) - Date.now())).toBeLessThan(60_000);
  await device.endAsync();
  const stored = await eventually(async () => {
    const s = await system.store.readSamples('dev-a', { from: t0, to: t0 + 1000 });
    return s.t.length > 0 ? s : undefined;
  });
  expect(stored.t.length).toBe(50);
});
