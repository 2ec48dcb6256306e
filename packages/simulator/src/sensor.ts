// The IMU's own errors: per-axis offset and scale, white noise, quantization to int16 at the configured range
// (and an optional lower ADC resolution), and an optional gyroscope with bias and noise.
import { ACC_RANGES_G, GYRO_RANGES_DPS } from '@restpose/protocol';
import { z } from 'zod';
import { deriveSeed, Random } from './random.js';

const vec3 = z.tuple([z.number(), z.number(), z.number()]);

/** The sensor as simulated: what a calibration should recover. */
export const sensorSchema = z.object({
  /** Full scale, +-g. */
  rangeG: z.number().refine((v) => (ACC_RANGES_G as readonly number[]).includes(v), 'expected 2, 4, 8 or 16'),
  /** Effective ADC bits (16: every int16 count; 12: counts move in steps of 16). */
  bits: z.number().int().min(8).max(16),
  /** mg per LSB of the int16 counts: rangeG * 1000 / 32768. */
  accScaleMg: z.number().positive(),
  /** White noise SD per axis, mg. */
  noiseMg: z.number().nonnegative(),
  /** Zero-g offset per device axis, mg. */
  offsetMg: vec3,
  /** Gain per device axis (1 = exact): reading = offset + gain * true. */
  gain: vec3,
  gyro: z
    .object({
      rangeDps: z.number().positive(),
      /** mdps per LSB: rangeDps * 1000 / 32768. */
      scaleMdps: z.number().positive(),
      noiseDps: z.number().nonnegative(),
      biasDps: vec3,
    })
    .nullable(),
});
export type Sensor = z.infer<typeof sensorSchema>;

export const sensorOptionsSchema = z.object({
  rangeG: z.number().default(4),
  bits: z.number().int().min(8).max(16).default(16),
  noiseMg: z.number().nonnegative().default(2.5),
  /** SD of the per-axis offsets drawn for the device, mg (or give `offsetMg`). */
  offsetSdMg: z.number().nonnegative().default(15),
  /** SD of the per-axis gain error (0.01 = 1%). */
  gainSd: z.number().nonnegative().default(0.01),
  offsetMg: vec3.optional(),
  gain: vec3.optional(),
  gyro: z.boolean().default(false),
  gyroRangeDps: z.number().default(500),
  gyroNoiseDps: z.number().nonnegative().default(0.07),
  gyroBiasSdDps: z.number().nonnegative().default(0.5),
});
export type SensorOptions = z.input<typeof sensorOptionsSchema>;

/** Draws a device's sensor errors from a seed; explicit offsets and gains win over drawn ones. */
export function createSensor(seed: number, options: SensorOptions = {}): Sensor {
  const o = sensorOptionsSchema.parse(options);
  if (!(ACC_RANGES_G as readonly number[]).includes(o.rangeG)) throw new Error('rangeG: expected 2, 4, 8 or 16');
  if (!(GYRO_RANGES_DPS as readonly number[]).includes(o.gyroRangeDps)) {
    throw new Error('gyroRangeDps: expected 125, 250, 500, 1000 or 2000');
  }
  const r = new Random(deriveSeed(seed, 'sensor'));
  const draw3 = (sd: number, mean = 0): [number, number, number] => [
    r.normal(mean, sd),
    r.normal(mean, sd),
    r.normal(mean, sd),
  ];
  const offsetMg = draw3(o.offsetSdMg);
  const gain = draw3(o.gainSd, 1);
  const biasDps = draw3(o.gyroBiasSdDps);
  return {
    rangeG: o.rangeG,
    bits: o.bits,
    accScaleMg: (o.rangeG * 1000) / 32768,
    noiseMg: o.noiseMg,
    offsetMg: o.offsetMg ?? offsetMg,
    gain: o.gain ?? gain,
    gyro: o.gyro
      ? { rangeDps: o.gyroRangeDps, scaleMdps: (o.gyroRangeDps * 1000) / 32768, noiseDps: o.gyroNoiseDps, biasDps }
      : null,
  };
}

// Module-level copies of Math functions: under a vm context (Jest) every lookup of the global `Math` is a slow
// interceptor call, which made hot loops tens of times slower.
const { round, min, max } = Math;

/** Quantizes a value to int16 counts of `lsb` with `bits` effective bits, saturating at the range. */
export function quantize(value: number, lsb: number, step: number): number {
  const counts = round(value / (lsb * step)) * step;
  return min(32768 - step, max(-32768, counts));
}
