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
      store.getDevice(username).then(
        (device) => {
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
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
