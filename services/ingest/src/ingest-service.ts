// The ingest service: consumes device telemetry, acknowledges a batch only once it is in the local spool, drains the
// spool into the store (dedup by seq, drift-corrected timestamps, live posture epochs), and refuses bad data with a
// code on the device's errors topic and a dead letter, without ever blocking the valid traffic behind it.
import { join } from 'node:path';
import {
  allDevicesFilter,
  deviceTopic,
  encodeDeviceError,
  isValidDeviceId,
  type Rejection,
  sharedFilter,
} from '@restpose/protocol';
import type { PostureModel } from '@restpose/signal';
import type { Logger } from 'pino';
import type { RefusedPublish } from './embedded-broker.js';
import { judgePublish } from './judge.js';
import { LiveAnalysis } from './live-analysis.js';
import { IngestMetrics } from './metrics.js';
import { type Delivery, MqttConsumer } from './mqtt-consumer.js';
import { NightFinalizer } from './night-finalizer.js';
import { RegistryCache } from './registry-cache.js';
import { RejectionBudget } from './rejection-budget.js';
import { encodeBatchRecord, encodeDeadLetterRecord } from './spool/records.js';
import { type FsyncPolicy, Spool } from './spool/spool.js';
import type { IngestStore } from './store-port.js';
import { StoreWriter } from './store-writer.js';

/** A dead-letter payload is kept up to this many bytes (a valid frame is at most 256 KiB, as JSON). */
const MAX_LETTER_PAYLOAD = 256 * 1024;

export interface IngestOptions {
  brokerUrl: string;
  username: string;
  password: string;
  /** Fixed client id, so the broker keeps the session (and queued batches) across restarts. */
  clientId: string;
  /** MQTT shared-subscription group; null subscribes directly (the embedded aedes broker has no $share). */
  shareGroup: string | null;
  /** 4 (MQTT 3.1.1) for the embedded aedes broker, 5 for Mosquitto. */
  protocolVersion?: 4 | 5;
  sessionExpirySeconds?: number;
  receiveMaximum?: number;
  store: IngestStore;
  logger: Logger;
  /** Spool directory (one per ingest process). */
  spoolDir: string;
  spoolMaxBytes?: number;
  fsync?: FsyncPolicy;
  fsyncIntervalMs?: number;
  /** Samples per store write round. */
  roundSamples?: number;
  writeConcurrency?: number;
  /** Live analysis epoch length; 0 turns live analysis off. */
  epochSeconds: number;
  /** A device silent this long with a bed period open has its night computed anyway (minutes, default 120). */
  nightCutoffMinutes?: number;
  /** Refusals kept as dead letters (and answered on the errors topic) per device per hour. */
  deadLettersPerHour?: number;
  limits?: Partial<HealthLimits>;
  metrics?: IngestMetrics;
  now?: () => number;
  /** Posture model of the live epochs and the nights (default: the angle rule); each device's analyzer takes its own session. */
  postureModel?: PostureModel;
}

export interface HealthLimits {
  /** Spool use (share of its bound) that makes health "degraded" and logs a warning. */
  spoolWarn: number;
  /** Spool use that makes health "down". */
  spoolFail: number;
  /** Store lag (seconds) that makes health "degraded". */
  lagWarnSeconds: number;
  /** Store lag that makes health "down". */
  lagFailSeconds: number;
}

export const DEFAULT_LIMITS: HealthLimits = {
  spoolWarn: 0.8,
  spoolFail: 0.95,
  lagWarnSeconds: 30,
  lagFailSeconds: 300,
};

export interface IngestHealth {
  state: 'up' | 'degraded' | 'down';
  /** Why it is not up. */
  reasons: string[];
  connected: boolean;
  spool: { usedBytes: number; maxBytes: number; backlogBytes: number; heldBatches: number };
  storeLagSeconds: number;
}

interface Refusal {
  receivedAt: number;
  deviceId: string | null;
  clientId: string | null;
  topic: string;
  payload: Buffer;
  rejection: Rejection;
}

