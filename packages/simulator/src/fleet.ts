// Simulated devices publishing real MQTT telemetry, many per process: one shared timer, one MQTT client per device
// (each device is its own client to the broker, as in the field), batches rendered and encoded as they fall due.
//
// Time: a device's data starts at `startMs` (true UTC). Its data clock runs `speed` times faster than the wall
// clock but never past now, so a sped-up device replays the past and then streams live; nothing from the future
// is ever sent. speed = Infinity sends the backlog as fast as the broker acknowledges (10 in flight per device).
import { deviceTopic, encodeBinaryFrame, encodeDeviceStatus, encodeJsonFrame, type ImuFrame } from '@restpose/protocol';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { PlanOptions } from './cycle.js';
import { type DeviceRealism, LoopSignal, PhysicalSignal, type SignalSource, SimulatedDevice } from './device.js';
import type { Person } from './person.js';
import { deriveSeed, mix32 } from './random.js';
import type { SensorOptions } from './sensor.js';

export interface FleetDeviceConfig {
  deviceId: string;
  password: string;
  /** Seed of this device's person, sensor and realism draws (default derived from the fleet seed and index). */
  seed?: number;
  person?: Person;
  /** True UTC ms where this device's data starts (default: the fleet's startMs plus its stagger). */
  startMs?: number;
}

export type FleetSignal = 'physical' | 'loop' | 'auto';

export interface FleetOptions {
  brokerUrl: string;
  devices: FleetDeviceConfig[];
  seed: number;
  rateHz?: number;
  batchSeconds?: number;
  /** Data seconds per wall second while behind the clock; Infinity: as fast as acknowledged. */
  speed?: number;
  /** True UTC ms where the data starts (default: now). */
  startMs?: number;
  /** Stop producing at this true time (default: never, or the start time when live is false). */
  endMs?: number;
  /** Keep streaming live once caught up (default true); false stops at the wall time of start(). */
  live?: boolean;
  /** Spread the devices' batch boundaries over one batch period (default true), as unsynchronized devices are. */
  stagger?: boolean;
  /** physical: the full simulation per device; loop: a shared pre-rendered pool; auto: physical up to 50 devices. */
  signal?: FleetSignal;
  sensor?: SensorOptions;
  /** Mounting, slips, non-wear and knocks of physical devices (default: device axes are body axes, none of these). */
  planOptions?: Partial<PlanOptions>;
  realism?: Partial<DeviceRealism>;
  encoding?: 'binary' | 'json';
  /** Unacknowledged publishes per device (docs/protocol.md: at most 10). */
  maxInFlight?: number;
  connectConcurrency?: number;
  /** Status message every this many data seconds, and on every connect (0: never). */
  statusEveryS?: number;
  /** Extra MQTT client options (e.g. protocolVersion: 5). */
  mqtt?: Partial<IClientOptions>;
  now?: () => number;
  /** Called on every publish and acknowledgement (for latency measurements). */
  onBatch?: (event: BatchEvent) => void;
}

export interface BatchEvent {
  deviceId: string;
  seq: number;
  t0: number;
  kind: 'published' | 'acknowledged';
  atMs: number;
}

/** Counters kept per device and summed over the fleet. */
export const PROGRESS_COUNTERS = [
  /** Publishes of batches, duplicates and resends included. */
  'published',
  'acknowledged',
  'inFlight',
  /** Batches waiting to be resent after a reconnect. */
  'pending',
  /** Batches the device lost before sending (sequence gaps). */
  'dropped',
  /** Batches sent twice on purpose. */
  'duplicated',
  /** Batches sent again after a connection loss. */
  'resent',
  'reconnects',
  /** Rejections received on the device's errors topic. */
  'errors',
] as const;
export type ProgressCounters = Record<(typeof PROGRESS_COUNTERS)[number], number>;

export interface DeviceProgress extends ProgressCounters {
  deviceId: string;
  connected: boolean;
  lastError: string | null;
  statusPublished: number;
  /** Status reports the broker acknowledged (one published just before a connection loss may be lost: a status is a
   * snapshot, not data, so it is not resent; the next connection reports afresh). */
  statusAcknowledged: number;
  /** Batches produced so far (sent or dropped); the next batch number. */
  batches: number;
  /** True UTC ms up to which data has been produced. */
  dataMs: number;
}

export interface FleetProgress extends ProgressCounters {
  devices: number;
  /** Devices connected now. */
  connected: number;
  samples: number;
  /** The earliest data time over the devices. */
  dataMs: number;
  /** Devices whose data has caught up with the clock (within two batches). */
  caughtUp: number;
}

const zeroCounters = (): ProgressCounters =>
  Object.fromEntries(PROGRESS_COUNTERS.map((k) => [k, 0])) as ProgressCounters;

