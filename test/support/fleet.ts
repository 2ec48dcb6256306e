// A fleet of test devices with perfect clocks for the ingest fault tests: every device publishes batch `seq` with
// t0 = start + seq * 1 s (50 samples at 50 Hz), so the sample times of every batch are known exactly, and the fleet
// remembers which batches the broker acknowledged. `verifyExactlyOnce` then checks the store against them.
import type { Store } from '@restpose/store';
import type { MqttClient } from 'mqtt';
import { connectDevice, FrameTemplate, publishBatch } from './devices.js';

export interface FleetDevice {
  deviceId: string;
  secret: string;
}

export const BATCH_MS = 1000;
export const SAMPLES = 50;
const SAMPLE_MS = BATCH_MS / SAMPLES;

export class TestFleet {
  readonly acked = new Map<string, Set<number>>();
  readonly published = new Map<string, Set<number>>();
  private clients: MqttClient[] = [];
  private timer: NodeJS.Timeout | null = null;
  private nextSeq = 0;
  private readonly frames = new FrameTemplate(SAMPLES, 1000 / SAMPLE_MS);
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly brokerUrl: string,
    readonly devices: FleetDevice[],
    /** t0 of batch 0, whole seconds. */
    readonly start: number,
  ) {
    for (const d of devices) {
      this.acked.set(d.deviceId, new Set());
      this.published.set(d.deviceId, new Set());
    }
  }

  async connect(): Promise<void> {
    this.clients = await Promise.all(this.devices.map((d) => connectDevice(this.brokerUrl, d.deviceId, d.secret)));
  }

  /** The MQTT client of a device (after `connect`). */
  client(deviceId: string): MqttClient {
    const k = this.devices.findIndex((d) => d.deviceId === deviceId);
    if (k < 0 || !this.clients[k]) throw new Error(`no client for ${deviceId}`);
    return this.clients[k]!;
  }

  /** Publishes the next batch of every device, now. */
  publishNext(): void {
    const seq = this.nextSeq++;
    this.devices.forEach((d, k) => {
      this.published.get(d.deviceId)!.add(seq);
      const work = publishBatch(this.clients[k]!, d.deviceId, this.frames.frame(seq, this.start + seq * BATCH_MS)).then(
        () => void this.acked.get(d.deviceId)!.add(seq),
        () => {}, // not acknowledged: the device would keep it in flash; the test only requires acknowledged ones
      );
      this.pending.add(work);
      void work.finally(() => this.pending.delete(work));
    });
  }

  /** Publishes one batch per device every `periodMs` until `stop`. */
  run(periodMs = BATCH_MS): void {
    this.timer = setInterval(() => this.publishNext(), periodMs);
  }

  get batchesPublished(): number {
    return this.nextSeq;
  }

  /** Stops publishing and waits for the broker's answers to what was published. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    await this.stop();
    await Promise.all(this.clients.map((c) => c.endAsync()));
  }

  get ackedCount(): number {
    let n = 0;
    for (const s of this.acked.values()) n += s.size;
    return n;
  }
}

export interface ExactlyOnceReport {
  devices: number;
  ackedBatches: number;
  storedSamples: number;
  /** Acknowledged samples the store lacks. */
  missing: number;
  /** Stored samples at times no published batch has (a shifted or corrupted copy). */
  unexpected: number;
}

/**
 * Reads every device's samples back and compares them with the batches the broker acknowledged: each acknowledged
 * sample must be there, at its exact time, and nothing else may be (a batch stored twice would need a second set
 * of times, since the store keeps one sample per device and time).
 */
export async function verifyExactlyOnce(store: Store, fleet: TestFleet): Promise<ExactlyOnceReport> {
  const report: ExactlyOnceReport = { devices: 0, ackedBatches: 0, storedSamples: 0, missing: 0, unexpected: 0 };
  const end = fleet.start + (fleet.batchesPublished + 1) * BATCH_MS;
  for (const d of fleet.devices) {
    const stored = await store.readSamples(d.deviceId, { from: fleet.start - 60_000, to: end + 60_000 });
    const times = new Set(stored.t);
    report.devices++;
    report.storedSamples += stored.t.length;
    const published = fleet.published.get(d.deviceId)!;
    for (const t of stored.t) {
      const seq = Math.floor((t - fleet.start) / BATCH_MS);
      const onGrid = (t - fleet.start - seq * BATCH_MS) % SAMPLE_MS === 0;
      if (!published.has(seq) || !onGrid) report.unexpected++;
    }
    for (const seq of fleet.acked.get(d.deviceId)!) {
      report.ackedBatches++;
      for (let i = 0; i < SAMPLES; i++) {
        if (!times.has(fleet.start + seq * BATCH_MS + i * SAMPLE_MS)) report.missing++;
      }
    }
  }
  return report;
}
