// The embedded aedes broker: devices authenticate against the registry and publish only to their own topics;
// service accounts (ingest) authenticate with a secret held in memory by the process that started them.
import { createServer, type Server } from 'node:net';
import { parseDeviceTopic, secretMatches } from '@restpose/protocol';
import type { Store } from '@restpose/store';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';

export interface ServiceAccount {
  username: string;
  secretHash: string;
}

export interface EmbeddedBrokerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  store: Store;
  serviceAccounts: ServiceAccount[];
  logger: Logger;
}

export interface EmbeddedBroker {
  readonly port: number;
  readonly connectedClients: () => number;
  /**
   * Drops the device's open sessions (after its credentials were rotated or revoked in the registry, which the next
   * connect checks). Resolves with how many were closed.
   */
  disconnectDevice(deviceId: string): Promise<number>;
  close(): Promise<void>;
}

/** Devices may publish telemetry and status; they receive their config and errors. */
const DEVICE_PUBLISH = new Set(['imu', 'status']);
const DEVICE_SUBSCRIBE = new Set(['config', 'errors']);

type Identity = { kind: 'service' } | { kind: 'device'; deviceId: string };
const identities = new WeakMap<Client, Identity>();

function authError(message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: 4 as AuthenticateError['returnCode'] });
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { store, logger } = options;
  const log = logger.child({ component: 'broker' });

  // Open device sessions, and per device a count of credential changes: a connect whose registry read started
  // before a change is refused, so old credentials cannot slip in while the change is being made.
  const sessions = new Map<string, Set<Client>>();
  const changes = new Map<string, number>();

  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      const fail = (reason: string) => {
        log.warn({ clientId: client.id, username, reason }, 'connection refused');
        done(authError(reason), false);
      };
      if (!username || !password) return fail('username and password required');
      const service = options.serviceAccounts.find((a) => a.username === username);
      if (service) {
        if (!secretMatches(password, service.secretHash)) return fail('bad service credentials');
        identities.set(client, { kind: 'service' });
        return done(null, true);
      }
      const changesBefore = changes.get(username) ?? 0;
      store.getDevice(username).then(
        (device) => {
          if ((changes.get(username) ?? 0) !== changesBefore) return fail('credentials changed during connect');
          if (!device || device.revokedAt !== null) return fail('unknown or revoked device');
          if (!secretMatches(password, device.secretHash)) return fail('bad device credentials');
          identities.set(client, { kind: 'device', deviceId: device.id });
          done(null, true);
        },
        (err: Error) => fail(`registry unavailable: ${err.message}`),
      );
    },
    authorizePublish: (client, packet, done) => {
      const who = client ? identities.get(client) : undefined;
      if (who?.kind === 'service') return done(null);
      const topic = parseDeviceTopic(packet.topic);
      if (who?.kind === 'device' && topic?.deviceId === who.deviceId && DEVICE_PUBLISH.has(topic.channel)) {
        return done(null);
      }
      log.warn({ clientId: client?.id, topic: packet.topic }, 'publish refused');
      done(new Error(`not allowed to publish to ${packet.topic}`));
    },
    authorizeSubscribe: (client, subscription, done) => {
      const who = identities.get(client);
      if (who?.kind === 'service') return done(null, subscription);
      const topic = parseDeviceTopic(subscription.topic);
      if (who?.kind === 'device' && topic?.deviceId === who.deviceId && DEVICE_SUBSCRIBE.has(topic.channel)) {
        return done(null, subscription);
      }
      done(new Error(`not allowed to subscribe to ${subscription.topic}`));
    },
  });

  broker.on('client', (client) => {
    const who = identities.get(client);
    if (who?.kind !== 'device') return;
    const open = sessions.get(who.deviceId) ?? sessions.set(who.deviceId, new Set()).get(who.deviceId)!;
    open.add(client);
  });
  broker.on('clientDisconnect', (client) => {
    const who = identities.get(client);
    if (who?.kind === 'device') sessions.get(who.deviceId)?.delete(client);
  });

  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  log.info({ host: options.host, port }, 'embedded MQTT broker listening');

  return {
    port,
    connectedClients: () => broker.connectedClients,
    disconnectDevice: async (deviceId) => {
      changes.set(deviceId, (changes.get(deviceId) ?? 0) + 1);
      const open = [...(sessions.get(deviceId) ?? [])];
      sessions.delete(deviceId);
      await Promise.all(open.map((client) => new Promise<void>((resolve) => client.close(() => resolve()))));
      log.info({ deviceId, sessions: open.length }, 'device sessions closed after a credential change');
      return open.length;
    },
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
