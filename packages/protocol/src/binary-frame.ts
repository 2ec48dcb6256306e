// Binary frame v1 of an `imu` batch: a fixed 32-byte little-endian header, interleaved int16 samples, CRC-32.
// The layout is specified byte for byte in docs/protocol.md; encodeBinaryFrame is the reference encoder.
import { z } from 'zod';
import { crc32 } from './crc32.js';
import { type DecodeResult, issuesText, reject } from './errors.js';
import {
  accScaleField,
  checkBatchTime,
  countField,
  gyroScaleField,
  rateFromMicrohertz,
  rateToMicrohertz,
  t0Field,
  uint32Field,
  wireScale,
} from './frame-fields.js';
import type { ImuBatch, ImuFrame } from './imu-batch.js';
import { LIMITS } from './limits.js';

/** 0xA5 can never start UTF-8 text (it is a continuation byte), so no JSON document starts like a binary frame. */
export const BINARY_MAGIC = [0xa5, 0x52] as const;
export const BINARY_VERSION = 1;
export const HEADER_BYTES = 32;
export const CRC_BYTES = 4;
/** flags bit 0: gyroscope channels follow the accelerometer channels of each sample. */
export const FLAG_GYRO = 0x01;
/** Channel layout 1: per sample ax, ay, az, then gx, gy, gz when FLAG_GYRO is set. */
export const LAYOUT_INTERLEAVED = 1;

/** Byte offsets of the header fields; every field sits at a multiple of its own size. */
export const HEADER_OFFSETS = {
  magic: 0,
  version: 2,
  flags: 3,
  seq: 4,
  t0: 8,
  rateUhz: 16,
  accScaleMg: 20,
  gyroScaleMdps: 24,
  count: 28,
  layout: 30,
  reserved: 31,
} as const;

const O = HEADER_OFFSETS;
const TWO_POW_32 = 2 ** 32;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The header fields after magic and version, as read from the wire. */
export interface BinaryHeader {
  flags: number;
  seq: number;
  t0: number;
  rateUhz: number;
  accScaleMg: number;
  gyroScaleMdps: number;
  count: number;
  layout: number;
  reserved: number;
}

export const binaryHeaderSchema = z
  .object({
    flags: z
      .number()
      .int()
      .refine((f) => (f & ~FLAG_GYRO) === 0, 'unknown flag bits; v1 defines only bit 0 (gyroscope)'),
    seq: uint32Field,
    t0: t0Field,
    rateUhz: z.number().int().min(rateToMicrohertz(LIMITS.minRateHz)).max(rateToMicrohertz(LIMITS.maxRateHz)),
    accScaleMg: accScaleField,
    gyroScaleMdps: z.number(),
    count: countField,
    layout: z.literal(LAYOUT_INTERLEAVED, `unknown channel layout; v1 defines ${LAYOUT_INTERLEAVED} (interleaved)`),
    reserved: z.literal(0, 'must be 0'),
  })
  .superRefine((h, ctx) => {
    if (h.flags & FLAG_GYRO) {
      if (!gyroScaleField.safeParse(h.gyroScaleMdps).success) {
        const { minGyroScaleMdps: min, maxGyroScaleMdps: max } = LIMITS;
        const message = `expected ${min}-${max} mdps/LSB with flags bit 0 set, got ${h.gyroScaleMdps}`;
        ctx.addIssue({ code: 'custom', path: ['gyroScaleMdps'], message });
      }
    } else if (h.gyroScaleMdps !== 0) {
      ctx.addIssue({ code: 'custom', path: ['gyroScaleMdps'], message: 'must be 0 when flags bit 0 is clear' });
    }
  });

function channels(flags: number): number {
  return flags & FLAG_GYRO ? 6 : 3;
}

/** Total bytes of a frame with this many samples. */
export function binaryFrameBytes(count: number, gyro: boolean): number {
  return HEADER_BYTES + 2 * (gyro ? 6 : 3) * count + CRC_BYTES;
}