interface Sent {
  b: number;
  seq: number;
  t0: number;
  payload: Buffer | string;
}

class FleetDevice {
  readonly device: SimulatedDevice;
  readonly progress: DeviceProgress;
  client: MqttClient | null = null;
  private generation = 0;
  private offline = false;
  private readonly inFlight = new Map<number, Sent>();
  private resend: Sent[] = [];
  private publishId = 0;
  private nextStatusAt: number;
  private retryAt = 0;

  constructor(
    private readonly fleet: DeviceFleet,
    readonly config: FleetDeviceConfig,
    readonly seed: number,
    startMs: number,
  ) {
    const o = fleet.options;
    const signal: SignalSource =
      fleet.signal === 'loop'
        ? new LoopSignal({ seed: o.seed, deviceSeed: seed, rateHz: fleet.rateHz, gyro: o.sensor?.gyro ?? false })
        : new PhysicalSignal({
            seed,
            person: config.person,
            sensor: o.sensor,
            planOptions: o.planOptions,
            rateHz: fleet.rateHz,
            startMs,
            sampleRateErrorPpm: o.realism?.sampleRateErrorPpm ?? 0,
          });
    this.device = new SimulatedDevice({
      seed,
      rateHz: fleet.rateHz,
      batchSeconds: fleet.batchSeconds,
      startMs,
      realism: o.realism,
      signal,
    });
    this.progress = {
      ...zeroCounters(),
      deviceId: config.deviceId,
      connected: false,
      lastError: null,
      statusPublished: 0,
      statusAcknowledged: 0,
      batches: 0,
      dataMs: startMs,
    };
    this.nextStatusAt = startMs;
  }

