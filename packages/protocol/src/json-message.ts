// Decoding and encoding of JSON payloads (the JSON imu form, status, config, errors), all versioned by `v`.
import type { z } from 'zod';
import { type DecodeResult, issuesText, reject } from './errors.js';
import { uint32Field } from './frame-fields.js';
import { LIMITS } from './limits.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function field(raw: unknown, name: string): unknown {
  return typeof raw === 'object' && raw !== null && name in raw ? (raw as Record<string, unknown>)[name] : undefined;
}

/**
 * Validates a JSON payload against its schema; never throws. Rejections carry the payload's `seq` when it has a
 * valid one, so a device can tell which batch was refused.
 */
export function decodeJsonMessage<S extends z.ZodType>(
  schema: S,
  payload: Uint8Array,
  maxBytes: number = LIMITS.maxMessageBytes,
): DecodeResult<z.output<S>> {
  if (payload.length > maxBytes) {
    return reject('BAD_LENGTH', `payload: ${payload.length} bytes of JSON is over the ${maxBytes} limit`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(utf8.decode(payload));
  } catch {
    return reject('MALFORMED', 'payload: not valid UTF-8 JSON');
  }
  const seq = field(raw, 'seq');
  const knownSeq = uint32Field.safeParse(seq).success ? (seq as number) : undefined;
  const version = field(raw, 'v');
  if (version !== undefined && version !== 1) {
    return reject('UNSUPPORTED_VERSION', `v: ${JSON.stringify(version)} is not known; this server reads 1`, knownSeq);
  }
  const result = schema.safeParse(raw);
  if (!result.success) return reject('INVALID_FIELD', issuesText(result.error.issues), knownSeq);
  return { ok: true, value: result.data };
}

/** Reference encoder: validates the message and serializes it; a RangeError names the offending fields. */
export function encodeJsonMessage<S extends z.ZodType>(schema: S, message: z.input<S>): string {
  const result = schema.safeParse(message);
  if (!result.success) throw new RangeError(issuesText(result.error.issues));
  return JSON.stringify(result.data);
}
