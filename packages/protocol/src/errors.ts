// Machine-readable rejection codes, sent to a device on its `errors` topic and kept with dead letters.
import type { z } from 'zod';

export const REJECTION_CODES = {
  MALFORMED: 'the payload is neither a binary v1 frame nor valid JSON',
  BAD_MAGIC: 'the binary frame does not start with the magic bytes',
  UNSUPPORTED_VERSION: 'the frame version is not one this server knows',
  BAD_LENGTH: 'the payload length does not match the header, or is outside the size limits',
  BAD_CRC: 'the CRC-32 does not match the frame bytes',
  INVALID_FIELD: 'a header or JSON field is missing or out of range',
  TIMESTAMP_IN_FUTURE: 'a sample of the batch is too far ahead of the server clock',
  TIMESTAMP_TOO_OLD: 'the first-sample timestamp is before the accepted range (device clock not set)',
  WRONG_TOPIC: 'the topic is not a v1 device topic this client may publish to',
  DEVICE_MISMATCH: 'the device id in the topic is not the one the client authenticated as',
  UNKNOWN_DEVICE: 'the device is not registered or has been revoked',
} as const;

export type RejectionCode = keyof typeof REJECTION_CODES;
export const REJECTION_CODE_LIST = Object.keys(REJECTION_CODES) as [RejectionCode, ...RejectionCode[]];

export interface Rejection {
  code: RejectionCode;
  /** Human-readable detail naming the field and what was expected. */
  message: string;
  /** The frame's sequence number, when it could be read reliably (after the CRC, or from valid JSON). */
  seq?: number;
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: Rejection };

export function reject<T>(code: RejectionCode, message: string, seq?: number): DecodeResult<T> {
  return { ok: false, error: seq === undefined ? { code, message } : { code, message, seq } };
}

const MAX_ISSUES = 5;

/** One line naming each offending field ("rateUhz: Too small: expected number to be >=1000000"), at most five. */
export function issuesText(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, MAX_ISSUES).map((issue) => {
    const field = issue.path.length ? issue.path.join('.') : 'payload';
    return `${field}: ${issue.message}`;
  });
  if (issues.length > MAX_ISSUES) shown.push(`and ${issues.length - MAX_ISSUES} more`);
  return shown.join('; ');
}
