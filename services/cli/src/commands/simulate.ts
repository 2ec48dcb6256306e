// `restpose simulate`: simulated devices publishing real MQTT telemetry (docs/simulator.md).
// Devices replay the recent past at --speed (never data from the future), then stream live unless --live no.
import { readFileSync } from 'node:fs';
import { createPerson, DeviceFleet, recentNightsStart } from '@restpose/simulator';
import type { Command } from 'commander';
import { z } from 'zod';
import { addSettingOptions } from '../command-options.js';
import { showFleetProgress } from '../fleet-progress.js';
import { ConfigError, common, loadConfig } from '../settings.js';
import { numberIn, simGyro, simRange, simRate, simRateErrorPpm, simSeed, yesNo } from '../sim-settings.js';
import { stopOnSignals } from './start.js';

const INF = Number.POSITIVE_INFINITY;

const simulateSettings = {
  dataDir: common.dataDir,
  devices: {
    flag: 'devices',
    env: 'RESTPOSE_SIM_DEVICES',
    describe: 'number of simulated devices',
    default: '3',
    schema: numberIn(1, INF, 'devices', true),
  },
  rate: simRate,
  speed: {
    flag: 'speed',
    env: 'RESTPOSE_SIM_SPEED',
    describe: 'data seconds per wall-clock second while replaying the past; max: as fast as the broker acknowledges',
    default: '1',
    // zod numbers exclude Infinity, so "max" is checked by hand.
    schema: z.string().transform((s, ctx) => {
      const speed = s === 'max' ? Number.POSITIVE_INFINITY : Number(s);
      if (speed > 0) return speed;
      ctx.addIssue({ code: 'custom', message: 'expected a positive number or max' });
      return z.NEVER;
    }),
  },
  backfillMinutes: {
    flag: 'backfill-minutes',
    env: 'RESTPOSE_SIM_BACKFILL_MINUTES',
    describe: 'minutes of recorded data each device uploads before streaming live',
    default: '0',
    schema: numberIn(0, INF, 'minutes'),
  },
  nights: {
    flag: 'nights',
    env: 'RESTPOSE_SIM_NIGHTS',
    describe: "replay each subject's last N nights (from 30 min before bed) instead of --backfill-minutes",
    default: '0',
    schema: numberIn(0, 60, 'nights', true),
  },
  live: {
    flag: 'live',
    env: 'RESTPOSE_SIM_LIVE',
    describe: 'keep streaming live after catching up with the clock (no: exit once everything is acknowledged)',
    default: 'yes',
    schema: yesNo,
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
  seed: simSeed,
  signal: {
    flag: 'signal',
    env: 'RESTPOSE_SIM_SIGNAL',
    describe:
      'physical (full simulation per device), loop (a shared pre-rendered night, cheap) or auto (loop above 50 devices)',
    default: 'auto',
    schema: z.enum(['physical', 'loop', 'auto'], { message: 'expected physical, loop or auto' }),
  },
  encoding: {
    flag: 'encoding',
    env: 'RESTPOSE_SIM_ENCODING',
    describe: 'imu frame form: binary (v1) or json',
    default: 'binary',
    schema: z.enum(['binary', 'json'], { message: 'expected binary or json' }),
  },
  gyro: simGyro,
  range: simRange,
  rateErrorPpm: simRateErrorPpm,
  driftPpm: {
    flag: 'drift-ppm',
    env: 'RESTPOSE_SIM_DRIFT_PPM',
    describe: 'device real-time clock drift in ppm (set again at every reconnect)',
    default: '0',
    schema: numberIn(-1000, 1000, 'ppm'),
  },
  jitterMs: {
    flag: 'jitter-ms',
    env: 'RESTPOSE_SIM_JITTER_MS',
    describe: 'each batch is sent up to this many ms late (uniform)',
    default: '0',
    schema: numberIn(0, 60_000, 'milliseconds'),
  },
  dropRate: {
    flag: 'drop-rate',
    env: 'RESTPOSE_SIM_DROP_RATE',
    describe: 'share of batches lost before sending (sequence gaps), 0-1',
    default: '0',
    schema: numberIn(0, 1, 'a share'),
  },
  duplicateRate: {
    flag: 'duplicate-rate',
    env: 'RESTPOSE_SIM_DUPLICATE_RATE',
    describe: 'share of batches sent twice (same seq and bytes), 0-1',
    default: '0',
    schema: numberIn(0, 1, 'a share'),
  },
  reconnectEverySeconds: {
    flag: 'reconnect-every-seconds',
    env: 'RESTPOSE_SIM_RECONNECT_EVERY_SECONDS',
    describe: 'mean data seconds between connection losses (0: never); unacknowledged batches are resent',
    default: '0',
    schema: numberIn(0, INF, 'seconds'),
  },
  outageSeconds: {
    flag: 'outage-seconds',
    env: 'RESTPOSE_SIM_OUTAGE_SECONDS',
    describe: 'mean length of a connection loss in data seconds',
    default: '20',
    schema: numberIn(0.1, INF, 'seconds'),
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
    program
      .command('simulate')
      .description('simulated lumbar IMU devices publishing real MQTT telemetry: replay the recent past, then live'),
    simulateSettings,
  ).action(async (flags: Record<string, unknown>) => {
    const config = loadConfig(simulateSettings, flags, process.env);
    const credentials = readCredentials(config.credentials, config.devices);
    const now = Date.now();
    const backfillStart = Math.floor((now - config.backfillMinutes * 60_000) / 1000) * 1000;
    const fleet = new DeviceFleet({
      brokerUrl: config.broker,
      seed: config.seed,
      devices: credentials.map((c, i) => {
        const seed = config.seed + i;
        const person = createPerson(seed);
        const startMs = config.nights > 0 ? recentNightsStart(seed, person, now, config.nights) : backfillStart;
        return { deviceId: c.deviceId, password: c.password, seed, person, startMs };
      }),
      rateHz: config.rate,
      speed: config.speed,
      startMs: backfillStart,
      live: config.live,
      signal: config.signal,
      encoding: config.encoding,
      sensor: { gyro: config.gyro, rangeG: config.range },
      realism: {
        clockDriftPpm: config.driftPpm,
        sampleRateErrorPpm: config.rateErrorPpm,
        jitterMs: config.jitterMs,
        dropRate: config.dropRate,
        duplicateRate: config.duplicateRate,
        reconnectEveryS: config.reconnectEverySeconds,
        outageS: config.outageSeconds,
      },
    });
    try {
      await fleet.start();
    } catch (err) {
      throw new ConfigError(`--broker=${config.broker}: ${(err as Error).message}`);
    }
    const stopDisplay = showFleetProgress(fleet);
    if (!config.live) {
      await fleet.settled(24 * 3_600_000);
      stopDisplay();
      await fleet.stop();
      process.exit(0);
    }
    stopOnSignals(
      {
        stop: async () => {
          stopDisplay();
          await fleet.stop();
        },
      },
      (line) => process.stderr.write(`\n${line}\n`),
    );
  });
}
