// Binary v1 frames over real MQTT: a device publishes the reference encoder's bytes and ingest stores the samples;
// a corrupted frame comes back on the device's errors topic as BAD_CRC.
import { type DeviceError, deviceTopic, encodeBinaryFrame, hashSecret, type ImuFrame } from '@restpose/protocol';
import { connectAsync } from 'mqtt';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

let system: TestSystem;
const password = 'device-secret-bin';

beforeAll(async () => {
  system = await startTestSystem();
  await system.store.upsertDevice({
    id: 'bin-1',
    secretHash: hashSecret(password),
    mounting: null,
    createdAt: 0,
    revokedAt: null,
  });
});

afterAll(async () => {
  await system.stop();
});

function frame(seq: number, t0: number): ImuFrame {
  const n = 100; // 2 s at 50 Hz, with gyroscope
  const col = (f: (i: number) => number) => Int16Array.from({ length: n }, (_, i) => f(i));
  return {
    seq,
    t0,
    rateHz: 50,
    accScaleMg: 0.122, // +-4 g
    ax: col((i) => 8000 + i),
    ay: col(() => -410),
    az: col(() => 164),
    gyro: { scaleMdps: 8.75, gx: col(() => 114), gy: col(() => 0), gz: col((i) => -i) },
  };
}

test('binary frames published over MQTT are stored with their values; a corrupted one is answered with BAD_CRC', async () => {
  const device = await connectAsync(system.brokerUrl!, { clientId: 'bin-1', username: 'bin-1', password });
  await device.subscribeAsync(deviceTopic('bin-1', 'errors'), { qos: 1 });
  const errorMessage = new Promise<DeviceError>((resolve) =>
    device.once('message', (_topic, payload) => resolve(JSON.parse(payload.toString()))),
  );
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;
  const corrupted = encodeBinaryFrame(frame(5, t0 - 10_000));
  corrupted[40]! ^= 0x01;
  await device.publishAsync(deviceTopic('bin-1', 'imu'), Buffer.from(corrupted), { qos: 1 });
  for (let seq = 0; seq < 2; seq++) {
    const bytes = encodeBinaryFrame(frame(seq, t0 + seq * 2000));
    await device.publishAsync(deviceTopic('bin-1', 'imu'), Buffer.from(bytes), { qos: 1 });
  }

  const error = await errorMessage;
  expect(error).toMatchObject({ v: 1, code: 'BAD_CRC', channel: 'imu', seq: null });
  await device.endAsync();

  const stored = await eventually(async () => {
    const s = await system.store.readSamples('bin-1', { from: t0 - 20_000, to: t0 + 4000 });
    return s.t.length >= 200 ? s : undefined;
  });
  expect(stored.t.length).toBe(200);
  expect(stored.t[0]).toBe(t0);
  expect(stored.ax[1]).toBeCloseTo((8001 * 0.122) / 1000, 5);
  expect(stored.az[150]).toBeCloseTo((164 * 0.122) / 1000, 5);
});
