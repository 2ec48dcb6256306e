// Settings shared by `simulate` (live devices) and `generate` (files): the same flag and variable mean the same.
import { z } from 'zod';

export const yesNo = z
  .enum(['yes', 'no', 'true', 'false', '1', '0'], { message: 'expected yes or no' })
  .transform((v) => v === 'yes' || v === 'true' || v === '1');

const number = (what: string) => z.coerce.number({ message: `expected ${what}` });

export const simSeed = {
  flag: 'seed',
  env: 'RESTPOSE_SIM_SEED',
  describe: 'random seed: the same seed and settings give the same data',
  default: '1',
  schema: number('an integer').int('expected an integer'),
};

export const simRate = {
  flag: 'rate',
  env: 'RESTPOSE_SIM_RATE',
  describe: 'sample rate in Hz',
  default: '50',
  schema: number('a rate in Hz from 1 to 400')
    .min(1, 'expected a rate in Hz from 1 to 400')
    .max(400, 'expected a rate in Hz from 1 to 400'),
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
  schema: number('ppm from -100000 to 100000')
    .min(-100_000, 'expected ppm from -100000 to 100000')
    .max(100_000, 'expected ppm from -100000 to 100000'),
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
