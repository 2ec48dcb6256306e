// Consumes device telemetry: decode and validate, store raw samples, label posture epochs live.
// A batch is acknowledged (PUBACK) only after the store has it.
import {
  allDevicesFilter,
  type DecodeResult,
  decodeImuPayload,
  deviceTopic,
  encodeDeviceError,
  type ImuBatch,
  type PostureEpoch,
  parseDeviceTopic,
  type Rejection,
  sharedFilter,
} from '@restpose/protocol';
import { IDENTITY, type PostureModel, StreamingAnalyzer } from '@restpose/signal';
import { type Store, subjectAt } from '@restpose/store';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

export interface IngestOptions {
  brokerUrl: string;
  username: string;
  password: string;
  /** Fixed client id, so the broker keeps the session (and queued batches) across restarts. */
  clientId: string;
  /** MQTT shared-subscription group; null subscribes directly (the embedded aedes broker has no $share). */
  shareGroup: string | null;
  epochSeconds: number;
  store: Store;
  logger: Logger;
  now?: () => number;
  /** Posture model of the live epochs (default: the angle rule); each device's analyzer takes its own session. */
  postureModel?: PostureModel;
}

export interface IngestStats {
  accepted: number;
  rejected: Record<string, number>;
  samples: number;
  epochs: number;
}

export interface IngestHealth {
  connected: boolean;
  stats: IngestStats;
}

export class IngestService {
  private client: MqttClient | null = null;
  private readonly analyzers = new Map<string, StreamingAnalyzer>();
  private readonly log: Logger;
  readonly stats: IngestStats = { accepted: 0, rejected: {}, samples: 0, epochs: 0 };

  constructor(private readonly options: IngestOptions) {
    this.log = options.logger.child({ component: 'ingest' });
  }

  async start(): Promise<void> {
    const { brokerUrl, username, password, clientId, shareGroup } = this.options;
    const client = await mqtt.connectAsync(brokerUrl, {
      clientId,
      username,
      password,
      clean: false,
      reconnectPeriod: 1000,
    });
    client.handleMessage = (packet, done) => {
      this.handle(packet).then(
        () => done(),
        (err: Error) => {
          // Not acknowledged: the broker redelivers once the store is back.
          this.log.error({ err, topic: packet.topic }, 'batch not stored; left unacknowledged');
          done(err);
        },
      );
    };
    client.on('error', (err) => this.log.error({ err }, 'MQTT client error'));
    const filter = shareGroup ? sharedFilter(shareGroup, 'imu') : allDevicesFilter('imu');
    await client.subscribeAsync(filter, { qos: 1 });
    this.client = client;
    this.log.info({ filter }, 'ingest subscribed');
  }

  health(): IngestHealth {
    return { connected: this.client?.connected ?? false, stats: this.stats };
  }

  private async handle(packet: IPublishPacket): Promise<void> {
    const topic = parseDeviceTopic(packet.topic);
    if (topic?.channel !== 'imu') {
      this.rejectBatch(null, { code: 'WRONG_TOPIC', message: `topic: ${packet.topic} is not a device imu topic` });
      return;
    }
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const now = (this.options.now ?? Date.now)();
    const decoded: DecodeResult<ImuBatch> = decodeImuPayload(payload, now);
    if (!decoded.ok) {
      this.rejectBatch(topic.deviceId, decoded.error);
      return;
    }
    await this.accept(topic.deviceId, decoded.value);
  }

  private async accept(deviceId: string, batch: ImuBatch): Promise<void> {
    const { store } = this.options;
    const n = batch.ax.length;
    const dt = 1000 / batch.rateHz;
    const t = Float64Array.from({ length: n }, (_, i) => batch.t0 + i * dt);
    await store.writeSamples({ deviceId, t, ax: batch.ax, ay: batch.ay, az: batch.az, gyro: batch.gyro });
    this.stats.accepted++;
    this.stats.samples += n;

    let analyzer = this.analyzers.get(deviceId);
    if (!analyzer) {
      // Epochs aligned to UTC multiples; device axes taken as body axes until per-device mounting is configured.
      analyzer = new StreamingAnalyzer({
        originMs: 0,
        epochSeconds: this.options.epochSeconds,
        mounting: IDENTITY,
        model: this.options.postureModel,
      });
      this.analyzers.set(deviceId, analyzer);
    }
    const summaries = analyzer.push({
      t0: batch.t0,
      rateHz: batch.rateHz,
      ax: batch.ax,
      ay: batch.ay,
      az: batch.az,
      ...batch.gyro,
    }).epochs;
    if (summaries.length === 0) return;
    const assignments = await store.assignmentsForDevice(deviceId);
    const epochs: PostureEpoch[] = [];
    for (const s of summaries) {
      const subjectId = subjectAt(assignments, s.start);
      if (!subjectId) continue; // raw data is kept; epochs need a subject
      epochs.push({
        subjectId,
        deviceId,
        start: s.start,
        durationS: s.durationS,
        posture: s.posture,
        confidence: s.confidence,
        sagittalDeg: s.sagittalDeg,
        frontalDeg: s.frontalDeg,
        rollDeg: s.rollDeg,
        algorithm: s.algorithm,
      });
    }
    await store.writeEpochs(epochs);
    this.stats.epochs += epochs.length;
  }

  private rejectBatch(deviceId: string | null, rejection: Rejection): void {
    this.stats.rejected[rejection.code] = (this.stats.rejected[rejection.code] ?? 0) + 1;
    this.log.warn({ deviceId, ...rejection }, 'batch rejected');
    if (deviceId && this.client) {
      const now = (this.options.now ?? Date.now)();
      this.client.publish(deviceTopic(deviceId, 'errors'), encodeDeviceError(rejection, 'imu', now), { qos: 1 });
    }
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
    this.client = null;
  }
}
