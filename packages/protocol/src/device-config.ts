// `config` (server -> device, retained, QoS 1): how the device samples and batches, and how it is worn.
import { z } from 'zod';
import type { DecodeResult } from './errors.js';
import { rateHzField, t0Field } from './frame-fields.js';
import { decodeJsonMessage, encodeJsonMessage } from './json-message.js';
import { LIMITS } from './limits.js';

export const ACC_RANGES_G = [2, 4, 8, 16] as const;
export const GYRO_RANGES_DPS = [125, 250, 500, 1000, 2000] as const;

/** Row-major 3x3 rotation R taking device axes to body axes: body = R * device. */
export type Rotation = [number, number, number, number, number, number, number, number, number];

export const IDENTITY_ROTATION: Rotation = [1, 0, 0, 0, 1, 0, 0, 0, 1];

const ROTATION_TOLERANCE = 1e-3;

/** Orthonormal rows and determinant +1 (a proper rotation, no mirror), within a tolerance for rounded decimals. */
export function isRotation(r: readonly number[]): boolean {
  if (r.length !== 9) return false;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const dot = r[3 * i]! * r[3 * j]! + r[3 * i + 1]! * r[3 * j + 1]! + r[3 * i + 2]! * r[3 * j + 2]!;
      if (Math.abs(dot - (i === j ? 1 : 0)) > ROTATION_TOLERANCE) return false;
    }
  }
  const [a, b, c, d, e, f, g, h, k] = r as Rotation;
  const det = a * (e * k - f * h) - b * (d * k - f * g) + c * (d * h - e * g);
  return Math.abs(det - 1) <= ROTATION_TOLERANCE;
}

export const mountingSchema = z
  .object({
    deviceToBody: z
      .array(z.number().min(-1).max(1))
      .length(9)
      .refine(isRotation, 'expected a rotation: orthonormal rows, determinant +1'),
  })
  .strict();

export const deviceConfigSchema = z
  .object({
    v: z.literal(1),
    /** Server time the config was issued (UTC epoch ms); it identifies the config, and status echoes it. */
    issuedAt: t0Field,
    rateHz: rateHzField,
    accRangeG: z.literal(ACC_RANGES_G),
    /** null: gyroscope off (frames without gyro channels). */
    gyroRangeDps: z.literal(GYRO_RANGES_DPS).nullable(),
    /** Batch length; a batch holds round(rateHz * batchSeconds) samples. */
    batchSeconds: z.number().min(1).max(600),
    /** null: the server estimates the mounting from the data. */
    mounting: mountingSchema.nullable(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const samples = Math.round(c.rateHz * c.batchSeconds);
    if (samples > LIMITS.maxSamples) {
      const message = `${samples} samples per batch at ${c.rateHz} Hz; at most ${LIMITS.maxSamples} fit in a frame`;
      ctx.addIssue({ code: 'custom', path: ['batchSeconds'], message });
    }
  });

export type DeviceConfig = z.infer<typeof deviceConfigSchema>;

/** Reference encoder; throws a RangeError naming the fields out of range. */
export function encodeDeviceConfig(config: DeviceConfig): string {
  return encodeJsonMessage(deviceConfigSchema, config);
}

export function decodeDeviceConfig(payload: Uint8Array): DecodeResult<DeviceConfig> {
  return decodeJsonMessage(deviceConfigSchema, payload);
}
