// `errors` (server -> device, QoS 1): why a payload the device published was refused.
import { z } from 'zod';
import { type DecodeResult, REJECTION_CODE_LIST, type Rejection } from './errors.js';
import { t0Field, uint32Field } from './frame-fields.js';
import { decodeJsonMessage, encodeJsonMessage } from './json-message.js';

const MAX_MESSAGE_CHARS = 1000;

export const deviceErrorSchema = z
  .object({
    v: z.literal(1),
    code: z.enum(REJECTION_CODE_LIST),
    /** Human-readable detail naming the field and what was expected. */
    message: z.string().min(1).max(MAX_MESSAGE_CHARS),
    /** The channel the refused payload was published on. */
    channel: z.enum(['imu', 'status']),
    /** The refused batch's sequence number, when it could be read reliably. */
    seq: uint32Field.nullable(),
    /** Server clock (UTC epoch ms) when the payload was refused; lets the device check its own clock. */
    serverTime: t0Field,
  })
  .strict();

export type DeviceError = z.infer<typeof deviceErrorSchema>;

/** The `errors` payload for a rejection: the code, the message (cut to fit), the seq when known, the server time. */
export function encodeDeviceError(rejection: Rejection, channel: DeviceError['channel'], serverTime: number): string {
  const message =
    rejection.message.length > MAX_MESSAGE_CHARS
      ? `${rejection.message.slice(0, MAX_MESSAGE_CHARS - 3)}...`
      : rejection.message;
  return encodeJsonMessage(deviceErrorSchema, {
    v: 1,
    code: rejection.code,
    message,
    channel,
    seq: rejection.seq ?? null,
    serverTime,
  });
}

export function decodeDeviceError(payload: Uint8Array): DecodeResult<DeviceError> {
  return decodeJsonMessage(deviceErrorSchema, payload);
}
