import { crc32 as zlibCrc32 } from 'node:zlib';
import {
  decodeBinaryFrame,
  decodeImuPayload,
  encodeBinaryFrame,
  encodeJsonFrame,
  type ImuFrame,
  LIMITS,
  quantizeBatch,
} from '../src/index.js';

const NOW = Date.UTC(2026, 10, 21, 6, 0, 0);

function frame(n: number, gyro: boolean, t0 = NOW - 60_000): ImuFrame {
  const col = (f: (i: number) => number) => Int16Array.from({ length: n }, (_, i) => f(i));
  return {
    seq: 0xfffffffe,
    t0,
    rateHz: 12.5,
    accScaleMg: 0.061,
    ax: col((i) => 16384 - i),
    ay: col((i) => -820 + 3 * i),
    az: col((i) => (i % 2 ? 32767 : -32768)),
    gyro: gyro ? { scaleMdps: 8.75, gx: col((i) => i), gy: col(() => 114), gz: col((i) => -i * 7) } : undefined,
  };
}

/** Rewrites the CRC after a test edits the header, so the frame reaches field validation. */
function withCrc(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  view.setUint32(bytes.length - 4, zlibCrc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

function edited(f: ImuFrame, edit: (view: DataView) => void): Uint8Array {
  const bytes = encodeBinaryFrame(f);
  edit(new DataView(bytes.buffer));
  return withCrc(bytes);
}

function rejection(bytes: Uint8Array, now = NOW) {
  const result = decodeImuPayload(bytes, now);
  if (result.ok) throw new Error('expected a rejection');
  return result.error;
}

test.each([false, true])('a binary frame (gyro %s) round-trips: header fields, and counts times the scale', (gyro) => {
  const f = frame(300, gyro);
  const bytes = encodeBinaryFrame(f);
  expect(bytes.length).toBe(32 + 300 * (gyro ? 12 : 6) + 4);
  const decoded = decodeImuPayload(bytes, NOW);
  if (!decoded.ok) throw new Error(decoded.error.message);
  const b = decoded.value;
  expect([b.seq, b.t0, b.rateHz]).toEqual([0xfffffffe, NOW - 60_000, 12.5]);
  for (let i = 0; i < 300; i++) {
    // float32 carries the scale and the result: within one float32 rounding of the exact product.
    expect(b.ax[i]).toBeCloseTo((f.ax[i]! * 0.061) / 1000, 6);
    expect(b.az[i]).toBeCloseTo((f.az[i]! * 0.061) / 1000, 6);
  }
  expect(b.az[0]).toBeCloseTo(-1.998848, 6); // -32768 counts at +-2 g
  if (gyro) expect(b.gyro!.gz[10]).toBeCloseTo((-70 * 8.75) / 1000, 6);
  else expect(b.gyro).toBeUndefined();
});

test('the binary and JSON forms of one frame decode to identical values', () => {
  const f = frame(500, true);
  const binary = decodeImuPayload(encodeBinaryFrame(f), NOW);
  const json = decodeImuPayload(new TextEncoder().encode(encodeJsonFrame(f)), NOW);
  expect(binary.ok && json.ok).toBe(true);
  expect(json).toEqual(binary);
});

test('a frame decodes the same at an odd byte offset (DataView path) as at an even one (Int16Array path)', () => {
  const bytes = encodeBinaryFrame(frame(64, true));
  const decodeAt = (offset: number) => {
    const host = new Uint8Array(bytes.length + 8);
    host.set(bytes, offset);
    return decodeBinaryFrame(host.subarray(offset, offset + bytes.length), NOW);
  };
  expect(decodeAt(3)).toEqual(decodeAt(2));
  expect(decodeAt(3).ok).toBe(true);
});

test('quantizeBatch then encodeBinaryFrame round-trips a batch in g within half a count', () => {
  const n = 100;
  const ax = Float32Array.from({ length: n }, (_, i) => Math.sin(i / 7) * 1.5);
  const batch = { seq: 1, t0: NOW - 10_000, rateHz: 50, ax, ay: ax.map((v) => -v), az: new Float32Array(n).fill(3) };
  const decoded = decodeImuPayload(encodeBinaryFrame(quantizeBatch(batch, 0.061)), NOW);
  if (!decoded.ok) throw new Error(decoded.error.message);
  for (let i = 0; i < n; i++) expect(Math.abs(decoded.value.ax[i]! - ax[i]!)).toBeLessThanOrEqual(0.0000306);
  // 3 g does not fit +-2 g: clamped at full scale rather than wrapped.
  expect(decoded.value.az[0]).toBeCloseTo((32767 * 0.061) / 1000, 5);
});

test('the header layout: magic, version, little-endian fields at their documented offsets', () => {
  const bytes = encodeBinaryFrame(frame(3, false));
  const view = new DataView(bytes.buffer);
  expect([bytes[0], bytes[1], bytes[2], bytes[3]]).toEqual([0xa5, 0x52, 1, 0]);
  expect(view.getUint32(4, true)).toBe(0xfffffffe);
  expect(view.getBigUint64(8, true)).toBe(BigInt(NOW - 60_000));
  expect(view.getUint32(16, true)).toBe(12_500_000);
  expect(view.getFloat32(20, true)).toBeCloseTo(0.061, 7);
  expect(view.getFloat32(24, true)).toBe(0);
  expect([view.getUint16(28, true), bytes[30], bytes[31]]).toEqual([3, 1, 0]);
  expect([view.getInt16(32, true), view.getInt16(34, true), view.getInt16(36, true)]).toEqual([16384, -820, -32768]);
  expect(view.getUint32(bytes.length - 4, true)).toBe(zlibCrc32(bytes.subarray(0, bytes.length - 4)));
});

describe('every header field is bounded, with a specific code and the field named', () => {
  const f = frame(10, false);
  test.each<[string, (v: DataView) => void, string, RegExp]>([
    ['unknown flag bit', (v) => v.setUint8(3, 0x02), 'INVALID_FIELD', /^flags: unknown flag bits/],
    ['rate 0.5 Hz', (v) => v.setUint32(16, 500_000, true), 'INVALID_FIELD', /^rateUhz: .*1000000/],
    ['rate 400.000001 Hz', (v) => v.setUint32(16, 400_000_001, true), 'INVALID_FIELD', /^rateUhz: .*400000000/],
    ['accelerometer scale 0', (v) => v.setFloat32(20, 0, true), 'INVALID_FIELD', /^accScaleMg: /],
    ['accelerometer scale NaN', (v) => v.setFloat32(20, Number.NaN, true), 'INVALID_FIELD', /^accScaleMg: /],
    ['accelerometer scale 11 mg', (v) => v.setFloat32(20, 11, true), 'INVALID_FIELD', /^accScaleMg: .*10/],
    ['gyro scale without gyro', (v) => v.setFloat32(24, 8.75, true), 'INVALID_FIELD', /^gyroScaleMdps: must be 0/],
    ['count 0', (v) => v.setUint16(28, 0, true), 'INVALID_FIELD', /^count: /],
    ['count 5001', (v) => v.setUint16(28, 5001, true), 'INVALID_FIELD', /^count: .*5000/],
    ['layout 2', (v) => v.setUint8(30, 2), 'INVALID_FIELD', /^layout: unknown channel layout/],
    ['reserved byte set', (v) => v.setUint8(31, 1), 'INVALID_FIELD', /^reserved: must be 0/],
    ['t0 beyond 2^53', (v) => v.setUint32(12, 0x00300000, true), 'INVALID_FIELD', /^t0: /],
    [
      'count 11 for 10 samples',
      (v) => v.setUint16(28, 11, true),
      'BAD_LENGTH',
      /96 bytes, but count 11 with 3 channels makes 102/,
    ],
    ['t0 in 1970 (clock not set)', (v) => v.setBigUint64(8, 1000n, true), 'TIMESTAMP_TOO_OLD', /1970-01-01/],
    ['t0 at an RTC reset to 2000', (v) => v.setBigUint64(8, 946684800000n, true), 'TIMESTAMP_TOO_OLD', /2000-01-01/],
  ])('%s', (_name, edit, code, message) => {
    const error = rejection(edited(f, edit));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.seq).toBe(0xfffffffe); // the CRC passed, so the sequence number is reliable
  });

  test('gyroscope flag with a zero or out-of-range gyroscope scale', () => {
    const g = frame(10, true);
    for (const scale of [0, 0.05, 2000]) {
      const error = rejection(edited(g, (v) => v.setFloat32(24, scale, true)));
      expect([error.code, error.message]).toEqual([
        'INVALID_FIELD',
        `gyroScaleMdps: expected 0.1-1000 mdps/LSB with flags bit 0 set, got ${Math.fround(scale)}`,
      ]);
    }
  });
});

test('framing errors: magic, version, length and CRC each have their own code', () => {
  const bytes = encodeBinaryFrame(frame(10, false));
  const patched = (at: number, value: number) => {
    const copy = bytes.slice();
    copy[at] = value;
    return copy;
  };
  expect(rejection(patched(0, 0x00))).toMatchObject({ code: 'BAD_MAGIC', message: /got 0x00 0x52/ });
  expect(rejection(patched(2, 2))).toMatchObject({ code: 'UNSUPPORTED_VERSION', message: /version: 2 / });
  expect(rejection(bytes.subarray(0, 35)).code).toBe('BAD_LENGTH');
  expect(rejection(bytes.subarray(0, 2)).code).toBe('BAD_LENGTH');
  const crc = rejection(patched(40, bytes[40]! ^ 0x10));
  expect(crc.code).toBe('BAD_CRC');
  expect(crc.seq).toBeUndefined(); // an unverified header's sequence number is not reported
  const tooBig = new Uint8Array(60_100);
  tooBig.set(bytes.subarray(0, 32));
  expect(rejection(withCrc(tooBig))).toMatchObject({ code: 'BAD_LENGTH', message: /largest v1 frame/ });
});

test('timestamps: no sample may be more than 5 minutes ahead of the server clock', () => {
  // 12.5 Hz: sample 10 is 800 ms after t0.
  const ahead = (t0: number) => decodeImuPayload(encodeBinaryFrame(frame(11, false, t0)), NOW);
  expect(ahead(NOW + LIMITS.maxFutureMs - 800).ok).toBe(true);
  const late = ahead(NOW + LIMITS.maxFutureMs - 799);
  expect(late.ok || late.error).toMatchObject({ code: 'TIMESTAMP_IN_FUTURE', message: /2026-11-21T06:05:00.001Z/ });
});

test('the reference encoder refuses what the wire format cannot carry', () => {
  const f = frame(4, false);
  expect(() => encodeBinaryFrame({ ...f, ay: new Int16Array(3) })).toThrow(/same length/);
  expect(() => encodeBinaryFrame({ ...f, seq: -1 })).toThrow(/seq/);
  expect(() => encodeBinaryFrame({ ...f, t0: 1.5 })).toThrow(/t0/);
  expect(() => encodeBinaryFrame({ ...f, rateHz: 5000 })).toThrow(/rateHz/);
});
