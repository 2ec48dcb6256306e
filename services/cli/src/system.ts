// Composes the processes of restpose in one: store, broker, ingest, API and demo devices, in the order
// they depend on each other, and stops them in reverse so accepted data is flushed before the store closes.
import { mkdirSync } from 'node:fs';
import { buildApi, type ComponentHealth, type DeviceCredentialsSink, registryOnly } from '@restpose/api';
import { type EmbeddedBroker, IngestService, startEmbeddedBroker } from '@restpose/ingest';
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
  type storeSettings,
} from './settings.js';

export type SystemConfig = ConfigOf<typeof common & typeof storeSettings & typeof brokerSettings & typeof apiSettings> &
  Partial<ConfigOf<typeof postureSettings>> & {
    /** Which parts run in this process. */
    components: { broker: boolean; ingest: boolean; api: boolean };
    demoDevices: number;
  };

export interface RunningSystem {
  store: Store;
  apiUrl: string | null;
  brokerUrl: string | null;
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
    if (config.components.broker && !brokerUrl) {
      // The embedded broker and ingest share this process, so ingest's secret never leaves memory.
      ingestPassword = newSecret();
      broker = await startEmbeddedBroker({
        host: config.mqttHost,
        port: config.mqttPort,
        store,
        serviceAccounts: [{ username: config.ingestUsername, secretHash: hashSecret(ingestPassword) }],
        logger,
      });
      const b = broker;
      stops.push(() => b.close());
      brokerUrl = `mqtt://${config.mqttHost}:${broker.port}`;
    }
    if (!brokerUrl && (config.components.ingest || config.demoDevices > 0)) {
      throw new ConfigError('RESTPOSE_BROKER_URL: required when the embedded broker is not started');
    }

    let ingest: IngestService | null = null;
    if (config.components.ingest) {
      if (!ingestPassword) throw new ConfigError('RESTPOSE_INGEST_PASSWORD: required with an external broker');
      // The posture model of the live epochs (the rule unless configured; the learned model costs little per device).
      const posture = await resolvePostureModel(
        config.postureModel ?? DEFAULT_MODEL_CHOICE,
        config.tfBackend ?? 'tensorflow',
        'RESTPOSE_POSTURE_MODEL',
        logger,
      );
      ingest = new IngestService({
        postureModel: posture?.model,
        brokerUrl: brokerUrl!,
        username: config.ingestUsername,
        password: ingestPassword,
        clientId: `restpose-ingest-${config.ingestUsername}`,
        shareGroup: broker ? null : config.shareGroup,
        epochSeconds: config.epochSeconds,
        store,
        logger,
      });
      await ingest.start();
      const i = ingest;
      stops.push(() => i.stop());
    }

    let api: FastifyInstance | null = null;
    let apiUrl: string | null = null;
    if (config.components.api) {
      const running = { broker, ingest };
      api = await buildApi({
        store,
        logger,
        health: () => componentHealth(store, running),
        deviceCredentials: deviceCredentialsFor(broker, logger),
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

    return { store, apiUrl, brokerUrl: brokerUrl ?? null, adminToken, demoCredentials, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * How the API's device changes reach the broker. The embedded broker checks the registry at every connect, so it
 * only drops the sessions of rotated or revoked devices. An external broker keeps its own credentials: until ingest
 * provides a provisioning hook for it, changes reach it only through the registry, and the log says so.
 */
function deviceCredentialsFor(broker: EmbeddedBroker | null, logger: Logger): DeviceCredentialsSink {
  if (broker) {
    return {
      deviceChanged: async (change) => {
        if (change.kind !== 'provisioned') await broker.disconnectDevice(change.device.id);
      },
    };
  }
  logger.warn('external broker: device credential changes are kept in the registry only; the broker is not told');
  return registryOnly;
}

function storeConfig(config: SystemConfig): StoreConfig {
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
    const h = running.ingest.health();
    components.ingest = { state: h.connected ? 'up' : 'down', detail: { ...h.stats } };
  }
  return components;
}