interface Held {
  delivery: Delivery;
  receivedAt: number;
}

export class IngestService {
  readonly metrics: IngestMetrics;
  private spool: Spool | null = null;
  private writer: StoreWriter | null = null;
  private analysis: LiveAnalysis | null = null;
  private finalizer: NightFinalizer | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private consumer: MqttConsumer | null = null;
  private readonly registry: RegistryCache;
  private readonly budget: RejectionBudget;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly limits: HealthLimits;
  private held: Held[] = [];
  private heldTimer: NodeJS.Timeout | null = null;
  private accepting = false;
  private warnedSpool = false;

  constructor(private readonly options: IngestOptions) {
    this.log = options.logger.child({ component: 'ingest' });
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics ?? new IngestMetrics();
    this.registry = new RegistryCache({ store: options.store, now: this.now });
    this.budget = new RejectionBudget({ perHour: options.deadLettersPerHour ?? 1000, now: this.now });
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  async start(): Promise<void> {
    const o = this.options;
    const spool = Spool.open({
      dir: o.spoolDir,
      maxBytes: o.spoolMaxBytes ?? 2 * 1024 ** 3,
      fsync: o.fsync ?? 'interval',
      fsyncIntervalMs: o.fsyncIntervalMs ?? 100,
    });
    this.spool = spool;
    if (spool.log.truncatedBytes > 0) {
      this.log.warn({ bytes: spool.log.truncatedBytes }, 'spool: a torn record at the tail was removed (never acked)');
    }
    spool.onError((err) => this.log.fatal({ err }, 'spool write failed; no batch is acknowledged until restart'));
    this.metrics.spoolLimitBytes.set(spool.maxBytes);
    if (o.epochSeconds > 0) {
      this.analysis = new LiveAnalysis({
        epochSeconds: o.epochSeconds,
        idleCutoffMs: (o.nightCutoffMinutes ?? 120) * 60_000,
        postureModel: o.postureModel,
      });
      this.finalizer = new NightFinalizer({
        store: o.store,
        registry: this.registry,
        epochSeconds: o.epochSeconds,
        dir: o.spoolDir,
        logger: o.logger,
        metrics: this.metrics,
        now: this.now,
        postureModel: o.postureModel,
      });
      this.finalizer.start();
      const analysis = this.analysis;
      const finalizer = this.finalizer;
      this.idleTimer = setInterval(() => {
        for (const { deviceId, period, rateHz } of analysis.idle(this.now())) {
          finalizer.schedule(deviceId, period.start, period.end, rateHz);
        }
      }, 60_000);
      this.idleTimer.unref();
    }
    this.writer = new StoreWriter({
      spool,
      store: o.store,
      registry: this.registry,
      analysis: this.analysis,
      metrics: this.metrics,
      logger: o.logger,
      roundSamples: o.roundSamples ?? 20_000,
      concurrency: o.writeConcurrency ?? 2,
      lingerMs: 20,
      writeTimeoutMs: 30_000,
      backoff: { initialMs: 200, maxMs: 10_000 },
      snapshotEveryMs: 10_000,
      checkpointEveryMs: 250,
      onRefused: (deviceId, rejection) => this.answer(deviceId, rejection),
      onBedPeriod: (deviceId, period, rateHz) => this.finalizer?.schedule(deviceId, period.start, period.end, rateHz),
      now: this.now,
    });
    this.writer.start();

    this.accepting = true;
    this.consumer = new MqttConsumer(
      {
        brokerUrl: o.brokerUrl,
        username: o.username,
        password: o.password,
        clientId: o.clientId,
        protocolVersion: o.protocolVersion ?? 5,
        sessionExpirySeconds: o.sessionExpirySeconds ?? 7 * 24 * 3600,
        receiveMaximum: o.receiveMaximum ?? 1000,
        filter: o.shareGroup ? sharedFilter(o.shareGroup, 'imu') : allDevicesFilter('imu'),
        logger: o.logger,
      },
      (delivery) => this.onDelivery(delivery),
    );
    await this.consumer.start();
    this.heldTimer = setInterval(() => this.releaseHeld(), 100);
    this.heldTimer.unref();
  }

  private onDelivery(delivery: Delivery): void {
    // While stopping nothing is appended or acknowledged: the broker keeps the batch for the next start.
    if (!this.accepting) return;
    const receivedAt = this.now();
    if (this.held.length > 0 || !this.take(delivery, receivedAt)) {
      this.held.push({ delivery, receivedAt });
      this.metrics.heldBatches.set(this.held.length);
    }
  }

  /** Judges and spools one delivery; false when the spool has no room (it is then held, unacknowledged). */
  private take(delivery: Delivery, receivedAt: number): boolean {
    const spool = this.spool!;
    const { topic, payload } = delivery;
    const verdict = judgePublish(topic, payload, receivedAt);
    if (verdict.kind === 'batch') {
      if (!spool.append(encodeBatchRecord(verdict.deviceId, receivedAt, payload), delivery.ack)) return false;
      this.metrics.acceptedBatches.inc();
      this.metrics.acceptedSamples.inc(verdict.samples);
      this.metrics.deviceLastSeen.set({ device: verdict.deviceId }, receivedAt / 1000);
      return true;
    }
    return this.refuse(
      { receivedAt, deviceId: verdict.deviceId, clientId: null, topic, payload, rejection: verdict.rejection },
      delivery.ack,
    );
  }

  /**
   * Counts a refusal and, within the device's budget, spools it as a dead letter (acknowledging the publish once
   * that is durable) and answers it on the device's errors topic. False when the spool has no room.
   */
  private refuse(refusal: Refusal, ack: () => void): boolean {
    const { deviceId, rejection } = refusal;
    const { keep, warn } = this.budget.take(deviceId ?? '(no device)');
    if (keep) {
      const letter = encodeDeadLetterRecord(
        {
          receivedAt: refusal.receivedAt,
          deviceId,
          clientId: refusal.clientId,
          topic: refusal.topic.slice(0, 1024),
          code: rejection.code,
          reason: rejection.message,
        },
        refusal.payload.subarray(0, MAX_LETTER_PAYLOAD),
      );
      if (!this.spool!.append(letter, ack)) return false;
    } else {
      // Over budget: counted, not kept; acknowledged so it does not come back.
      ack();
      this.metrics.deadLettersDropped.inc();
      if (warn)
        this.log.warn({ deviceId, code: rejection.code }, 'dead-letter budget spent; further refusals counted only');
    }
    this.metrics.rejected.inc({ code: rejection.code });
    this.log.debug({ deviceId, topic: refusal.topic, ...rejection }, 'payload refused');
    if (keep && deviceId) this.answer(deviceId, rejection);
    return true;
  }

  /** Publishes the refusal on the device's errors topic. */
  private answer(deviceId: string, rejection: Rejection): void {
    if (!isValidDeviceId(deviceId)) return;
    this.consumer?.publish(deviceTopic(deviceId, 'errors'), encodeDeviceError(rejection, 'imu', this.now()));
  }

  /** Retries held deliveries in order once the drain has freed room. */
  private releaseHeld(): void {
    let n = 0;
    while (n < this.held.length && this.take(this.held[n]!.delivery, this.held[n]!.receivedAt)) n++;
    if (n > 0) this.held = this.held.slice(n);
    this.metrics.heldBatches.set(this.held.length);
    this.updateGauges();
  }

  /** A publish the embedded broker refused (wrong topic, another device's topic), from the device that sent it. */
  recordBrokerRefusal(refusal: RefusedPublish): void {
    if (!this.spool) return;
    // The broker closes that connection: there is no publish to acknowledge, and a full spool only loses the letter.
    if (!this.refuse({ ...refusal, receivedAt: this.now() }, () => {})) {
      this.metrics.rejected.inc({ code: refusal.rejection.code });
      this.metrics.deadLettersDropped.inc();
    }
  }

  private updateGauges(): void {
    const spool = this.spool;
    if (!spool) return;
    this.metrics.spoolBytes.set(spool.usedBytes);
    this.metrics.spoolBacklogBytes.set(spool.log.writtenOffset - (this.writer?.committedOffset ?? 0));
    this.metrics.storeLagSeconds.set(this.writer?.lagSeconds ?? 0);
    this.metrics.connected.set(this.consumer?.connected ? 1 : 0);
    const h = this.health();
    this.metrics.healthState.set(h.state === 'up' ? 2 : h.state === 'degraded' ? 1 : 0);
    const use = spool.usedBytes / spool.maxBytes;
    if (use >= this.limits.spoolWarn && !this.warnedSpool) {
      this.warnedSpool = true;
      this.log.warn(
        { usedBytes: spool.usedBytes, maxBytes: spool.maxBytes },
        `spool ${Math.round(use * 100)}% full: the store is not keeping up; at 100% batches stay unacknowledged at the broker`,
      );
    } else if (use < this.limits.spoolWarn * 0.9) {
      this.warnedSpool = false;
    }
  }

  health(): IngestHealth {
    const spool = this.spool;
    const reasons: string[] = [];
    let state: IngestHealth['state'] = 'up';
    const worsen = (to: 'degraded' | 'down', why: string) => {
      reasons.push(why);
      if (to === 'down' || state === 'up') state = to;
    };
    const connected = this.consumer?.connected ?? false;
    if (!connected) worsen('down', 'not connected to the broker');
    if (!spool)
      return {
        state: 'down',
        reasons: ['not started'],
        connected,
        spool: { usedBytes: 0, maxBytes: 0, backlogBytes: 0, heldBatches: 0 },
        storeLagSeconds: 0,
      };
    if (spool.error) worsen('down', `spool failed: ${spool.error.message}`);
    const use = spool.usedBytes / spool.maxBytes;
    if (use >= this.limits.spoolFail) worsen('down', `spool ${Math.round(use * 100)}% full`);
    else if (use >= this.limits.spoolWarn) worsen('degraded', `spool ${Math.round(use * 100)}% full`);
    const lag = this.writer?.lagSeconds ?? 0;
    if (lag >= this.limits.lagFailSeconds) worsen('down', `store ${Math.round(lag)} s behind`);
    else if (lag >= this.limits.lagWarnSeconds) worsen('degraded', `store ${Math.round(lag)} s behind`);
    return {
      state,
      reasons,
      connected,
      spool: {
        usedBytes: spool.usedBytes,
        maxBytes: spool.maxBytes,
        backlogBytes: spool.log.writtenOffset - (this.writer?.committedOffset ?? 0),
        heldBatches: this.held.length,
      },
      storeLagSeconds: lag,
    };
  }

  /**
   * Stops taking batches, drains the spool into the store for up to `drainMs`, and closes. Normally the broker keeps
   * this consumer's session and queues its share until it returns; with `leaveGroup` it first leaves the shared
   * subscription and takes what was already queued for it, then ends the session (for a member removed for good;
   * never for the only member, or batches published meanwhile would have no subscriber).
   */
  async stop(drainMs = 10_000, options: { leaveGroup?: boolean } = {}): Promise<void> {
    if (options.leaveGroup) await this.consumer?.leave();
    this.accepting = false;
    if (this.heldTimer) clearInterval(this.heldTimer);
    this.held = [];
    // Acknowledge what is already spooled before leaving the broker.
    await this.spool?.settle().catch((err: Error) => this.log.error({ err }, 'spool sync failed at stop'));
    await this.consumer?.stop({ endSession: options.leaveGroup });
    this.consumer = null;
    await this.writer?.stop(drainMs);
    if (this.idleTimer) clearInterval(this.idleTimer);
    await this.finalizer?.stop();
    await this.spool?.close();
    this.spool = null;
  }
}

export function defaultSpoolDir(dataDir: string): string {
  return join(dataDir, 'spool');
}
