import { readFileSync } from 'node:fs';
import { MqttDevice } from '@restpose/simulator';
import type { Command } from 'commander';
import { z } from 'zod';
import { addSettingOptions } from '../command-options.js';
import { ConfigError, common, loadConfig } from '../settings.js';
import { stopOnSignals } from './start.js';

const positive = (what: string) => z.coerce.number({ message: `expected ${what}` }).positive(`expected ${what}`);

const simulateSettings = {
  dataDir: common.dataDir,
  devices: {
    flag: 'devices',
    env: 'RESTPOSE_SIM_DEVICES',
    describe: 'number of simulated devices',
    default: '3',
    schema: z.coerce.number({ message: 'expected a whole number from 1' }).int().min(1, 'expected at least 1'),
  },
  rate: {
    flag: 'rate',
    env: 'RESTPOSE_SIM_RATE',
    describe: 'sample rate in Hz',
    default: '50',
    schema: positive('a rate in Hz from 1 to 400').min(1).max(400),
  },
  speed: {
    flag: 'speed',
    env: 'RESTPOSE_SIM_SPEED',
    describe: 'data seconds per wall-clock second while uploading backfill',
    default: '1',
    schema: positive('a positive speed factor'),
  },
  backfillMinutes: {
    flag: 'backfill-minutes',
    env: 'RESTPOSE_SIM_BACKFILL_MINUTES',
    describe: 'minutes of recorded data each device uploads before streaming live',
    default: '0',
    schema: z.coerce.number({ message: 'expected minutes' }).min(0, 'expected minutes >= 0'),
  },
  broker: {
    flag: 'broker',
    env: 'RESTPOSE_SIM_BROKER',
    describe: 'broker URL',
    default: 'mqtt://127.0.0.1:1883',
    schema: z.string().regex(/^mqtts?:\/\/[^/\s]+$/, 'expected mqtt://host:port'),
  },
  credentials: {
    flag: 'credentials',
    env: 'RESTPOSE_SIM_CREDENTIALS',
    describe: 'JSON file of [{ deviceId, password }] (default <data-dir>/demo-devices.json, written by start)',
    default: (r: Record<string, unknown>) => `${r.dataDir}/demo-devices.json`,
    schema: z.string().min(1),
  },
  seed: {
    flag: 'seed',
    env: 'RESTPOSE_SIM_SEED',
    describe: 'random seed of the recordings',
    default: '1',
    schema: z.coerce.number({ message: 'expected an integer' }).int('expected an integer'),
  },
};

const credentialsSchema = z.array(z.object({ deviceId: z.string(), password: z.string() }));

function readCredentials(file: string, needed: number) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`--credentials=${file}: ${(err as Error).message}`);
  }
  const result = credentialsSchema.safeParse(parsed);
  if (!result.success) throw new ConfigError(`--credentials=${file}: expected [{ "deviceId", "password" }]`);
  if (result.data.length < needed) {
    throw new ConfigError(`--devices=${needed}: ${file} holds credentials for only ${result.data.length} devices`);
  }
  return result.data.slice(0, needed);
}

export function registerSimulate(program: Command): void {
  addSettingOptions(
    program.command('simulate').description('publish simulated lumbar IMU telemetry over MQTT from N devices'),
    simulateSettings,
  ).action(async (flags: Record<string, unknown>) => {
    const config = loadConfig(simulateSettings, flags, process.env);
    const credentials = readCredentials(config.credentials, config.devices);
    const now = Date.now();
    const devices = credentials.map(
      (c, i) =>
        new MqttDevice({
          deviceId: c.deviceId,
          password: c.password,
          brokerUrl: config.broker,
          seed: config.seed + i,
          rateHz: config.rate,
          batchSeconds: 1,
          speed: config.speed,
          startMs: Math.floor(now / 1000) * 1000 - Math.round(config.backfillMinutes * 60_000),
        }),
    );
    await Promise.all(devices.map((d) => d.start()));
    const progress = setInterval(() => {
      const published = devices.reduce((sum, d) => sum + d.progress.published, 0);
      const acked = devices.reduce((sum, d) => sum + d.progress.acknowledged, 0);
      process.stderr.write(`\r${devices.length} devices: ${published} batches published, ${acked} acknowledged`);
    }, 1000);
    stopOnSignals(
      {
        stop: async () => {
          clearInterval(progress);
          await Promise.all(devices.map((d) => d.stop()));
          process.stderr.write('\n');
        },
      },
      (line) => process.stderr.write(`\n${line}\n`),
    );
  });
}
