// A lean fleet of MQTT devices for the ingest benchmark: one connection per device (client id = username = device
// id, MQTT 5, QoS 1), binary v1 frames of 50 samples at 50 Hz cut from a few dozen noisy templates (only seq, t0 and
// the CRC change per frame), so the generator spends its time on MQTT, not on encoding.
import { crc32, deviceTopic, encodeBinaryFrame } from '@restpose/protocol';
import { connectAsync, type MqttClient } from 'mqtt';

export const SAMPLES_PER_BATCH = 50;
const TEMPLATES = 64;
const ACC_SCALE_MG = 0.061;

function templates(): Buffer[] {
  let state = 12345;
  const noise = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
  // A subject lying on the back, breathing, with sensor noise: about a hundred distinct counts per axis.
  return Array.from({ length: TEMPLATES }, (_, k) => {
    const col = (g: number, amp: number) =>
      Int16Array.from({ length: SAMPLES_PER_BATCH }, (_, i) =>
        Math.round((g + amp * Math.sin((k * SAMPLES_PER_BATCH + i) / 40) + 0.004 * noise()) / (ACC_SCALE_MG / 1000)),
      );
    const frame = encodeBinaryFrame({
      seq: 0,
      t0: Date.UTC(2026, 0, 1),
      rateHz: 50,
      accScaleMg: ACC_SCALE_MG,
      ax: col(0.98, 0.01),
      ay: col(-0.1, 0.005),
      az: col(0.15, 0.01),
    });
    return Buffer.from(frame);
  });
}

export interface GeneratorDevice {
  deviceId: string;
  secret: string;
}

export class LoadGenerator {
  private clients: MqttClient[] = [];
  private readonly templates = templates();
  private readonly nextSeq: number[];
  private running = false;
  private realtimeTimers: NodeJS.Timeout[] = [];
  /** Batches the broker acknowledged. */
  acked = 0;
  published = 0;
  failed = 0;
  /** Publish time (performance.now()) of tracked batches: `${deviceId}/${seq}`. */
  readonly publishTimes = new Map<string, number>();

  constructor(
    private readonly brokerUrl: string,
    readonly devices: GeneratorDevice[],
  ) {
    this.nextSeq = devices.map(() => 0);
  }

  async connect(): Promise<void> {
    for (let i = 0; i < this.devices.length; i += 50) {
      const chunk = this.devices.slice(i, i + 50);
      const clients = await Promise.all(
        chunk.map((d) =>
          connectAsync(this.brokerUrl, {
            clientId: d.deviceId,
            username: d.deviceId,
            password: d.secret,
            protocolVersion: 5,
            clean: true,
            reconnectPeriod: 0,
            keepalive: 60,
          }),
        ),
      );
      this.clients.push(...clients);
    }
  }

  frame(k: number, seq: number, t0: number): Buffer {
    const bytes = Buffer.from(this.templates[(k + seq) % TEMPLATES]!);
    bytes.writeUInt32LE(seq >>> 0, 4);
    bytes.writeUInt32LE(t0 % 2 ** 32, 8);
    bytes.writeUInt32LE(Math.floor(t0 / 2 ** 32), 12);
    bytes.writeUInt32LE(crc32(bytes.subarray(0, bytes.length - 4)), bytes.length - 4);
    return bytes;
  }

  private publish(k: number, t0: number, track: boolean): Promise<void> {
    const seq = this.nextSeq[k]!++;
    const device = this.devices[k]!;
    this.published++;
    if (track) this.publishTimes.set(`${device.deviceId}/${t0}`, performance.now());
    return this.clients[k]!.publishAsync(deviceTopic(device.deviceId, 'imu'), this.frame(k, seq, t0), { qos: 1 }).then(
      () => {
        this.acked++;
      },
      () => {
        this.failed++;
      },
    );
  }

  /**
   * Real time: every device publishes one 1 s batch per second, its t0 the wall-clock second it covers, right after
   * that second ends; devices are spread over the second. `tracked` devices have their publish times kept.
   */
  startRealtime(tracked: ReadonlySet<number>): void {
    this.running = true;
    const now = Date.now();
    const firstSecond = Math.floor(now / 1000) * 1000;
    this.devices.forEach((_, k) => {
      const offsetMs = Math.floor((k * 1000) / this.devices.length);
      let t0 = firstSecond;
      const tick = () => {
        if (!this.running) return;
        void this.publish(k, t0, tracked.has(k));
        t0 += 1000;
        const wait = t0 + 1000 + offsetMs - Date.now();
        this.realtimeTimers[k] = setTimeout(tick, Math.max(0, wait));
      };
      this.realtimeTimers[k] = setTimeout(tick, Math.max(0, firstSecond + 1000 + offsetMs - now));
    });
  }

  /**
   * As fast as accepted: each device keeps up to `window` batches in flight, and the fleet keeps no more than
   * `ahead()` batches published beyond what the pipeline reports done (closed loop), so the generator publishes at
   * the rate the whole pipeline accepts rather than filling the broker's queues. Data time starts at `baseT0`.
   */
  startSaturating(window: number, baseT0: number, ahead: () => number): void {
    this.running = true;
    this.devices.forEach((_, k) => {
      let inFlight = 0;
      const pump = () => {
        while (this.running && inFlight < window && ahead() > 0) {
          inFlight++;
          const t0 = baseT0 + this.nextSeq[k]! * 1000;
          void this.publish(k, t0, false).then(() => {
            inFlight--;
            pump();
          });
        }
        if (this.running && inFlight === 0) this.realtimeTimers[k] = setTimeout(pump, 5);
      };
      pump();
    });
  }

  stop(): void {
    this.running = false;
    for (const t of this.realtimeTimers) clearTimeout(t);
    this.realtimeTimers = [];
  }

  async close(): Promise<void> {
    this.stop();
    await Promise.all(this.clients.map((c) => c.endAsync(true).catch(() => {})));
    this.clients = [];
  }
}
