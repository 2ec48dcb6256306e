// Drains the spool into the store in large rounds (many devices, thousands of samples per write). Building a round
// is a pure function of the spooled records in order (decode, dedup by seq, drift-corrected timestamps, live
// analysis), so it never fails; writing it is retried with backoff until the store takes it. The read cursor is
// committed only after the store has acknowledged everything before it, with a snapshot of the tracker now and then
// so that after a crash the drain replays from the snapshot and restarts exactly where the store's data ends.
import {
  type DeadLetter,
  decodeImuPayload,
  isValidDeviceId,
  type PostureEpoch,
  type Rejection,
  TOPIC_ROOT,
} from '@restpose/protocol';
import type { AnalyzedEpoch, BedPeriod, Mat3 } from '@restpose/signal';
import { type SampleBatch, StoreConflictError, StoreInputError, StoreRequestError, subjectAt } from '@restpose/store';
import type { Logger } from 'pino';
import type { AnalysisBatch, LiveAnalysis } from './live-analysis.js';
import type { IngestMetrics } from './metrics.js';
import type { RegistryCache } from './registry-cache.js';
import { decodeSpoolRecord } from './spool/records.js';
import type { Spool } from './spool/spool.js';
import type { IngestStore } from './store-port.js';
import { type FleetState, FleetTracker, sampleTimes } from './tracking/fleet-tracker.js';

export interface StoreWriterOptions {
  spool: Spool;
  store: IngestStore;
  registry: RegistryCache;
  analysis: LiveAnalysis | null;
  metrics: IngestMetrics;
  logger: Logger;
  /** Samples per store write round (many devices per round). */
  roundSamples: number;
  /** Rounds written at the same time. */
  concurrency: number;
  /** When less than a round is waiting, wait this long for more before writing. */
  lingerMs: number;
  /** A store write that takes longer counts as failed (and is retried; writes are idempotent). */
  writeTimeoutMs: number;
  backoff: { initialMs: number; maxMs: number };
  snapshotEveryMs: number;
  checkpointEveryMs: number;
  /** Called once the data that confirmed a device's final rise is stored. */
  onBedPeriod?(deviceId: string, period: BedPeriod, rateHz: number): void;
  /** Called for a batch refused at the drain (its device is unknown or revoked). */
  onRefused?(deviceId: string, rejection: Rejection): void;
  now?: () => number;
}

interface StoredBatch {
  batch: SampleBatch;
  seq: number;
  receivedAt: number;
  /** As received, for a dead letter if the device turns out to be unknown. */
  payload: Uint8Array;
}

interface Round {
  end: number;
  batches: StoredBatch[];
  samples: number;
  deadLetters: DeadLetter[];
  analyzed: Array<{ deviceId: string; epoch: AnalyzedEpoch }>;
  /** Batches for the live analysis, in spool order (analysed before the round is written). */
  toAnalyse: Array<{ deviceId: string; batch: AnalysisBatch; rateHz: number; receivedAt: number }>;
  /** Bed periods this round's data closed: their nights are computed once the round is stored. */
  periods: Array<{ deviceId: string; period: BedPeriod; rateHz: number }>;
  /** Letters already in the store (a retried round does not write them twice). */
  lettersWritten: Set<string>;
  oldestReceivedAt: number;
  snapshot: FleetState | null;
  done: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const LETTER_CONCURRENCY = 16;

/** Errors the store will give again for the same request: retrying cannot help. */
const isPermanent = (err: unknown) =>
  err instanceof StoreInputError || err instanceof StoreRequestError || err instanceof StoreConflictError;

const imuTopic = (deviceId: string) => `${TOPIC_ROOT}/${deviceId}/imu`;
const unknownReason = (b: StoredBatch) =>
  `device ${b.batch.deviceId} is not registered or was revoked when batch ${b.seq} arrived`;
const letterKey = (l: DeadLetter) => `${l.receivedAt}|${l.deviceId}|${l.code}|${l.topic}|${l.payload}`;

/** A dead letter within the store's field limits. */
function deadLetter(
  from: { receivedAt: number; deviceId: string | null },
  topic: string,
  code: string,
  reason: string,
  payload: Uint8Array,
): DeadLetter {
  return {
    receivedAt: Math.round(from.receivedAt),
    deviceId: from.deviceId !== null && isValidDeviceId(from.deviceId) ? from.deviceId : null,
    topic: topic.slice(0, 1024),
    code: code.slice(0, 64),
    reason: reason.slice(0, 2000),
    payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64'),
  };
}

const batchLetter = (b: StoredBatch, code: string, reason: string) =>
  deadLetter(
    { receivedAt: b.receivedAt, deviceId: b.batch.deviceId },
    imuTopic(b.batch.deviceId),
    code,
    reason,
    b.payload,
  );

export class StoreWriter {
  private tracker = new FleetTracker();
  private readOffset = 0;
  private committed = 0;
  private snapshotOffset: number | null = null;
  private pendingSnapshot: { offset: number; state: FleetState } | null = null;
  private lastSnapshotAt: number;
  private lastCheckpointAt = 0;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private readonly inflight: Round[] = [];
  private stopping = false;
  private deadline = Number.POSITIVE_INFINITY;
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly options: StoreWriterOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.logger.child({ component: 'store-writer' });
    this.lastSnapshotAt = this.now();
    options.spool.onAppend(() => this.wake());
  }