  /** Connects (a new client per connection, as after a firmware reconnect); resolves once connected. */
  connect(): Promise<void> {
    const { deviceId, password } = this.config;
    const generation = ++this.generation;
    const client = mqtt.connect(this.fleet.options.brokerUrl, {
      clientId: deviceId,
      username: deviceId,
      password,
      clean: false,
      keepalive: 60,
      reconnectPeriod: 1000,
      connectTimeout: 15_000,
      ...this.fleet.options.mqtt,
    });
    this.client = client;
    const errorsTopic = deviceTopic(deviceId, 'errors');
    // mqtt.js reconnects by itself after a network failure; its errors are kept, never thrown.
    client.on('error', (err) => {
      if (generation === this.generation) this.progress.lastError = err.message;
    });
    client.on('message', (topic, payload) => {
      if (topic !== errorsTopic) return;
      this.progress.errors++;
      this.progress.lastError = payload.toString().slice(0, 500);
    });
    client.on('close', () => {
      if (generation === this.generation) this.progress.connected = false;
    });
    client.on('connect', () => {
      if (generation !== this.generation) return;
      client.subscribe([deviceTopic(deviceId, 'config'), errorsTopic], { qos: 1 }, () => {
        if (generation !== this.generation) return;
        this.progress.connected = true;
        this.publishStatus(this.progress.dataMs);
        this.pump(this.fleet.now());
      });
    });
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        client.off('error', onError);
        resolve();
      };
      const onError = (err: Error) => {
        client.off('connect', onConnect);
        client.end(true);
        reject(new Error(`device ${deviceId}: ${err.message}`));
      };
      client.once('connect', onConnect);
      client.once('error', onError);
    });
  }

  /** A connection loss: unacknowledged batches stay in flash and are resent, oldest first, after reconnecting. */
  private goOffline(): void {
    this.offline = true;
    this.generation++;
    // One copy of each batch, oldest first (a duplicate and its original may both be unacknowledged).
    const byBatch = new Map<number, Sent>();
    for (const s of [...this.inFlight.values(), ...this.resend]) byBatch.set(s.b, s);
    this.resend = [...byBatch.values()].sort((a, z) => a.b - z.b);
    this.inFlight.clear();
    this.progress.inFlight = 0;
    this.progress.pending = this.resend.length;
    this.progress.connected = false;
    this.client?.end(true);
    this.client = null;
  }

  private goOnline(now: number): void {
    if (now < this.retryAt) return;
    this.offline = false;
    this.progress.reconnects++;
    this.connect().catch(() => {
      // Refused or unreachable: stay offline and try again in a second.
      this.offline = true;
      this.retryAt = this.fleet.now() + 1000;
    });
  }

  pump(now: number): void {
    const f = this.fleet;
    if (f.stopping) return;
    const clock = f.deviceClock(now, this.device.startMs);
    const dataClock = Math.min(clock, f.endMs);
    if (f.options.realism?.reconnectEveryS) {
      const inOutage = this.device.outagesBetween(clock, clock + 1).some((o) => o.start <= clock);
      if (inOutage && !this.offline && this.progress.connected) this.goOffline();
      else if (!inOutage && this.offline) this.goOnline(now);
    }
    const client = this.client;
    if (!client || !this.progress.connected || this.offline) return;
    while (this.inFlight.size < f.maxInFlight && this.resend.length > 0) {
      const s = this.resend.shift()!;
      this.progress.resent++;
      this.publish(client, s);
    }
    this.progress.pending = this.resend.length;
    while (this.inFlight.size < f.maxInFlight) {
      const b = this.progress.batches;
      const info = this.device.info(b);
      // Jitter delays a batch, but never past the end of the data.
      if (info.readyAt > f.endMs || Math.min(info.sendAt, f.endMs) > dataClock) break;
      this.progress.batches++;
      this.progress.dataMs = info.readyAt;
      if (info.dropped) {
        this.progress.dropped++;
        continue;
      }
      const sent: Sent = { b, seq: info.seq, t0: info.t0, payload: f.encode(this.device.frame(b)) };
      this.publish(client, sent);
      if (info.duplicated) {
        this.progress.duplicated++;
        this.publish(client, sent);
      }
    }
    if (f.statusEveryS > 0 && this.progress.dataMs >= this.nextStatusAt) this.publishStatus(this.progress.dataMs);
  }

  private publish(client: MqttClient, s: Sent): void {
    const id = this.publishId++;
    const generation = this.generation;
    this.inFlight.set(id, s);
    this.progress.inFlight = this.inFlight.size;
    this.progress.published++;
    const { onBatch } = this.fleet.options;
    onBatch?.({ deviceId: this.config.deviceId, seq: s.seq, t0: s.t0, kind: 'published', atMs: this.fleet.now() });
    client.publish(this.fleet.topic(this.config.deviceId), s.payload, { qos: 1 }, (err) => {
      if (generation !== this.generation) return;
      this.inFlight.delete(id);
      this.progress.inFlight = this.inFlight.size;
      if (err) {
        this.resend.push(s);
        return;
      }
      this.progress.acknowledged++;
      onBatch?.({ deviceId: this.config.deviceId, seq: s.seq, t0: s.t0, kind: 'acknowledged', atMs: this.fleet.now() });
      // Refill the window at once rather than on the next tick.
      this.pump(this.fleet.now());
    });
  }

  private publishStatus(dataMs: number): void {
    const client = this.client;
    if (!client || this.fleet.statusEveryS <= 0) return;
    this.nextStatusAt = dataMs + this.fleet.statusEveryS * 1000;
    const d = this.device;
    const sync = d.lastSync(dataMs);
    const oldest = [...this.inFlight.values(), ...this.resend].reduce<number | null>(
      (min, s) => (min === null || s.t0 < min ? s.t0 : min),
      null,
    );
    const status = encodeDeviceStatus({
      v: 1,
      t: Math.round(d.rtc(dataMs)),
      firmware: 'restpose-sim/1',
      uptimeS: Math.max(0, Math.floor((dataMs - d.startMs) / 1000)),
      // A day's battery: 100% at the start, a little under 4% per hour.
      battery: {
        percent: Math.max(0, 100 - ((dataMs - d.startMs) / 3_600_000) * 3.8),
        millivolts: null,
        charging: false,
      },
      clock: {
        source: 'ntp',
        lastSyncMs: sync ? Math.round(sync.at) : Math.round(d.startMs),
        lastStepMs: sync ? Math.round(sync.stepMs) : null,
        driftPpm: null,
      },
      buffer: {
        batches: this.inFlight.size + this.resend.length,
        oldestT0: oldest,
        nextSeq: d.info(this.progress.batches).seq,
        dropped: this.progress.dropped,
      },
      configIssuedAt: null,
    });
    this.progress.statusPublished++;
    const generation = this.generation;
    client.publish(deviceTopic(this.config.deviceId, 'status'), status, { qos: 1 }, (err) => {
      if (!err && generation === this.generation) this.progress.statusAcknowledged++;
    });
  }

  /** Everything produced so far is acknowledged and nothing remains to produce. */
  settled(): boolean {
    return (
      this.inFlight.size === 0 &&
      this.resend.length === 0 &&
      this.device.info(this.progress.batches).readyAt > this.fleet.endMs
    );
  }

  async close(): Promise<void> {
    this.generation++;
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync();
  }
}

