// The deployment shape the ingest fault tests and the benchmark run against: real Mosquitto (dynamic security, queue
// limits raised as in infra/mosquitto/mosquitto.conf) and real influxd, with devices provisioned in both the broker
// and the registry.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningInfluxd, type RunningMosquitto, startInfluxd, startMosquitto } from '@restpose/harness';
import { MosquittoAccess } from '@restpose/ingest';
import { hashSecret, newSecret } from '@restpose/protocol';
import { InfluxStore } from '@restpose/store';
import { REPO_ROOT } from './cli.js';
import type { FleetDevice } from './fleet.js';

export const INGEST_USER = 'restpose-ingest';
export const INGEST_PASSWORD = 'ingest-password-for-tests';
const ADMIN = { adminUsername: 'admin', adminPassword: 'admin-password-for-tests' };

/** The production broker's queue and session settings (infra/mosquitto/mosquitto.conf), used as they are. */
export const MOSQUITTO_QUEUE_CONFIG = readFileSync(join(REPO_ROOT, 'infra/mosquitto/mosquitto.conf'), 'utf8')
  .split('\n')
  .filter((line) =>
    /^(max_queued_messages|max_queued_bytes|max_inflight_messages|max_packet_size|persistent_client_expiration) /.test(
      line,
    ),
  );

export interface IngestStack {
  mosquitto: RunningMosquitto;
  influx: RunningInfluxd;
  store: InfluxStore;
  devices: FleetDevice[];
  /** The command line of `restpose ingest` against this stack. */
  ingestArgs(spoolDir: string, clientId: string, metricsPort: number, shareGroup?: string): string[];
  stop(): Promise<void>;
}

export async function startIngestStack(deviceCount: number, prefix = 'dev'): Promise<IngestStack> {
  const [mosquitto, influx] = await Promise.all([
    startMosquitto({ dynsec: ADMIN, extraConfig: MOSQUITTO_QUEUE_CONFIG }),
    startInfluxd(),
  ]);
  const store = await InfluxStore.open({ url: influx.url, database: 'restpose', rawRetention: 'INF' });
  const devices: FleetDevice[] = Array.from({ length: deviceCount }, (_, i) => ({
    deviceId: `${prefix}-${String(i).padStart(4, '0')}`,
    secret: newSecret(),
  }));
  const access = await MosquittoAccess.connect({
    brokerUrl: mosquitto.url,
    username: ADMIN.adminUsername,
    password: ADMIN.adminPassword,
  });
  try {
    await access.provisionIngest(INGEST_USER, INGEST_PASSWORD);
    await access.provisionDevices(devices.map((d) => ({ deviceId: d.deviceId, secret: d.secret })));
  } finally {
    await access.close();
  }
  for (const d of devices) {
    await store.upsertDevice({
      id: d.deviceId,
      secretHash: hashSecret(d.secret),
      mounting: null,
      createdAt: 0,
      revokedAt: null,
    });
  }
  return {
    mosquitto,
    influx,
    store,
    devices,
    ingestArgs: (spoolDir, clientId, metricsPort, shareGroup = 'restpose-ingest') => [
      'ingest',
      '--store',
      'influxdb',
      '--influx-url',
      influx.url,
      '--influx-database',
      'restpose',
      '--influx-raw-retention',
      'INF',
      '--broker-url',
      mosquitto.url,
      '--ingest-username',
      INGEST_USER,
      '--ingest-password',
      INGEST_PASSWORD,
      '--ingest-client-id',
      clientId,
      '--share-group',
      shareGroup,
      '--spool-dir',
      spoolDir,
      '--data-dir',
      spoolDir,
      '--metrics-port',
      String(metricsPort),
      '--log-level',
      'warn',
    ],
    stop: async () => {
      await store.close();
      await Promise.all([mosquitto.stop(), influx.stop()]);
    },
  };
}