  /** Restores the tracker (snapshot, then replay up to the cursor) and starts draining. */
  start(): void {
    this.recover();
    this.loop = this.run().catch((err: Error) => this.log.fatal({ err }, 'store writer stopped'));
  }

  /** Seconds since the oldest batch not yet in the store reached ingest. */
  get lagSeconds(): number {
    const first = this.inflight[0];
    return first ? Math.max(0, (this.now() - first.oldestReceivedAt) / 1000) : 0;
  }

  get committedOffset(): number {
    return this.committed;
  }

  private recover(): void {
    const { spool } = this.options;
    const { cursor, snapshot } = spool.checkpoint;
    this.tracker =
      snapshot === null ? new FleetTracker() : FleetTracker.restore(spool.loadSnapshot(snapshot) as FleetState);
    this.snapshotOffset = snapshot;
    let offset = snapshot ?? spool.log.startOffset;
    let replayed = 0;
    while (offset < cursor) {
      const { records, next } = spool.log.read(offset, 1 << 20);
      if (records.length === 0) break;
      for (const r of records) {
        if (r.offset >= cursor) break;
        const record = decodeSpoolRecord(r.body);
        if (record.kind !== 'batch') continue;
        const decoded = decodeImuPayload(record.payload, record.receivedAt);
        if (decoded.ok) {
          const b = decoded.value;
          this.tracker.track(record.deviceId, b.seq, b.t0, b.ax.length, b.rateHz);
          replayed++;
        }
      }
      offset = Math.min(next, cursor);
    }
    this.readOffset = cursor;
    this.committed = cursor;
    const backlog = spool.log.writtenOffset - cursor;
    this.log.info({ cursor, snapshot, replayed, backlogBytes: backlog }, 'spool recovered');
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  private waitForWork(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    const { spool, concurrency, lingerMs, roundSamples } = this.options;
    for (;;) {
      if (this.stopping && (this.now() > this.deadline || this.caughtUp())) break;
      if (this.inflight.length >= concurrency) {
        await this.waitForWork(50);
        continue;
      }
      const waiting = spool.log.writtenOffset - this.readOffset;
      if (waiting === 0) {
        if (this.stopping && this.inflight.length === 0) break;
        // Caught up with nothing new: the only way a full spool (holding batches back) gets room is a snapshot here.
        this.snapshotWhenIdle();
        if (this.pendingSnapshot) this.persist();
        await this.waitForWork(this.stopping ? 20 : 1000);
        continue;
      }
      // A few bytes per sample: below a round's worth, give the next appends a moment to join this round.
      if (!this.stopping && waiting < roundSamples * 4 && this.inflight.length > 0) await sleep(lingerMs);
      else if (!this.stopping && waiting < roundSamples * 4) await sleep(Math.min(lingerMs, 5));
      const round = this.buildRound();
      if (round.end === this.readOffset) {
        // Nothing readable yet (cannot happen with whole records; a guard against spinning).
        await sleep(50);
        continue;
      }
      this.readOffset = round.end;
      await this.analyse(round);
      this.inflight.push(round);
      void this.writeRound(round);
    }
    while (this.inflight.length > 0 && this.now() <= this.deadline) await this.waitForWork(20);
  }

  private caughtUp(): boolean {
    return this.inflight.length === 0 && this.readOffset >= this.options.spool.log.writtenOffset;
  }

  /** Turns the next spooled records into a round; pure apart from reading the spool. */
  private buildRound(): Round {
    const { spool, metrics, analysis, roundSamples } = this.options;
    const round: Round = {
      end: this.readOffset,
      batches: [],
      samples: 0,
      deadLetters: [],
      analyzed: [],
      toAnalyse: [],
      periods: [],
      lettersWritten: new Set(),
      oldestReceivedAt: Number.POSITIVE_INFINITY,
      snapshot: null,
      done: false,
    };
    const { records, next, skippedBytes } = spool.log.read(this.readOffset, Math.max(64 * 1024, roundSamples * 8));
    if (skippedBytes > 0) this.log.error({ skippedBytes, at: this.readOffset }, 'damaged spool bytes skipped');
    if (records.length === 0) {
      round.end = next;
      return round;
    }
    for (const r of records) {
      round.end = r.end;
      const record = decodeSpoolRecord(r.body);
      round.oldestReceivedAt = Math.min(round.oldestReceivedAt, record.receivedAt);
      if (record.kind === 'deadLetter') {
        const reason = record.clientId ? `${record.reason} (client ${record.clientId})` : record.reason;
        round.deadLetters.push(deadLetter(record, record.topic, record.code, reason, record.payload));
        continue;
      }
      const decoded = decodeImuPayload(record.payload, record.receivedAt);
      if (!decoded.ok) {
        // Accepted payloads decoded on arrival; this is a changed decoder or a damaged record. Keep it as a letter.
        const reason = `spooled batch no longer decodes: ${decoded.error.message}`;
        round.deadLetters.push(
          deadLetter(record, imuTopic(record.deviceId), decoded.error.code, reason, record.payload),
        );
        continue;
      }
      const b = decoded.value;
      const n = b.ax.length;
      const tracked = this.tracker.track(record.deviceId, b.seq, b.t0, n, b.rateHz);
      this.countVerdict(record.deviceId, tracked.verdict);
      if (!tracked.store) continue;
      const t = sampleTimes(b.t0, n, tracked.intervalMs);
      round.batches.push({
        batch: { deviceId: record.deviceId, t, ax: b.ax, ay: b.ay, az: b.az, gyro: b.gyro },
        seq: b.seq,
        receivedAt: record.receivedAt,
        payload: record.payload,
      });
      round.samples += n;
      if (analysis) {
        round.toAnalyse.push({
          deviceId: record.deviceId,
          batch: { ...b, intervalMs: tracked.intervalMs },
          rateHz: b.rateHz,
          receivedAt: record.receivedAt,
        });
      }
      if (round.samples >= roundSamples) break;
    }
    if (this.now() - this.lastSnapshotAt >= this.options.snapshotEveryMs) {
      round.snapshot = this.tracker.snapshot();
      this.lastSnapshotAt = this.now();
      for (const id of Object.keys(round.snapshot.devices)) {
        const ppm = this.tracker.ppm(id);
        if (ppm !== null) metrics.deviceDriftPpm.set({ device: id }, ppm);
      }
    }
    return round;
  }

  private countVerdict(deviceId: string, verdict: ReturnType<FleetTracker['track']>['verdict']): void {
    const { metrics } = this.options;
    switch (verdict.kind) {
      case 'duplicate':
        metrics.duplicates.inc();
        metrics.deviceDuplicates.inc({ device: deviceId });
        break;
      case 'next':
        if (verdict.missing > 0) {
          metrics.missingBatches.inc(verdict.missing);
          metrics.deviceMissing.inc({ device: deviceId }, verdict.missing);
          this.log.info({ deviceId, missing: verdict.missing }, 'sequence gap');
        }
        break;
      case 'late':
      case 'old':
        metrics.lateBatches.inc();
        break;
      case 'restart':
        this.log.warn({ deviceId }, 'device batch numbering started over');
        break;
    }
  }

  /**
   * Runs the round's batches through the live analysis in spool order, in the body axes of each device's registered
   * mounting. The registry is asked (not just its cache), so a device's first batches already use its mounting;
   * batches of devices the registry does not know are left to the write, which refuses them.
   */
  private async analyse(round: Round): Promise<void> {
    const { analysis, registry } = this.options;
    if (!analysis) return;
    for (const { deviceId, batch, rateHz, receivedAt } of round.toAnalyse) {
      // A store that cannot answer leaves the last good copy of the registry (or none: device axes as body axes).
      const device = await registry.device(deviceId).catch(() => registry.cached(deviceId) ?? undefined);
      if (device === null) continue;
      const mounting = (device?.mounting?.deviceToBody as Mat3 | undefined) ?? null;
      const out = analysis.push(deviceId, batch, mounting, receivedAt);
      for (const epoch of out.epochs) round.analyzed.push({ deviceId, epoch });
      for (const period of out.periods) round.periods.push({ deviceId, period, rateHz });
    }
    round.toAnalyse = [];
  }

  private async writeRound(round: Round): Promise<void> {
    const { metrics, backoff } = this.options;
    let delay = backoff.initialMs;
    let stored: { batches: number; samples: number };
    for (let attempt = 1; ; attempt++) {
      const timer = metrics.storeWriteSeconds.startTimer();
      try {
        stored = await this.withTimeout(this.writeOnce(round));
        timer();
        break;
      } catch (err) {
        metrics.storeErrors.inc();
        if (attempt === 1 || attempt % 10 === 0) {
          this.log.error({ err, attempt, retryInMs: delay }, 'store write failed; retrying (batches stay spooled)');
        }
        if (this.stopping && this.now() + delay > this.deadline) return;
        await sleep(delay * (0.5 + Math.random() / 2));
        delay = Math.min(backoff.maxMs, delay * 2);
      }
    }
    const now = this.now();
    metrics.storedBatches.inc(stored.batches);
    metrics.storedSamples.inc(stored.samples);
    for (const b of round.batches) metrics.receiveToStoredSeconds.observe((now - b.receivedAt) / 1000);
    for (const p of round.periods) this.options.onBedPeriod?.(p.deviceId, p.period, p.rateHz);
    round.done = true;
    this.commit();
    this.wake();
  }

  /** Writes the round; resolves with how many batches and samples the store took (the rest became letters). */
  private async writeOnce(round: Round): Promise<{ batches: number; samples: number }> {
    const { store, registry, metrics } = this.options;
    const accepted: StoredBatch[] = [];
    const refused: StoredBatch[] = [];
    for (const b of round.batches) {
      if (await registry.accepts(b.batch.deviceId, b.receivedAt)) accepted.push(b);
      else refused.push(b);
    }
    const letters = [...round.deadLetters, ...refused.map((b) => batchLetter(b, 'UNKNOWN_DEVICE', unknownReason(b)))];
    let stored = accepted;
    if (accepted.length > 0) {
      try {
        await store.writeSamples(accepted.map((b) => b.batch));
      } catch (err) {
        if (!isPermanent(err)) throw err;
        // The store refuses something in the round for good: write batch by batch, and keep the refused ones as
        // letters, so one bad batch never holds up the rest.
        stored = [];
        for (const b of accepted) {
          try {
            await store.writeSamples(b.batch);
            stored.push(b);
          } catch (e) {
            if (!isPermanent(e)) throw e;
            this.log.error(
              { err: e, deviceId: b.batch.deviceId, seq: b.seq },
              'store refused a batch; kept as a letter',
            );
            letters.push(batchLetter(b, 'STORE_REFUSED', (e as Error).message));
          }
        }
      }
    }
    await this.writeLetters(round, letters);
    const epochs = await this.epochsOf(round);
    if (epochs.length > 0) {
      try {
        await store.writeEpochs(epochs);
        metrics.epochs.inc(epochs.length);
      } catch (err) {
        if (!isPermanent(err)) throw err;
        this.log.error({ err, epochs: epochs.length }, 'store refused live epochs; the samples are stored');
      }
    }
    for (const b of refused) {
      metrics.rejected.inc({ code: 'UNKNOWN_DEVICE' });
      this.options.onRefused?.(b.batch.deviceId, { code: 'UNKNOWN_DEVICE', message: unknownReason(b), seq: b.seq });
    }
    return { batches: stored.length, samples: stored.reduce((sum, b) => sum + b.batch.t.length, 0) };
  }

  /** Writes the letters not yet written in an earlier attempt of this round, a few at a time. */
  private async writeLetters(round: Round, letters: DeadLetter[]): Promise<void> {
    const { store, metrics } = this.options;
    const todo = letters.filter((l) => !round.lettersWritten.has(letterKey(l)));
    for (let i = 0; i < todo.length; i += LETTER_CONCURRENCY) {
      await Promise.all(
        todo.slice(i, i + LETTER_CONCURRENCY).map(async (letter) => {
          try {
            await store.writeDeadLetter(letter);
            metrics.deadLetters.inc({ code: letter.code });
          } catch (err) {
            if (!isPermanent(err)) throw err;
            this.log.error({ err, code: letter.code, deviceId: letter.deviceId }, 'store refused a dead letter');
            metrics.deadLettersDropped.inc();
          }
          round.lettersWritten.add(letterKey(letter));
        }),
      );
    }
  }

  private async epochsOf(round: Round): Promise<PostureEpoch[]> {
    const epochs: PostureEpoch[] = [];
    for (const { deviceId, epoch: s } of round.analyzed) {
      const subjectId = subjectAt(await this.options.registry.assignmentsFor(deviceId), s.start);
      if (!subjectId) continue; // raw samples are kept; epochs need a subject
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
    return epochs;
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    const ms = this.options.writeTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`store write timed out after ${ms} ms`)), ms);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  /** Advances the cursor over the rounds at the head that the store has; persists it now and then. */
  private commit(): void {
    while (this.inflight[0]?.done) {
      const round = this.inflight.shift()!;
      this.committed = round.end;
      if (round.snapshot) this.pendingSnapshot = { offset: round.end, state: round.snapshot };
    }
    this.snapshotWhenIdle();
    const due = this.now() - this.lastCheckpointAt >= this.options.checkpointEveryMs;
    if (due || this.pendingSnapshot) this.persist();
    else if (!this.checkpointTimer) {
      this.checkpointTimer = setTimeout(() => this.persist(), this.options.checkpointEveryMs);
      this.checkpointTimer.unref();
    }
  }