function readHeader(view: DataView): BinaryHeader {
  return {
    flags: view.getUint8(O.flags),
    seq: view.getUint32(O.seq, true),
    t0: view.getUint32(O.t0, true) + view.getUint32(O.t0 + 4, true) * TWO_POW_32,
    rateUhz: view.getUint32(O.rateUhz, true),
    accScaleMg: view.getFloat32(O.accScaleMg, true),
    gyroScaleMdps: view.getFloat32(O.gyroScaleMdps, true),
    count: view.getUint16(O.count, true),
    layout: view.getUint8(O.layout),
    reserved: view.getUint8(O.reserved),
  };
}

const hex = (n: number, digits: number) => `0x${n.toString(16).toUpperCase().padStart(digits, '0')}`;

/** Decodes a binary v1 frame; every failure is a Rejection with a specific code, never an exception. */
export function decodeBinaryFrame(bytes: Uint8Array, nowMs: number): DecodeResult<ImuBatch> {
  const length = bytes.length;
  if (length < 2 || bytes[0] !== BINARY_MAGIC[0] || bytes[1] !== BINARY_MAGIC[1]) {
    const got = Array.from(bytes.subarray(0, 2), (b) => hex(b, 2)).join(' ') || 'nothing';
    return reject('BAD_MAGIC', `magic: expected 0xA5 0x52 (binary v1) or "{" (JSON), got ${got}`);
  }
  if (length < 3) return reject('BAD_LENGTH', `payload: ${length} bytes ends before the version byte`);
  if (bytes[2] !== BINARY_VERSION) {
    return reject('UNSUPPORTED_VERSION', `version: ${bytes[2]} is not known; this server reads version 1`);
  }
  if (length < HEADER_BYTES + CRC_BYTES) {
    return reject('BAD_LENGTH', `payload: ${length} bytes is shorter than the 32-byte header and 4-byte CRC`);
  }
  if (length > binaryFrameBytes(LIMITS.maxSamples, true)) {
    return reject('BAD_LENGTH', `payload: ${length} bytes is more than the largest v1 frame`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  // The CRC covers everything before it and is checked first: whatever the header says, it is what was sent.
  const crcAt = length - CRC_BYTES;
  const sent = view.getUint32(crcAt, true);
  const actual = crc32(bytes.subarray(0, crcAt));
  if (sent !== actual) {
    return reject('BAD_CRC', `crc32: frame carries ${hex(sent, 8)}, its bytes give ${hex(actual, 8)}`);
  }

  const header = readHeader(view);
  const parsed = binaryHeaderSchema.safeParse(header);
  if (!parsed.success) return reject('INVALID_FIELD', issuesText(parsed.error.issues), header.seq);
  const { flags, seq, t0, count } = header;
  const expected = binaryFrameBytes(count, (flags & FLAG_GYRO) !== 0);
  if (length !== expected) {
    return reject(
      'BAD_LENGTH',
      `payload: ${length} bytes, but count ${count} with ${channels(flags)} channels makes ${expected}`,
      seq,
    );
  }
  const rateHz = rateFromMicrohertz(header.rateUhz);
  const late = checkBatchTime(t0, count, rateHz, nowMs);
  if (late) return reject(late.code, late.message, seq);

  return { ok: true, value: readSamples(bytes, view, header, rateHz) };
}

function readSamples(bytes: Uint8Array, view: DataView, header: BinaryHeader, rateHz: number): ImuBatch {
  const { count: n, flags } = header;
  const stride = channels(flags);
  const acc = wireScale(header.accScaleMg);
  const batch: ImuBatch = {
    seq: header.seq,
    t0: header.t0,
    rateHz,
    ax: new Float32Array(n),
    ay: new Float32Array(n),
    az: new Float32Array(n),
  };
  const start = bytes.byteOffset + HEADER_BYTES;
  // An Int16Array view needs an even offset and a little-endian host; otherwise read through the DataView.
  const samples = LITTLE_ENDIAN_HOST && (start & 1) === 0 ? new Int16Array(bytes.buffer, start, n * stride) : undefined;
  scaleChannels(samples, view, stride, 0, acc, batch.ax, batch.ay, batch.az);
  if (stride === 6) {
    const gyro = { gx: new Float32Array(n), gy: new Float32Array(n), gz: new Float32Array(n) };
    scaleChannels(samples, view, stride, 3, wireScale(header.gyroScaleMdps), gyro.gx, gyro.gy, gyro.gz);
    batch.gyro = gyro;
  }
  return batch;
}

/** De-interleaves three channels starting at `first` into x, y, z, as count * scale / 1000. */
function scaleChannels(
  samples: Int16Array | undefined,
  view: DataView,
  stride: number,
  first: number,
  scale: number,
  x: Float32Array,
  y: Float32Array,
  z: Float32Array,
): void {
  const n = x.length;
  if (samples) {
    for (let i = 0, j = first; i < n; i++, j += stride) {
      x[i] = (samples[j]! * scale) / 1000;
      y[i] = (samples[j + 1]! * scale) / 1000;
      z[i] = (samples[j + 2]! * scale) / 1000;
    }
    return;
  }
  const step = 2 * stride;
  for (let i = 0, at = HEADER_BYTES + 2 * first; i < n; i++, at += step) {
    x[i] = (view.getInt16(at, true) * scale) / 1000;
    y[i] = (view.getInt16(at + 2, true) * scale) / 1000;
    z[i] = (view.getInt16(at + 4, true) * scale) / 1000;
  }
}

function sameLength(frame: ImuFrame): boolean {
  const n = frame.ax.length;
  const columns = [frame.ay, frame.az, frame.gyro?.gx, frame.gyro?.gy, frame.gyro?.gz];
  return columns.every((c) => c === undefined || c.length === n);
}

/**
 * Reference encoder: the exact bytes a v1 device sends for this frame. It checks only that the values fit the wire
 * format (it throws a RangeError naming the field otherwise); decodeImuPayload applies the server's limits.
 */
export function encodeBinaryFrame(frame: ImuFrame): Uint8Array {
  const n = frame.ax.length;
  if (!sameLength(frame)) throw new RangeError('ax, ay, az, gx, gy, gz: every column needs the same length');
  if (n > 0xffff) throw new RangeError(`count: ${n} samples do not fit in uint16`);
  const fits = uint32Field.safeParse(frame.seq).success && t0Field.safeParse(frame.t0).success;
  if (!fits) throw new RangeError('seq, t0: expected a uint32 sequence number and a non-negative integer ms time');
  const rateUhz = rateToMicrohertz(frame.rateHz);
  if (!(rateUhz >= 0 && rateUhz <= 0xffffffff))
    throw new RangeError(`rateHz: ${frame.rateHz} does not fit in uint32 uHz`);

  const gyro = frame.gyro;
  const stride = gyro ? 6 : 3;
  const bytes = new Uint8Array(binaryFrameBytes(n, gyro !== undefined));
  const view = new DataView(bytes.buffer);
  bytes.set(BINARY_MAGIC, O.magic);
  view.setUint8(O.version, BINARY_VERSION);
  view.setUint8(O.flags, gyro ? FLAG_GYRO : 0);
  view.setUint32(O.seq, frame.seq, true);
  view.setUint32(O.t0, frame.t0 % TWO_POW_32, true);
  view.setUint32(O.t0 + 4, Math.floor(frame.t0 / TWO_POW_32), true);
  view.setUint32(O.rateUhz, rateUhz, true);
  view.setFloat32(O.accScaleMg, frame.accScaleMg, true);
  view.setFloat32(O.gyroScaleMdps, gyro ? gyro.scaleMdps : 0, true);
  view.setUint16(O.count, n, true);
  view.setUint8(O.layout, LAYOUT_INTERLEAVED);
  view.setUint8(O.reserved, 0);
  const columns = gyro ? [frame.ax, frame.ay, frame.az, gyro.gx, gyro.gy, gyro.gz] : [frame.ax, frame.ay, frame.az];
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < stride; c++) view.setInt16(HEADER_BYTES + 2 * (i * stride + c), columns[c]![i]!, true);
  }
  const crcAt = bytes.length - CRC_BYTES;
  view.setUint32(crcAt, crc32(bytes.subarray(0, crcAt)), true);
  return bytes;
}
