// Settings shared by `simulate` (live devices) and `generate` (files): the same flag and variable mean the same.
import { z } from 'zod';

export const yesNo = z
  .enum(['yes', 'no', 'true', 'false', '1', '0'], { message: 'expected yes or no' })
  .transform((v) => v === 'yes' || v === 'true' || v === '1');

/** A number from lo to hi (hi may be Infinity); one message names the unit and the bounds. */
export function numberIn(lo: number, hi: number, unit: string, whole = false) {
  const what = whole ? `a whole number of ${unit}` : unit;
  const message = Number.isFinite(hi) ? `expected ${what} from ${lo} to ${hi}` : `expected ${what} >= ${lo}`;
  const n = z.coerce.number({ message });
  return (whole ? n.int(message) : n).min(lo, message).max(hi, message);
}

export const simSeed = {
  flag: 'seed',
  env: 'RESTPOSE_SIM_SEED',
  describe: 'random seed: the same seed and settings give the same data',
  default: '1',
  schema: z.coerce.number({ message: 'expected an integer' }).int('expected an integer'),
};

export const simRate = {
  flag: 'rate',
  env: 'RESTPOSE_SIM_RATE',
  describe: 'sample rate in Hz',
  default: '50',
  schema: numberIn(1, 400, 'a rate in Hz'),
};

export const simGyro = {
  flag: 'gyro',
  env: 'RESTPOSE_SIM_GYRO',
  describe: 'simulate a gyroscope too: yes or no',
  default: 'no',
  schema: yesNo,
};

export const simRange = {
  flag: 'range',
  env: 'RESTPOSE_SIM_RANGE',
  describe: 'accelerometer full scale in g: 2, 4, 8 or 16',
  default: '4',
  schema: z.enum(['2', '4', '8', '16'], { message: 'expected 2, 4, 8 or 16' }).transform(Number),
};

export const simRateErrorPpm = {
  flag: 'rate-error-ppm',
  env: 'RESTPOSE_SIM_RATE_ERROR_PPM',
  describe: 'sensor sample-clock error in ppm (the sensor samples this much faster than nominal)',
  default: '0',
  schema: numberIn(-100_000, 100_000, 'ppm'),
};

export const simMounting = {
  flag: 'mounting',
  env: 'RESTPOSE_SIM_MOUNTING',
  describe:
    'device on the body: body (axes aligned), random (flat on the back, any turn), or an axis map such as -y,x,z',
  default: 'body',
  schema: z
    .string()
    .regex(
      /^(body|random|\s*[+-]?[xyz]\s*,\s*[+-]?[xyz]\s*,\s*[+-]?[xyz]\s*)$/,
      'expected body, random or an axis map such as -y,x,z',
    ),
};
