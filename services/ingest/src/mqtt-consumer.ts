// The MQTT side of ingest: a fixed client id with a persistent session, QoS 1, a shared subscription on external
// brokers, and acknowledgements that the caller sends when it is ready.
//
// MQTT.js sends a PUBACK when handleMessage calls back, and handles incoming packets one at a time. Waiting in
// handleMessage for the spool would serialize everything behind one fsync; so handleMessage calls back at once with
// a marker error (MQTT.js then sends no PUBACK and moves on to the next packet), and the PUBACK is written here when
// the caller acknowledges. QoS 1 requires PUBACKs in the order the PUBLISHes came, which the caller keeps (the spool
// reports durability in append order). A PUBACK owed on a connection that has since dropped is not sent: the broker
// redelivers the message on the next connection, and the drain recognizes the copy by its seq.
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { generate } from 'mqtt-packet';
import type { Logger } from 'pino';

export interface MqttConsumerOptions {
  brokerUrl: string;
  username: string;
  password: string;
  /** Fixed, so the broker keeps the session (subscription and queued batches) across restarts. */
  clientId: string;
  /** 4 (MQTT 3.1.1, for the embedded aedes broker) or 5. */
  protocolVersion: 4 | 5;
  /** MQTT 5 session expiry after a disconnect. */
  sessionExpirySeconds: number;
  /** MQTT 5 Receive Maximum: unacknowledged batches the broker may have in flight to this consumer. */
  receiveMaximum: number;
  /** The subscription filter (a $share filter on external brokers). */
  filter: string;
  logger: Logger;
}

/** One delivered message and how to acknowledge it. */
export interface Delivery {
  topic: string;
  payload: Buffer;
  /** Sends the PUBACK (QoS 1) if the connection it came on is still up; a no-op for QoS 0. */
  ack(): void;
}

const DEFERRED = Object.assign(new Error('acknowledged later by ingest'), { deferred: true });

export class MqttConsumer {
  private client: MqttClient | null = null;
  private lastDeliveryAt = 0;
  private readonly log: Logger;

  constructor(
    private readonly options: MqttConsumerOptions,
    private readonly onDelivery: (delivery: Delivery) => void,
  ) {
    this.log = options.logger.child({ component: 'mqtt' });
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(): Promise<void> {
    const o = this.options;
    const clientOptions: IClientOptions = {
      clientId: o.clientId,
      username: o.username,
      password: o.password,
      protocolVersion: o.protocolVersion,
      clean: false,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      resubscribe: true,
    };
    if (o.protocolVersion === 5) {
      clientOptions.properties = {
        sessionExpiryInterval: o.sessionExpirySeconds,
        receiveMaximum: o.receiveMaximum,
      };
    }
    const client = mqtt.connect(o.brokerUrl, clientOptions);
    // Installed before the connection exists: a resumed session delivers its queued batches right after CONNACK,
    // and MQTT.js would acknowledge them with its default handler.
    client.handleMessage = (packet, callback) => {
      this.deliver(client, packet);
      callback(packet.qos > 0 ? DEFERRED : undefined);
    };
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => {
        client.removeListener('connect', ok);
        client.end(true);
        reject(err);
      };
      const ok = () => {
        client.removeListener('error', fail);
        resolve();
      };
      client.once('connect', ok);
      client.once('error', fail);
    });
    client.on('error', (err) => this.log.error({ err }, 'MQTT client error'));
    client.on('offline', () => this.log.warn('broker connection lost; reconnecting'));
    client.on('connect', (connack) => this.log.info({ sessionPresent: connack.sessionPresent }, 'connected to broker'));
    this.client = client;
    await client.subscribeAsync(o.filter, { qos: 1 });
    this.log.info({ filter: o.filter, clientId: o.clientId }, 'ingest subscribed');
  }

  private deliver(client: MqttClient, packet: IPublishPacket): void {
    this.lastDeliveryAt = Date.now();
    const stream = client.stream;
    const { messageId, qos } = packet;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const ack = () => {
      if (qos === 0 || messageId === undefined) return;
      if (client.stream !== stream || !client.connected || stream.destroyed) return;
      const puback = generate(
        { cmd: 'puback', messageId, reasonCode: 0 },
        { protocolVersion: this.options.protocolVersion },
      );
      stream.write(puback);
    };
    this.onDelivery({ topic: packet.topic, payload, ack });
  }

  /** Publishes a small QoS 1 message (errors to a device); fire and forget, failures are logged. */
  publish(topic: string, payload: string): void {
    this.client?.publish(topic, payload, { qos: 1 }, (err) => {
      if (err) this.log.warn({ err, topic }, 'could not publish');
    });
  }

  /**
   * Leaves the shared subscription for good (a member being removed): unsubscribes, so the broker routes new batches
   * to the other members, then keeps taking what the broker still had for this consumer until nothing has come for
   * `quietMs` (at most `maxMs`). The caller acknowledges those as usual, then stops with `endSession`.
   */
  async leave(quietMs = 2000, maxMs = 60_000): Promise<void> {
    const client = this.client;
    if (!client) return;
    await client.unsubscribeAsync(this.options.filter);
    const started = Date.now();
    this.lastDeliveryAt = Math.max(this.lastDeliveryAt, started);
    while (Date.now() - this.lastDeliveryAt < quietMs && Date.now() - started < maxMs) {
      await new Promise((r) => setTimeout(r, 100));
    }
    this.log.info({ filter: this.options.filter }, 'left the subscription');
  }

  /** Disconnects; `endSession` also ends the broker session (MQTT 5), for a member that left for good. */
  async stop(options: { endSession?: boolean } = {}): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (options.endSession && this.options.protocolVersion === 5) {
      await client.endAsync(false, { properties: { sessionExpiryInterval: 0 } });
    } else {
      await client.endAsync();
    }
  }
}
