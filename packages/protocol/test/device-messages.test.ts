import {
  type DeviceConfig,
  type DeviceStatus,
  decodeDeviceConfig,
  decodeDeviceError,
  decodeDeviceStatus,
  decodeImuPayload,
  encodeBinaryFrame,
  encodeDeviceConfig,
  encodeDeviceError,
  encodeDeviceStatus,
  IDENTITY_ROTATION,
  isRotation,
} from '../src/index.js';

const NOW = Date.UTC(2026, 10, 21, 6, 0, 0);
const bytes = (s: string) => new TextEncoder().encode(s);

const status: DeviceStatus = {
  v: 1,
  t: NOW,
  firmware: 'rp-fw/1.4.2',
  uptimeS: 86_400,
  battery: { percent: 71.5, millivolts: 3890, charging: false },
  clock: { source: 'ntp', lastSyncMs: NOW - 3_600_000, lastStepMs: -42, driftPpm: 18.5 },
  buffer: { batches: 12, oldestT0: NOW - 720_000, nextSeq: 1044, dropped: 0 },
  configIssuedAt: NOW - 86_400_000,
};

/** Device x up the spine (body y), device y to the subject's right (body z), device z forward (body x). */
const sideways = [0, 0, 1, 1, 0, 0, 0, 1, 0];

const config: DeviceConfig = {
  v: 1,
  issuedAt: NOW,
  rateHz: 12.5,
  accRangeG: 4,
  gyroRangeDps: null,
  batchSeconds: 60,
  mounting: { deviceToBody: sideways },
};

test('status and config round-trip through their reference encoders', () => {
  expect(decodeDeviceStatus(bytes(encodeDeviceStatus(status)))).toEqual({ ok: true, value: status });
  expect(decodeDeviceConfig(bytes(encodeDeviceConfig(config)))).toEqual({ ok: true, value: config });
  expect(decodeDeviceConfig(bytes(encodeDeviceConfig({ ...config, mounting: null })))).toMatchObject({ ok: true });
});

test.each<[string, unknown, RegExp]>([
  ['battery over 100 %', { ...status, battery: { ...status.battery, percent: 101 } }, /^battery\.percent: /],
  ['unknown clock source', { ...status, clock: { ...status.clock, source: 'sundial' } }, /^clock\.source: /],
  ['firmware with spaces', { ...status, firmware: 'fw 1' }, /^firmware: expected 1-32 printable ASCII/],
  ['negative buffer', { ...status, buffer: { ...status.buffer, batches: -1 } }, /^buffer\.batches: /],
  ['unknown field', { ...status, temperature: 30 }, /temperature/],
])('a status with %s is rejected naming the field', (_name, message, pattern) => {
  const result = decodeDeviceStatus(bytes(JSON.stringify(message)));
  expect(result.ok || result.error.code).toBe('INVALID_FIELD');
  expect(result.ok || result.error.message).toMatch(pattern);
});

test.each<[string, unknown, RegExp]>([
  ['rate 1000 Hz', { ...config, rateHz: 1000 }, /^rateHz: /],
  ['range 3 g', { ...config, accRangeG: 3 }, /^accRangeG: /],
  ['a batch over 5000 samples', { ...config, rateHz: 100, batchSeconds: 60 }, /^batchSeconds: 6000 samples/],
  ['a mirrored mounting', { ...config, mounting: { deviceToBody: [-1, 0, 0, 0, 1, 0, 0, 0, 1] } }, /rotation/],
  ['a sheared mounting', { ...config, mounting: { deviceToBody: [1, 0.2, 0, 0, 1, 0, 0, 0, 1] } }, /rotation/],
])('a config with %s is refused by the encoder and rejected by the decoder', (_name, message, pattern) => {
  expect(() => encodeDeviceConfig(message as DeviceConfig)).toThrow(pattern);
  const result = decodeDeviceConfig(bytes(JSON.stringify(message)));
  expect(result.ok || result.error.code).toBe('INVALID_FIELD');
});

test('isRotation accepts proper rotations within rounding and nothing else', () => {
  const c = Math.cos(Math.PI / 6);
  const s = Math.sin(Math.PI / 6);
  expect(isRotation(IDENTITY_ROTATION)).toBe(true);
  expect(isRotation(sideways)).toBe(true);
  expect(isRotation([c, -s, 0, s, c, 0, 0, 0, 1].map((v) => Number(v.toFixed(4))))).toBe(true);
  expect(isRotation([0, 1, 0, 1, 0, 0, 0, 0, 1])).toBe(false); // a swap of two axes mirrors
  expect(isRotation([2, 0, 0, 0, 1, 0, 0, 0, 1])).toBe(false);
  expect(isRotation([1, 0, 0, 0, 1, 0, 0, 0])).toBe(false);
});

test('an errors message carries the code, the reason, the sequence number when known and the server time', () => {
  const frame = encodeBinaryFrame({
    seq: 77,
    t0: NOW - 1000,
    rateHz: 50,
    accScaleMg: 0.061,
    ax: new Int16Array(5),
    ay: new Int16Array(5),
    az: new Int16Array(5),
  });
  frame[31] = 1; // reserved byte: detected as a CRC mismatch, so the seq is not trusted
  const crcRejection = decodeImuPayload(frame, NOW);
  if (crcRejection.ok) throw new Error('expected a rejection');
  const decoded = decodeDeviceError(bytes(encodeDeviceError(crcRejection.error, 'imu', NOW)));
  expect(decoded).toEqual({
    ok: true,
    value: { v: 1, code: 'BAD_CRC', message: crcRejection.error.message, channel: 'imu', seq: null, serverTime: NOW },
  });

  const withSeq = encodeDeviceError({ code: 'TIMESTAMP_IN_FUTURE', message: 'x'.repeat(5000), seq: 77 }, 'imu', NOW);
  const parsed = JSON.parse(withSeq);
  expect([parsed.seq, parsed.message.length, parsed.message.endsWith('...')]).toEqual([77, 1000, true]);
});

test('small messages: wrong version, bad JSON and oversize payloads each have their code', () => {
  expect(decodeDeviceStatus(bytes('{"v":2}'))).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_VERSION' } });
  expect(decodeDeviceConfig(bytes('{"v":1'))).toMatchObject({ ok: false, error: { code: 'MALFORMED' } });
  expect(decodeDeviceStatus(new Uint8Array([0xff, 0xfe]))).toMatchObject({ ok: false, error: { code: 'MALFORMED' } });
  const big = bytes(JSON.stringify({ ...status, firmware: 'x'.repeat(5000) }));
  expect(decodeDeviceStatus(big)).toMatchObject({ ok: false, error: { code: 'BAD_LENGTH' } });
});
