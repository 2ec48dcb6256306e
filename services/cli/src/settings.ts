// Every setting is read from a flag, else an environment variable, else its default, and validated with zod.
// A bad value stops the process with one line naming where it came from and what was expected.
import { hostname } from 'node:os';
import { retentionHours } from '@restpose/store';
import { z } from 'zod';

export interface Setting<T> {
  /** Flag name without dashes, e.g. "api-port". */
  flag: string;
  env: string;
  describe: string;
  /** Raw default, parsed by the schema like any other input; may depend on settings read before it. */
  default?: string | ((resolved: Record<string, unknown>) => string);
  schema: z.ZodType<T>;
  /** Kept out of help output and error messages. */
  secret?: boolean;
}

export type Settings = Record<string, Setting<unknown>>;
export type ConfigOf<S extends Settings> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

export class ConfigError extends Error {}

const port = z.coerce
  .number({ message: 'expected an integer from 0 to 65535' })
  .int('expected an integer from 0 to 65535')
  .min(0, 'expected an integer from 0 to 65535')
  .max(65535, 'expected an integer from 0 to 65535');

export const common = {
  dataDir: {
    flag: 'data-dir',
    env: 'RESTPOSE_DATA_DIR',
    describe: 'directory for the embedded database, the admin token and demo credentials',
    default: './data',
    schema: z.string().min(1, 'expected a directory path'),
  },
  logLevel: {
    flag: 'log-level',
    env: 'RESTPOSE_LOG_LEVEL',
    describe: 'log level: fatal, error, warn, info, debug or trace',
    default: 'info',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'], {
      message: 'expected one of fatal, error, warn, info, debug, trace',
    }),
  },
} satisfies Settings;

export const storeSettings = {
  store: {
    flag: 'store',
    env: 'RESTPOSE_STORE',
    describe: 'storage backend: duckdb (embedded file) or influxdb (server, 1.x HTTP API)',
    default: 'duckdb',
    schema: z.enum(['duckdb', 'influxdb'], { message: 'expected duckdb or influxdb' }),
  },
  duckdbPath: {
    flag: 'duckdb-path',
    env: 'RESTPOSE_DUCKDB_PATH',
    describe: 'DuckDB database file (default <data-dir>/restpose.duckdb)',
    default: (r) => `${r.dataDir}/restpose.duckdb`,
    schema: z.string().min(1, 'expected a file path'),
  },
  influxUrl: {
    flag: 'influx-url',
    env: 'RESTPOSE_INFLUX_URL',
    describe: 'InfluxDB 1.x HTTP API base URL, with --store influxdb',
    default: 'http://127.0.0.1:8086',
    schema: z.string().regex(/^https?:\/\/[^/\s]+(\/\S*)?$/, 'expected http://host:port or https://host:port'),
  },
  influxDatabase: {
    flag: 'influx-database',
    env: 'RESTPOSE_INFLUX_DATABASE',
    describe: 'InfluxDB database, created with its retention policies if missing',
    default: 'restpose',
    schema: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1-64 letters, digits, "_" or "-"'),
  },
  influxUsername: {
    flag: 'influx-username',
    env: 'RESTPOSE_INFLUX_USERNAME',
    describe: 'InfluxDB user, when the server has authentication enabled',
    schema: z.string().min(1, 'expected a user name').optional(),
  },
  influxPassword: {
    flag: 'influx-password',
    env: 'RESTPOSE_INFLUX_PASSWORD',
    describe: 'password of the InfluxDB user',
    schema: z.string().min(1, 'expected a password').optional(),
    secret: true,
  },
  influxRawRetention: {
    flag: 'influx-raw-retention',
    env: 'RESTPOSE_INFLUX_RAW_RETENTION',
    describe: 'how long InfluxDB keeps raw samples and dead letters: e.g. 90d, 12w, 720h or INF',
    default: '90d',
    schema: z.string().refine((v) => retentionHours(v) !== null, 'expected a duration such as 90d, 12w, 720h, or INF'),
  },
} satisfies Settings;

