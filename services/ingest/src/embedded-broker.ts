// The embedded aedes broker: devices authenticate against the registry (client id = username = device id) and
// publish only to their own topics; service accounts (ingest) authenticate with a secret held in memory by the
// process that started them. aedes keeps sessions and queued messages in memory: a batch it acknowledged to a device
// survives an ingest restart inside the process, not a restart of the process (docs/operations.md).
import { createServer, type Server } from 'node:net';
import { parseDeviceTopic, type Rejection, secretMatches } from '@restpose/protocol';
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
  /** A publish the broker refused; the connection of the client is closed after it. */
  onRefusedPublish?(refusal: RefusedPublish): void;
}

export interface RefusedPublish {
  /** The device the client authenticated as (null for a client that is not a device). */
  deviceId: string | null;
  clientId: string;
  topic: string;
  payload: Buffer;
  rejection: Rejection;
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

/** CONNACK 2: identifier rejected; 4: bad user name or password. */
function authError(message: string, returnCode: 2 | 4 = 4): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: returnCode as AuthenticateError['returnCode'] });
}

/** Why a device may not publish to `topic`, or null when it may. */
function publishRefusal(deviceId: string, topic: string): Rejection | null {
  const parsed = parseDeviceTopic(topic);
  if (!parsed || !DEVICE_PUBLISH.has(parsed.channel)) {
    return { code: 'WRONG_TOPIC', message: `topic: ${topic.slice(0, 200)} is not a topic a device may publish to` };
  }
  if (parsed.deviceId !== deviceId) {
    return {
      code: 'DEVICE_MISMATCH',
      message: `topic: names device ${parsed.deviceId}, but this client authenticated as ${deviceId}`,
    };
  }
  return null;
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
      const fail = (reason: string, code: 2 | 4 = 4) => {
        log.warn({ clientId: client.id, username, reason }, 'connection refused');
        done(authError(reason, code), false);
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
          if (client.id !== device.id) return fail(`client id ${client.id} is not the device id ${device.id}`, 2);
          identities.set(client, { kind: 'device', deviceId: device.id });
          done(null, true);
        },
        (err: Error) => fail(`registry unavailable: ${err.message}`),
      );
    },
    authorizePublish: (client, packet, done) => {
      const who = client ? identities.get(client) : undefined;
      if (who?.kind === 'service') return done(null);
      const deviceId = who?.kind === 'device' ? who.deviceId : null;
      const rejection = deviceId
        ? publishRefusal(deviceId, packet.topic)
        : { code: 'WRONG_TOPIC' as const, message: 'this client may not publish' };
      if (!rejection) return done(null);
      log.warn({ clientId: client?.id, topic: packet.topic, code: rejection.code }, 'publish refused');
      options.onRefusedPublish?.({
        deviceId,
        clientId: client?.id ?? '',
        topic: packet.topic,
        payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
        rejection,
      });
      // aedes closes the connection of a client whose publish is refused (MQTT 3.1.1 has no negative PUBACK).
      done(new Error(rejection.message));
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
