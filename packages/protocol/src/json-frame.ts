// JSON form of an IMU batch, for prototyping firmware: the binary header's fields and int16 sample columns.
import { z } from 'zod';
import { type DecodeResult, reject } from './errors.js';
import {
  accScaleField,
  checkBatchTime,
  gyroScaleField,
  rateFromMicrohertz,
  rateHzField,
  rateToMicrohertz,
  t0Field,
  uint32Field,
  wireScale,
} from './frame-fields.js';
import { type ImuBatch, type ImuFrame, quantizeBatch } from './imu-batch.js';
import { decodeJsonMessage } from './json-message.js';
import { LIMITS } from './limits.js';

const int16Column = z.array(z.number().int().min(-32768).max(32767)).max(LIMITS.maxSamples);
const GYRO = ['gx', 'gy', 'gz'] as const;

export const jsonFrameSchema = z
  .object({
    v: z.literal(1),
    seq: uint32Field,
    t0: t0Field,
    rateHz: rateHzField,
    accScaleMg: accScaleField,
    gyroScaleMdps: gyroScaleField.optional(),
    ax: int16Column.min(1),
    ay: int16Column.min(1),
    az: int16Column.min(1),
    gx: int16Column.optional(),
    gy: int16Column.optional(),
    gz: int16Column.optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    const n = f.ax.length;
    const mismatch = (['ay', 'az', ...GYRO] as const).filter((c) => f[c] !== undefined && f[c].length !== n);
    for (const c of mismatch) ctx.addIssue({ code: 'custom', path: [c], message: `expected ${n} samples like ax` });
    const gyroColumns = GYRO.filter((c) => f[c] !== undefined).length;
    if (gyroColumns !== 0 && gyroColumns !== 3) {
      ctx.addIssue({ code: 'custom', path: ['gx, gy, gz'], message: 'expected all three or none' });
    }
    if ((gyroColumns === 3) !== (f.gyroScaleMdps !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['gyroScaleMdps'],
        message: 'expected exactly when gx, gy, gz are present',
      });
    }
  });

export type JsonFrame = z.infer<typeof jsonFrameSchema>;

function scaled(counts: number[], scale: number): Float32Array {
  const out = new Float32Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = (counts[i]! * scale) / 1000;
  return out;
}

/** Decodes the JSON form (UTF-8 bytes); every failure is a Rejection with a specific code, never an exception. */
export function decodeJsonFrame(payload: Uint8Array, nowMs: number): DecodeResult<ImuBatch> {
  const parsed = decodeJsonMessage(jsonFrameSchema, payload, LIMITS.maxJsonBytes);
  if (!parsed.ok) return parsed;
  const f = parsed.value;
  const rateHz = rateFromMicrohertz(rateToMicrohertz(f.rateHz));
  const late = checkBatchTime(f.t0, f.ax.length, rateHz, nowMs);
  if (late) return reject(late.code, late.message, f.seq);

  const acc = wireScale(f.accScaleMg);
  const batch: ImuBatch = {
    seq: f.seq,
    t0: f.t0,
    rateHz,
    ax: scaled(f.ax, acc),
    ay: scaled(f.ay, acc),
    az: scaled(f.az, acc),
  };
  if (f.gx && f.gy && f.gz && f.gyroScaleMdps !== undefined) {
    const dps = wireScale(f.gyroScaleMdps);
    batch.gyro = { gx: scaled(f.gx, dps), gy: scaled(f.gy, dps), gz: scaled(f.gz, dps) };
  }
  return { ok: true, value: batch };
}

/** Reference encoder for the JSON form of a frame of int16 counts. */
export function encodeJsonFrame(frame: ImuFrame): string;
/** Quantizes a batch in g (and deg/s) at the given scales and encodes it; same as encodeJsonFrame(quantizeBatch(...)). */
export function encodeJsonFrame(batch: ImuBatch, accScaleMg: number, gyroScaleMdps?: number): string;
export function encodeJsonFrame(input: ImuFrame | ImuBatch, accScaleMg?: number, gyroScaleMdps?: number): string {
  const frame =
    accScaleMg === undefined ? (input as ImuFrame) : quantizeBatch(input as ImuBatch, accScaleMg, gyroScaleMdps);
  const { gyro } = frame;
  const json: JsonFrame = {
    v: 1,
    seq: frame.seq,
    t0: frame.t0,
    rateHz: frame.rateHz,
    accScaleMg: frame.accScaleMg,
    ...(gyro && { gyroScaleMdps: gyro.scaleMdps }),
    ax: Array.from(frame.ax),
    ay: Array.from(frame.ay),
    az: Array.from(frame.az),
    ...(gyro && { gx: Array.from(gyro.gx), gy: Array.from(gyro.gy), gz: Array.from(gyro.gz) }),
  };
  return JSON.stringify(json);
}