export const brokerSettings = {
  mqttHost: {
    flag: 'mqtt-host',
    env: 'RESTPOSE_MQTT_HOST',
    describe: 'address the embedded MQTT broker listens on',
    default: '127.0.0.1',
    schema: z.string().min(1, 'expected a host name or address'),
  },
  mqttPort: {
    flag: 'mqtt-port',
    env: 'RESTPOSE_MQTT_PORT',
    describe: 'port of the embedded MQTT broker (0 picks a free one)',
    default: '1883',
    schema: port,
  },
  brokerUrl: {
    flag: 'broker-url',
    env: 'RESTPOSE_BROKER_URL',
    describe: 'an external broker (e.g. mqtt://mosquitto:1883) instead of the embedded one',
    schema: z
      .string()
      .regex(/^mqtts?:\/\/[^/\s]+$/, 'expected mqtt://host:port or mqtts://host:port')
      .optional(),
  },
  ingestUsername: {
    flag: 'ingest-username',
    env: 'RESTPOSE_INGEST_USERNAME',
    describe: 'MQTT username of the ingest service on an external broker',
    default: 'restpose-ingest',
    schema: z.string().min(1, 'expected a user name'),
  },
  ingestPassword: {
    flag: 'ingest-password',
    env: 'RESTPOSE_INGEST_PASSWORD',
    describe: 'MQTT password of the ingest service on an external broker',
    schema: z.string().min(1, 'expected a password').optional(),
    secret: true,
  },
  dynsecUsername: {
    flag: 'dynsec-username',
    env: 'RESTPOSE_DYNSEC_USERNAME',
    describe: "Mosquitto's dynamic security admin (made by mosquitto_ctrl dynsec init)",
    default: 'admin',
    schema: z.string().min(1, 'expected a user name'),
  },
  dynsecPassword: {
    flag: 'dynsec-password',
    env: 'RESTPOSE_DYNSEC_PASSWORD',
    describe:
      "the dynamic security admin's password; with an external broker, the API then gives devices it registers, rotates or revokes their broker access at once",
    schema: z.string().min(1, 'expected a password').optional(),
    secret: true,
  },
  shareGroup: {
    flag: 'share-group',
    env: 'RESTPOSE_SHARE_GROUP',
    describe: 'shared-subscription group on an external broker, so ingest processes split the load',
    default: 'restpose-ingest',
    schema: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, "_" or "-"'),
  },
  epochSeconds: {
    flag: 'epoch-seconds',
    env: 'RESTPOSE_EPOCH_SECONDS',
    describe: 'posture epoch length in seconds',
    default: '30',
    schema: z.coerce.number({ message: 'expected a number of seconds' }).min(1, 'expected at least 1 second').max(300),
  },
} satisfies Settings;

const BYTE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
const byteSize = z
  .string()
  .transform((text, ctx) => {
    const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim());
    if (!match) {
      ctx.addIssue({ code: 'custom', message: 'expected a size such as 2G, 500M or 1048576 (bytes)' });
      return z.NEVER;
    }
    return Math.floor(Number(match[1]) * BYTE_UNITS[match[2]!.toUpperCase()]!);
  })
  .pipe(z.number().min(1024 * 1024, 'expected at least 1M'));

const wholeNumber = (what: string, min: number, max: number) =>
  z.coerce
    .number({ message: `expected ${what}` })
    .int(`expected ${what}`)
    .min(min, `expected ${what}`)
    .max(max, `expected ${what}`);