/** Many simulated devices on one shared timer. */
export class DeviceFleet {
  readonly devices: FleetDevice[];
  readonly rateHz: number;
  readonly batchSeconds: number;
  readonly speed: number;
  readonly maxInFlight: number;
  readonly statusEveryS: number;
  readonly signal: 'physical' | 'loop';
  readonly startMs: number;
  endMs: number;
  private wallStart = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Set by stop(): nothing new is published while the last acknowledgements drain. */
  stopping = false;
  private readonly topics = new Map<string, string>();
  readonly encode: (frame: ImuFrame) => Buffer | string;

  constructor(readonly options: FleetOptions) {
    if (options.devices.length === 0) throw new Error('devices: expected at least one device');
    this.rateHz = options.rateHz ?? 50;
    this.batchSeconds = options.batchSeconds ?? 1;
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0)) throw new Error('speed: expected a positive number or Infinity');
    this.maxInFlight = options.maxInFlight ?? 10;
    this.statusEveryS = options.statusEveryS ?? 900;
    const signal = options.signal ?? 'auto';
    this.signal = signal === 'auto' ? (options.devices.length <= 50 ? 'physical' : 'loop') : signal;
    this.startMs = options.startMs ?? this.now();
    this.endMs = options.endMs ?? Number.POSITIVE_INFINITY;
    this.encode =
      options.encoding === 'json'
        ? (frame) => encodeJsonFrame(frame)
        : (frame) => {
            const bytes = encodeBinaryFrame(frame);
            return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          };
    const batchMs = this.batchSeconds * 1000;
    this.devices = options.devices.map((config, i) => {
      const seed = config.seed ?? deriveSeed(options.seed, 'fleet-device', i);
      // Unsynchronized devices: each starts somewhere within the first batch period.
      const phase = options.stagger === false ? 0 : Math.floor((mix32(seed) / 4294967296) * batchMs);
      return new FleetDevice(this, config, seed, (config.startMs ?? this.startMs) + phase);
    });
  }

  now(): number {
    return (this.options.now ?? Date.now)();
  }

  topic(deviceId: string): string {
    let t = this.topics.get(deviceId);
    if (!t) {
      t = deviceTopic(deviceId, 'imu');
      this.topics.set(deviceId, t);
    }
    return t;
  }

  /**
   * A device's clock: `speed` times the wall time since start, never past now. Data stops at endMs, but the clock
   * runs on, so an outage that spans the end of the data still ends.
   */
  deviceClock(now: number, deviceStartMs: number): number {
    const elapsed = now - this.wallStart;
    const replayed = this.speed === Number.POSITIVE_INFINITY ? now : deviceStartMs + this.speed * elapsed;
    return Math.min(now, replayed);
  }

  /** Connects every device (a few at a time), then starts publishing. */
  async start(): Promise<void> {
    const concurrency = this.options.connectConcurrency ?? 50;
    let next = 0;
    const worker = async () => {
      while (next < this.devices.length) await this.devices[next++]!.connect();
    };
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, this.devices.length) }, worker));
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.wallStart = this.now();
    if (this.options.live === false && this.options.endMs === undefined) this.endMs = this.wallStart;
    const tick = () => {
      const now = this.now();
      for (const d of this.devices) d.pump(now);
    };
    this.timer = setInterval(tick, 20);
    tick();
  }

  progress(): FleetProgress {
    const now = this.now();
    const total: FleetProgress = {
      ...zeroCounters(),
      devices: this.devices.length,
      connected: 0,
      samples: 0,
      dataMs: Number.POSITIVE_INFINITY,
      caughtUp: 0,
    };
    for (const d of this.devices) {
      const p = d.progress;
      for (const k of PROGRESS_COUNTERS) total[k] += p[k];
      if (p.connected) total.connected++;
      total.samples += (p.batches - p.dropped) * d.device.samplesPerBatch;
      total.dataMs = Math.min(total.dataMs, p.dataMs);
      if (p.dataMs >= Math.min(now, this.endMs) - 2 * this.batchSeconds * 1000) total.caughtUp++;
    }
    return total;
  }

  /** Resolves once every device has produced everything up to endMs and had it acknowledged. */
  async settled(timeoutMs = 60_000): Promise<void> {
    if (!Number.isFinite(this.endMs)) throw new Error('settled: only for a fleet with an end (live: false or endMs)');
    const deadline = Date.now() + timeoutMs;
    while (!this.devices.every((d) => d.settled())) {
      if (Date.now() > deadline)
        throw new Error(`fleet not settled within ${timeoutMs} ms: ${JSON.stringify(this.progress())}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops publishing and disconnects; waits up to drainMs for outstanding acknowledgements first. */
  async stop(drainMs = 5000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const deadline = Date.now() + drainMs;
    while (this.devices.some((d) => d.progress.inFlight > 0 && d.progress.connected) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(this.devices.map((d) => d.close()));
  }
}
