// Machine-readable rejection codes, sent to a device on its `errors` topic and kept with dead letters.

export const REJECTION_CODES = {
  MALFORMED: 'the payload is neither a binary v1 frame nor valid JSON',
  BAD_MAGIC: 'the binary frame does not start with the magic bytes',
  UNSUPPORTED_VERSION: 'the frame version is not one this server knows',
  BAD_LENGTH: 'the payload length does not match the header',
  BAD_CRC: 'the CRC-32 does not match the frame bytes',
  INVALID_FIELD: 'a header or JSON field is missing or out of range',
  TIMESTAMP_IN_FUTURE: 'the first-sample timestamp is too far ahead of the server clock',
  TIMESTAMP_TOO_OLD: 'the first-sample timestamp is before the accepted range',
  WRONG_TOPIC: 'the topic is not a v1 device topic this client may publish to',
  DEVICE_MISMATCH: 'the device id in the topic is not the one the client authenticated as',
  UNKNOWN_DEVICE: 'the device is not registered or has been revoked',
} as const;

export type RejectionCode = keyof typeof REJECTION_CODES;

export interface Rejection {
  code: RejectionCode;
  /** Human-readable detail naming the field and what was expected. */
  message: string;
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: Rejection };

export function reject<T>(code: RejectionCode, message: string): DecodeResult<T> {
  return { ok: false, error: { code, message } };
}
