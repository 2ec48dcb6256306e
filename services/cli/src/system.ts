// Composes the processes of restpose in one: store, broker, ingest, API and demo devices, in the order
// they depend on each other, and stops them in reverse so accepted data is flushed before the store closes.
import { mkdirSync } from 'node:fs';
import { buildApi, type ComponentHealth, type DeviceCredentialsSink, registryOnly } from '@restpose/api';
import {
  type DeviceAccess,
  type EmbeddedBroker,
  embeddedDeviceAccess,
  IngestMetrics,
  IngestService,
  MosquittoAccess,
  type OpsServer,
  startEmbeddedBroker,
  startOpsServer,
} from '@restpose/ingest';
import { hashSecret, newSecret } from '@restpose/protocol';
import type { DeviceFleet } from '@restpose/simulator';
import { openStore, type Store, type StoreConfig, StoreError } from '@restpose/store';
import { registerDashboard } from '@restpose/web';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ensureAdminToken } from './admin-token.js';
import { type DeviceCredential, provisionDemo, saveCredentials, startDemoFleet } from './demo.js';
import { DEFAULT_MODEL_CHOICE, type postureSettings, resolvePostureModel } from './posture-model.js';
import {
  type apiSettings,
  type brokerSettings,
  ConfigError,
  type ConfigOf,
  type common,
  type ingestSettings,
  type storeSettings,
} from './settings.js';

export type SystemConfig = ConfigOf<
  typeof common & typeof storeSettings & typeof brokerSettings & typeof ingestSettings & typeof apiSettings
> &
  Partial<ConfigOf<typeof postureSettings>> & {
    /** Which parts run in this process. */
    components: { broker: boolean; ingest: boolean; api: boolean };
    demoDevices: number;
  };

export interface RunningSystem {
  store: Store;
  apiUrl: string | null;
  brokerUrl: string | null;
  /** The ingest /metrics and /healthz server, when ingest runs here. */
  metricsUrl: string | null;
  broker: EmbeddedBroker | null;
  /** Revokes (and provisions) devices on the embedded broker; null with an external broker (MosquittoAccess). */
  deviceAccess: DeviceAccess | null;
  ingest: IngestService | null;
  adminToken: string;
  demoCredentials: DeviceCredential[];
  stop(): Promise<void>;
}

