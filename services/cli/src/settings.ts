// Every setting is read from a flag, else an environment variable, else its default, and validated with zod.
// A bad value stops the process with one line naming where it came from and what was expected.
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