/** The ingest service's own settings (with an external broker: `restpose ingest`; in `restpose start` too). */
export const ingestSettings = {
  ingestClientId: {
    flag: 'ingest-client-id',
    env: 'RESTPOSE_INGEST_CLIENT_ID',
    describe: 'fixed MQTT client id of this ingest process; unique per process and stable across restarts',
    default: `restpose-ingest-${hostname().replace(/[^A-Za-z0-9_.-]/g, '-')}`,
    schema: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected 1-64 letters, digits, "_", "." or "-"'),
  },
  spoolDir: {
    flag: 'spool-dir',
    env: 'RESTPOSE_SPOOL_DIR',
    describe: 'spool directory of this ingest process (default <data-dir>/spool)',
    default: (r) => `${r.dataDir}/spool`,
    schema: z.string().min(1, 'expected a directory path'),
  },
  spoolMaxBytes: {
    flag: 'spool-max-bytes',
    env: 'RESTPOSE_SPOOL_MAX_BYTES',
    describe: 'bound of the spool on disk; when full, batches stay unacknowledged at the broker',
    default: '2G',
    schema: byteSize,
  },
  spoolFsync: {
    flag: 'spool-fsync',
    env: 'RESTPOSE_SPOOL_FSYNC',
    describe: 'interval (acknowledge once written, fsync periodically) or always (acknowledge once fsynced)',
    default: 'interval',
    schema: z.enum(['interval', 'always'], { message: 'expected interval or always' }),
  },
  spoolFsyncIntervalMs: {
    flag: 'spool-fsync-interval-ms',
    env: 'RESTPOSE_SPOOL_FSYNC_INTERVAL_MS',
    describe: 'with --spool-fsync interval: milliseconds between fsyncs',
    default: '100',
    schema: wholeNumber('milliseconds from 1 to 10000', 1, 10_000),
  },
  mqttSessionExpiry: {
    flag: 'mqtt-session-expiry',
    env: 'RESTPOSE_MQTT_SESSION_EXPIRY',
    describe: 'seconds the broker keeps the ingest session (and queues its batches) while it is away (MQTT 5)',
    default: '604800',
    schema: wholeNumber('seconds from 60 to 4294967295', 60, 4_294_967_295),
  },
  writeBatchSamples: {
    flag: 'write-batch-samples',
    env: 'RESTPOSE_WRITE_BATCH_SAMPLES',
    describe: 'samples per store write (many devices per write)',
    default: '20000',
    schema: wholeNumber('a whole number from 100 to 1000000', 100, 1_000_000),
  },
  writeConcurrency: {
    flag: 'write-concurrency',
    env: 'RESTPOSE_WRITE_CONCURRENCY',
    describe: 'store writes in flight at once',
    default: '2',
    schema: wholeNumber('a whole number from 1 to 16', 1, 16),
  },
  deadLettersPerHour: {
    flag: 'dead-letters-per-hour',
    env: 'RESTPOSE_DEAD_LETTERS_PER_HOUR',
    describe: 'refused payloads kept (and answered on the errors topic) per device per hour; the rest are counted',
    default: '1000',
    schema: wholeNumber('a whole number from 0 to 1000000', 0, 1_000_000),
  },
  storeLagWarn: {
    flag: 'store-lag-warn',
    env: 'RESTPOSE_STORE_LAG_WARN',
    describe: 'seconds the store may trail the spool before health is "degraded"',
    default: '30',
    schema: wholeNumber('seconds from 1', 1, 86_400),
  },
  storeLagMax: {
    flag: 'store-lag-max',
    env: 'RESTPOSE_STORE_LAG_MAX',
    describe: 'seconds the store may trail the spool before health is "down"',
    default: '300',
    schema: wholeNumber('seconds from 1', 1, 86_400),
  },
  leaveGroupOnStop: {
    flag: 'leave-group-on-stop',
    env: 'RESTPOSE_LEAVE_GROUP_ON_STOP',
    describe: 'on a clean stop, leave the shared subscription for good (a member being removed; never the only one)',
    default: 'false',
    schema: z.enum(['true', 'false'], { message: 'expected true or false' }).transform((v) => v === 'true'),
  },
  nightCutoffMinutes: {
    flag: 'night-cutoff-minutes',
    env: 'RESTPOSE_NIGHT_CUTOFF_MINUTES',
    describe: 'a device silent this long while in bed has its night computed without a confirmed final rise',
    default: '120',
    schema: wholeNumber('minutes from 30 to 1440', 30, 1440),
  },
  metricsHost: {
    flag: 'metrics-host',
    env: 'RESTPOSE_METRICS_HOST',
    describe: 'address of the ingest /metrics and /healthz server',
    default: '127.0.0.1',
    schema: z.string().min(1, 'expected a host name or address'),
  },
  metricsPort: {
    flag: 'metrics-port',
    env: 'RESTPOSE_METRICS_PORT',
    describe: 'port of the ingest /metrics and /healthz server (0 picks a free one)',
    default: '9464',
    schema: port,
  },
} satisfies Settings;

export const apiSettings = {
  apiHost: {
    flag: 'api-host',
    env: 'RESTPOSE_API_HOST',
    describe: 'address the HTTP API listens on',
    default: '127.0.0.1',
    schema: z.string().min(1, 'expected a host name or address'),
  },
  apiPort: {
    flag: 'api-port',
    env: 'RESTPOSE_API_PORT',
    describe: 'port of the HTTP API (0 picks a free one)',
    default: '8080',
    schema: port,
  },
  apiRateLimit: {
    flag: 'api-rate-limit',
    env: 'RESTPOSE_API_RATE_LIMIT',
    describe: 'requests per minute each API token may make (0: no limit)',
    default: '600',
    schema: z.coerce
      .number({ message: 'expected a whole number of requests per minute' })
      .int('expected a whole number of requests per minute')
      .min(0, 'expected a whole number of requests per minute'),
  },
} satisfies Settings;

export function describeSetting(s: Setting<unknown>): string {
  const def = typeof s.default === 'string' ? `, default ${s.default}` : '';
  return `${s.describe} (env ${s.env}${def})`;
}

/** Resolves settings in declaration order from flags (commander's camelCase keys), then env, then defaults. */
export function loadConfig<S extends Settings>(
  settings: S,
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): ConfigOf<S> {
  const resolved: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings)) {
    const flagKey = s.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const fromFlag = flags[flagKey];
    const fromEnv = env[s.env];
    const source = fromFlag !== undefined ? `--${s.flag}` : fromEnv !== undefined && fromEnv !== '' ? s.env : 'default';
    const raw =
      fromFlag !== undefined
        ? fromFlag
        : source === s.env
          ? fromEnv
          : typeof s.default === 'function'
            ? s.default(resolved)
            : s.default;
    const parsed = s.schema.safeParse(raw);
    if (!parsed.success) {
      const shown = s.secret || raw === undefined ? '' : `=${JSON.stringify(raw)}`;
      throw new ConfigError(`${source === 'default' ? s.env : source}${shown}: ${parsed.error.issues[0]?.message}`);
    }
    resolved[key] = parsed.data;
  }
  return resolved as ConfigOf<S>;
}
