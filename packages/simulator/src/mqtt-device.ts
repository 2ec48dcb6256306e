// A simulated device publishing real MQTT telemetry: QoS 1 JSON frames on its own imu topic.
// With speed > 1 it replays its recording faster than real time but never publishes data from the future,
// like a device uploading what it buffered and then streaming live.
import { deviceTopic, encodeJsonFrame } from '@restpose/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { PostureStream } from './posture-stream.js';

export interface MqttDeviceOptions {
  deviceId: string;
  password: string;
  brokerUrl: string;
  seed: number;
  rateHz: number;
  batchSeconds: number;
  /** Data seconds per wall second while catching up with the clock. */
  speed: number;
  /** UTC epoch ms of the first sample. */
  startMs: number;
  /** Injected clock for tests. */
  now?: () => number;
}

export interface DeviceProgress {
  published: number;
  acknowledged: number;
  lastSampleMs: number;
}

const ACC_SCALE_MG = 0.061; // +-2 g range

export class MqttDevice {
  private client: MqttClient | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly stream: PostureStream;
  private seq = 0;
  private nextT0: number;
  private inFlight = 0;
  readonly progress: DeviceProgress = { published: 0, acknowledged: 0, lastSampleMs: 0 };

  constructor(private readonly options: MqttDeviceOptions) {
    this.stream = new PostureStream({ seed: options.seed, rateHz: options.rateHz });
    this.nextT0 = options.startMs;
  }

  async start(): Promise<void> {
    const { deviceId, password, brokerUrl } = this.options;
    this.client = await mqtt.connectAsync(brokerUrl, {
      clientId: deviceId, // the protocol: client id = username = device id
      username: deviceId,
      password,
      clean: false,
      reconnectPeriod: 1000,
    });
    const tickMs = Math.max(20, (this.options.batchSeconds * 1000) / this.options.speed);
    this.timer = setInterval(() => this.tick(), tickMs);
  }

  private tick(): void {
    const now = (this.options.now ?? Date.now)();
    const batchMs = this.options.batchSeconds * 1000;
    // One batch per tick while behind; hold back batches whose last sample is still in the future.
    if (this.nextT0 + batchMs > now || this.inFlight > 10 || !this.client) return;
    const n = Math.round(this.options.batchSeconds * this.options.rateHz);
    const chunk = this.stream.next(n);
    const payload = encodeJsonFrame(
      { seq: this.seq, t0: this.nextT0, rateHz: this.options.rateHz, ax: chunk.x, ay: chunk.y, az: chunk.z },
      ACC_SCALE_MG,
    );
    this.seq = (this.seq + 1) >>> 0;
    this.nextT0 += batchMs;
    this.inFlight++;
    this.progress.published++;
    this.progress.lastSampleMs = this.nextT0;
    this.client.publish(deviceTopic(this.options.deviceId, 'imu'), payload, { qos: 1 }, (err) => {
      this.inFlight--;
      if (!err) this.progress.acknowledged++;
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.client?.endAsync();
    this.client = null;
  }
}
