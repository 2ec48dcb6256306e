// `status` (device -> server, QoS 1): battery, firmware, clock quality and what the device still holds in flash.
import { z } from 'zod';
import type { DecodeResult } from './errors.js';
import { t0Field, uint32Field } from './frame-fields.js';
import { decodeJsonMessage, encodeJsonMessage } from './json-message.js';

/** Where the device clock was last set from; `unset` means it runs from power-on and timestamps are not usable. */
export const CLOCK_SOURCES = ['ntp', 'gnss', 'gateway', 'manual', 'unset'] as const;

export const deviceStatusSchema = z
  .object({
    v: z.literal(1),
    /** Device clock, UTC epoch ms, when the status was made. */
    t: t0Field,
    firmware: z.string().regex(/^[\x21-\x7e]{1,32}$/, 'expected 1-32 printable ASCII characters'),
    uptimeS: z.number().int().min(0).max(0xffffffff),
    battery: z
      .object({
        percent: z.number().min(0).max(100),
        millivolts: z.number().int().min(0).max(10_000).nullable(),
        charging: z.boolean(),
      })
      .strict(),
    clock: z
      .object({
        source: z.enum(CLOCK_SOURCES),
        /** Device clock at the last synchronization; null if never synchronized. */
        lastSyncMs: t0Field.nullable(),
        /** Step applied at the last synchronization (reference minus device clock, ms). */
        lastStepMs: z.number().min(-86_400_000).max(86_400_000).nullable(),
        /** The device's own drift estimate, parts per million (positive: device clock runs fast). */
        driftPpm: z.number().min(-1000).max(1000).nullable(),
      })
      .strict(),
    buffer: z
      .object({
        /** Batches in flash not yet acknowledged (PUBACK) by the broker. */
        batches: z.number().int().min(0).max(10_000_000),
        /** First-sample time of the oldest of them; null when the buffer is empty. */
        oldestT0: t0Field.nullable(),
        /** The sequence number the next new batch will carry. */
        nextSeq: uint32Field,
        /** Batches discarded unsent since boot because flash was full (oldest first); never silently. */
        dropped: z.number().int().min(0).max(0xffffffff),
      })
      .strict(),
    /** `issuedAt` of the config the device runs with; null before it has received one. */
    configIssuedAt: t0Field.nullable(),
  })
  .strict();

export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

/** Reference encoder; throws a RangeError naming the fields out of range. */
export function encodeDeviceStatus(status: DeviceStatus): string {
  return encodeJsonMessage(deviceStatusSchema, status);
}

export function decodeDeviceStatus(payload: Uint8Array): DecodeResult<DeviceStatus> {
  return decodeJsonMessage(deviceStatusSchema, payload);
}