export async function startSystem(config: SystemConfig, logger: Logger): Promise<RunningSystem> {
  const now = Date.now();
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((err: Error) => logger.error({ err }, 'error while stopping'));
    }
  };

  try {
    mkdirSync(config.dataDir, { recursive: true });
    const store = await openStore(storeConfig(config)).catch((err: Error) => {
      // A database that cannot be reached at start-up is a deployment problem: one line naming the setting.
      if (!(err instanceof StoreError)) throw err;
      const where = config.store === 'duckdb' ? 'RESTPOSE_DUCKDB_PATH' : 'RESTPOSE_INFLUX_URL';
      const value = config.store === 'duckdb' ? config.duckdbPath : config.influxUrl;
      throw new ConfigError(`${where}=${JSON.stringify(value)}: ${err.message}`);
    });
    stops.push(() => store.close());
    const adminToken = await ensureAdminToken(store, config.dataDir, now);

    let broker: EmbeddedBroker | null = null;
    let brokerUrl = config.brokerUrl;
    let ingestPassword = config.ingestPassword;
    let ingest: IngestService | null = null;
    if (config.components.broker && !brokerUrl) {
      // The embedded broker and ingest share this process, so ingest's secret never leaves memory.
      ingestPassword = newSecret();
      broker = await startEmbeddedBroker({
        host: config.mqttHost,
        port: config.mqttPort,
        store,
        serviceAccounts: [{ username: config.ingestUsername, secretHash: hashSecret(ingestPassword) }],
        logger,
        onRefusedPublish: (refusal) => ingest?.recordBrokerRefusal(refusal),
      });
      const b = broker;
      stops.push(() => b.close());
      brokerUrl = `mqtt://${config.mqttHost}:${broker.port}`;
    }
    const deviceAccess = broker ? embeddedDeviceAccess(broker) : null;
    if (!brokerUrl && (config.components.ingest || config.demoDevices > 0)) {
      throw new ConfigError('RESTPOSE_BROKER_URL: required when the embedded broker is not started');
    }

    let metricsUrl: string | null = null;
    if (config.components.ingest) {
      if (!ingestPassword) throw new ConfigError('RESTPOSE_INGEST_PASSWORD: required with an external broker');
      // The posture model of the live epochs (the rule unless configured; the learned model costs little per device).
      const posture = await resolvePostureModel(
        config.postureModel ?? DEFAULT_MODEL_CHOICE,
        config.tfBackend ?? 'tensorflow',
        'RESTPOSE_POSTURE_MODEL',
        logger,
      );
      const metrics = new IngestMetrics({ defaultMetrics: true });
      ingest = new IngestService({
        postureModel: posture?.model,
        brokerUrl: brokerUrl!,
        username: config.ingestUsername,
        password: ingestPassword,
        clientId: config.ingestClientId,
        // aedes speaks MQTT 3.1.1 and has no shared subscriptions; it serves this one ingest.
        shareGroup: broker ? null : config.shareGroup,
        protocolVersion: broker ? 4 : 5,
        sessionExpirySeconds: config.mqttSessionExpiry,
        epochSeconds: config.epochSeconds,
        nightCutoffMinutes: config.nightCutoffMinutes,
        store,
        logger,
        metrics,
        spoolDir: config.spoolDir,
        spoolMaxBytes: config.spoolMaxBytes,
        fsync: config.spoolFsync,
        fsyncIntervalMs: config.spoolFsyncIntervalMs,
        roundSamples: config.writeBatchSamples,
        writeConcurrency: config.writeConcurrency,
        deadLettersPerHour: config.deadLettersPerHour,
        limits: { lagWarnSeconds: config.storeLagWarn, lagFailSeconds: config.storeLagMax },
      });
      await ingest.start();
      const i = ingest;
      stops.push(() => i.stop(10_000, { leaveGroup: config.leaveGroupOnStop }));
      const ops: OpsServer = await startOpsServer({
        host: config.metricsHost,
        port: config.metricsPort,
        registry: metrics.registry,
        health: () => ({ ...i.health() }),
      });
      stops.push(() => ops.close());
      metricsUrl = ops.url;
    }

    let api: FastifyInstance | null = null;
    let apiUrl: string | null = null;
    if (config.components.api) {
      const running = { broker, ingest };
      const credentials = await deviceCredentialsFor(deviceAccess, config, logger);
      stops.push(credentials.close);
      api = await buildApi({
        store,
        logger,
        health: () => componentHealth(store, running),
        deviceCredentials: credentials.sink,
        deviceBrokerUrl: brokerUrl ?? null,
        rateLimit: { max: config.apiRateLimit, windowMs: 60_000 },
        dashboard: registerDashboard,
      });
      await api.listen({ host: config.apiHost, port: config.apiPort });
      const a = api;
      stops.push(() => a.close());
      const address = api.server.address();
      const port = typeof address === 'object' && address ? address.port : config.apiPort;
      apiUrl = `http://${config.apiHost}:${port}`;
    }

    let demoCredentials: DeviceCredential[] = [];
    if (config.demoDevices > 0) {
      demoCredentials = await provisionDemo(store, config.demoDevices, now);
      saveCredentials(config.dataDir, demoCredentials);
      const fleet: DeviceFleet = await startDemoFleet({
        brokerUrl: brokerUrl!,
        credentials: demoCredentials,
        rateHz: 50,
        backfillMs: 15 * 60 * 1000,
        speed: 60,
        now,
        seed: 1,
      });
      // Devices stop first, so everything they sent is acknowledged before ingest and the store go.
      stops.push(async () => {
        await fleet.stop();
      });
    }

    return {
      store,
      apiUrl,
      brokerUrl: brokerUrl ?? null,
      metricsUrl,
      broker,
      deviceAccess,
      ingest,
      adminToken,
      demoCredentials,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * How the API's device changes reach the broker. The embedded broker checks the registry at every connect and only
 * drops the sessions of rotated or revoked devices; Mosquitto gets the new secret (or loses the device) through its
 * dynamic security plugin when its admin password is configured. Without it, changes stay in the registry until
 * `restpose mosquitto sync`/`add-device`, and the log says so.
 */
async function deviceCredentialsFor(
  access: DeviceAccess | null,
  config: SystemConfig,
  logger: Logger,
): Promise<{ sink: DeviceCredentialsSink; close: () => Promise<void> }> {
  let close = async () => {};
  if (!access && config.brokerUrl && config.dynsecPassword) {
    const mosquitto = await MosquittoAccess.connect({
      brokerUrl: config.brokerUrl,
      username: config.dynsecUsername,
      password: config.dynsecPassword,
    }).catch((err: Error) => {
      throw new ConfigError(`RESTPOSE_DYNSEC_PASSWORD: cannot administer ${config.brokerUrl}: ${err.message}`);
    });
    access = mosquitto;
    close = () => mosquitto.close();
  }
  if (!access) {
    logger.warn('external broker without RESTPOSE_DYNSEC_PASSWORD: device credential changes stay in the registry');
    return { sink: registryOnly, close };
  }
  const a = access;
  const sink: DeviceCredentialsSink = {
    deviceChanged: (change) =>
      change.kind === 'revoked'
        ? a.revokeDevice(change.device.id)
        : a.provisionDevice(change.device.id, change.password),
  };
  return { sink, close };
}

/** The store the settings name (`--store` and its connection settings). */
export function storeConfig(config: ConfigOf<typeof storeSettings>): StoreConfig {
  if (config.store === 'duckdb') return { kind: 'duckdb', path: config.duckdbPath };
  return {
    kind: 'influxdb',
    url: config.influxUrl,
    database: config.influxDatabase,
    username: config.influxUsername,
    password: config.influxPassword,
    rawRetention: config.influxRawRetention,
  };
}

async function componentHealth(
  store: Store,
  running: { broker: EmbeddedBroker | null; ingest: IngestService | null },
): Promise<Record<string, ComponentHealth>> {
  const components: Record<string, ComponentHealth> = { api: { state: 'up' } };
  try {
    await store.ping();
    components.store = { state: 'up', detail: { kind: store.kind } };
  } catch (err) {
    components.store = { state: 'down', detail: { kind: store.kind, error: (err as Error).message } };
  }
  if (running.broker) {
    components.broker = {
      state: 'up',
      detail: { kind: 'aedes', port: running.broker.port, clients: running.broker.connectedClients() },
    };
  }
  if (running.ingest) {
    const { state, ...detail } = running.ingest.health();
    components.ingest = { state, detail };
  }
  return components;
}
