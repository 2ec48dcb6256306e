// JSON form of an IMU batch, for prototyping firmware: the header fields and int16 sample columns.
import { z } from 'zod';
import { type DecodeResult, reject } from './errors.js';
import type { ImuBatch } from './imu-batch.js';
import { LIMITS } from './limits.js';

const int16Column = z.array(z.number().int().min(-32768).max(32767)).max(LIMITS.maxSamples);

export const jsonFrameSchema = z
  .object({
    v: z.literal(1),
    seq: z.number().int().min(0).max(0xffffffff),
    t0: z.number().int().min(LIMITS.minTimestampMs),
    rate: z.number().min(LIMITS.minRateHz).max(LIMITS.maxRateHz),
    accScale: z.number().min(LIMITS.minAccScaleMg).max(LIMITS.maxAccScaleMg),
    gyroScale: z.number().min(LIMITS.minGyroScaleMdps).max(LIMITS.maxGyroScaleMdps).optional(),
    ax: int16Column.min(1),
    ay: int16Column.min(1),
    az: int16Column.min(1),
    gx: int16Column.optional(),
    gy: int16Column.optional(),
    gz: int16Column.optional(),
  })
  .strict();

export type JsonFrame = z.infer<typeof jsonFrameSchema>;

function issueText(issue: z.core.$ZodIssue): string {
  const field = issue.path.length ? issue.path.join('.') : 'frame';
  return `${field}: ${issue.message}`;
}

function scaled(counts: number[], scale: number): Float32Array {
  const out = new Float32Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i]! * scale;
  return out;
}

export function decodeJsonFrame(text: string, nowMs: number): DecodeResult<ImuBatch> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return reject('MALFORMED', 'payload: not valid JSON');
  }
  const parsed = jsonFrameSchema.safeParse(raw);
  if (!parsed.success) return reject('INVALID_FIELD', parsed.error.issues.map(issueText).join('; '));
  const f = parsed.data;
  const n = f.ax.length;
  if (f.ay.length !== n || f.az.length !== n) return reject('INVALID_FIELD', `ay, az: expected ${n} samples like ax`);
  const gyroColumns = [f.gx, f.gy, f.gz];
  const gyroCount = gyroColumns.filter((c) => c !== undefined).length;
  if (gyroCount !== 0 && gyroCount !== 3) return reject('INVALID_FIELD', 'gx, gy, gz: expected all three or none');
  if (gyroCount === 3 && f.gyroScale === undefined)
    return reject('INVALID_FIELD', 'gyroScale: required with gx, gy, gz');
  if (gyroCount === 3 && gyroColumns.some((c) => c!.length !== n))
    return reject('INVALID_FIELD', `gx, gy, gz: expected ${n} samples like ax`);
  if (f.t0 > nowMs + LIMITS.maxFutureMs)
    return reject('TIMESTAMP_IN_FUTURE', `t0: ${new Date(f.t0).toISOString()} is more than 5 min ahead of the server`);

  const g = f.accScale / 1000;
  const batch: ImuBatch = {
    seq: f.seq,
    t0: f.t0,
    rateHz: f.rate,
    ax: scaled(f.ax, g),
    ay: scaled(f.ay, g),
    az: scaled(f.az, g),
  };
  if (gyroCount === 3) {
    const dps = f.gyroScale! / 1000;
    batch.gyro = { gx: scaled(f.gx!, dps), gy: scaled(f.gy!, dps), gz: scaled(f.gz!, dps) };
  }
  return { ok: true, value: batch };
}

function counts(values: Float32Array, scale: number): number[] {
  return Array.from(values, (v) => Math.max(-32768, Math.min(32767, Math.round(v / scale))));
}

/** Reference encoder for the JSON form: acceleration in g quantized at accScale mg/LSB. */
export function encodeJsonFrame(batch: ImuBatch, accScaleMg: number, gyroScaleMdps?: number): string {
  const g = accScaleMg / 1000;
  const frame: JsonFrame = {
    v: 1,
    seq: batch.seq,
    t0: batch.t0,
    rate: batch.rateHz,
    accScale: accScaleMg,
    ax: counts(batch.ax, g),
    ay: counts(batch.ay, g),
    az: counts(batch.az, g),
  };
  if (batch.gyro && gyroScaleMdps !== undefined) {
    const dps = gyroScaleMdps / 1000;
    Object.assign(frame, {
      gyroScale: gyroScaleMdps,
      gx: counts(batch.gyro.gx, dps),
      gy: counts(batch.gyro.gy, dps),
      gz: counts(batch.gyro.gz, dps),
    });
  }
  return JSON.stringify(frame);
}