  /**
   * Segments are freed only up to the newest snapshot. When the drain has caught up, the tracker's state is the state
   * at the cursor: snapshot it there, so space is freed without waiting for more traffic (which a full spool holds
   * back).
   */
  private snapshotWhenIdle(): void {
    const { spool, snapshotEveryMs } = this.options;
    const caughtUp = this.inflight.length === 0 && this.readOffset === this.committed;
    if (!caughtUp || this.pendingSnapshot || this.snapshotOffset === this.committed) return;
    const since = this.now() - this.lastSnapshotAt;
    const filling = spool.usedBytes >= spool.maxBytes / 2;
    if (since >= snapshotEveryMs || (filling && since >= 1000)) {
      this.pendingSnapshot = { offset: this.committed, state: this.tracker.snapshot() };
      this.lastSnapshotAt = this.now();
    }
  }

  private persist(): void {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
    const { spool } = this.options;
    try {
      if (this.pendingSnapshot) {
        spool.saveSnapshot(this.pendingSnapshot.offset, this.pendingSnapshot.state);
        this.snapshotOffset = this.pendingSnapshot.offset;
        this.pendingSnapshot = null;
      }
      if (spool.checkpoint.cursor !== this.committed || spool.checkpoint.snapshot !== this.snapshotOffset) {
        spool.saveCheckpoint({ cursor: this.committed, snapshot: this.snapshotOffset });
      }
      this.lastCheckpointAt = this.now();
    } catch (err) {
      // The store has the data; a checkpoint that could not be saved only means some rewrites after a crash.
      this.log.error({ err }, 'could not save the spool checkpoint');
    }
  }

  /** Drains what it can within `timeoutMs` (the consumer has stopped appending), then saves the checkpoint. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.deadline = this.now() + timeoutMs;
    this.wake();
    await this.loop;
    this.persist();
    const left = this.options.spool.log.writtenOffset - this.committed;
    if (left > 0) this.log.warn({ bytes: left }, 'spooled batches not yet in the store are kept for the next start');
  }
}
