// Entry point for any `imu` payload: picks the wire form by its first byte and never throws.
import { decodeBinaryFrame } from './binary-frame.js';
import { type DecodeResult, reject } from './errors.js';
import type { ImuBatch } from './imu-batch.js';
import { decodeJsonFrame } from './json-frame.js';

const OPEN_BRACE = 0x7b;

export function decodeImuPayload(payload: Uint8Array, nowMs: number): DecodeResult<ImuBatch> {
  try {
    if (payload.length === 0) return reject('MALFORMED', 'payload: empty');
    if (payload[0] === OPEN_BRACE) return decodeJsonFrame(payload, nowMs);
    return decodeBinaryFrame(payload, nowMs);
  } catch (err) {
    // Decoders validate before they index; this only guards against a decoder bug taking the service down.
    return reject('MALFORMED', `payload: ${(err as Error).message}`);
  }
}
