// The local spool: what ingest has accepted but the store may not have yet. A record counts as accepted (and its
// batch may be acknowledged to the broker) once it is durable under the fsync policy:
//   interval  written to the file (survives a kill of the process); fsync every `fsyncIntervalMs`, so a power loss
//             can lose at most that window
//   always    fsynced (survives power loss); appends are committed in groups, one fsync for all waiting records
// The spool is bounded by bytes on disk: when a record does not fit, `append` refuses it and the caller holds the
// batch unacknowledged.
import fs from 'node:fs';
import { join } from 'node:path';
import { lockDirectory, readJson, writeJsonAtomic } from './files.js';
import { SegmentLog } from './segment-log.js';

export type FsyncPolicy = 'interval' | 'always';

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  fsync: FsyncPolicy;
  fsyncIntervalMs: number;
  /** Default: an eighth of maxBytes, at most 64 MiB (space is freed a whole segment at a time). */
  segmentBytes?: number;
}

/** How far the store has everything (cursor) and which tracker snapshot replay starts from. */
export interface Checkpoint {
  cursor: number;
  /** Offset of the newest tracker snapshot, at or before the cursor; null before the first. */
  snapshot: number | null;
}

const CHECKPOINT_FILE = 'checkpoint.json';
const snapshotFile = (offset: number) => `snapshot-${String(offset).padStart(16, '0')}.json`;

interface Waiter {
  end: number;
  done: () => void;
}

export class Spool {
  readonly log: SegmentLog;
  private readonly unlock: () => void;
  private waiters: Waiter[] = [];
  private flushScheduled = false;
  private syncRunning = false;
  private syncAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private appendListeners: Array<() => void> = [];
  private errorListeners: Array<(err: Error) => void> = [];
  private failure: Error | null = null;
  private checkpointValue: Checkpoint;

  private constructor(
    private readonly options: SpoolOptions,
    log: SegmentLog,
    unlock: () => void,
  ) {
    this.log = log;
    this.unlock = unlock;
    const saved = readJson(join(options.dir, CHECKPOINT_FILE)) as Checkpoint | undefined;
    this.checkpointValue = saved ?? { cursor: log.startOffset, snapshot: null };
    if (this.checkpointValue.cursor < log.startOffset || this.checkpointValue.cursor > log.endOffset) {
      throw new Error(
        `${options.dir}: checkpoint cursor ${this.checkpointValue.cursor} is outside the spool ` +
          `(${log.startOffset}-${log.endOffset}); the directory was changed by hand`,
      );
    }
    if (options.fsync === 'interval') {
      this.timer = setInterval(() => this.requestSync(), options.fsyncIntervalMs);
      this.timer.unref();
    }
  }

  static open(options: SpoolOptions): Spool {
    fs.mkdirSync(options.dir, { recursive: true });
    const unlock = lockDirectory(options.dir);
    try {
      const segmentBytes = options.segmentBytes ?? Math.min(64 * 1024 * 1024, Math.floor(options.maxBytes / 8));
      const log = SegmentLog.open({ dir: options.dir, segmentBytes });
      return new Spool(options, log, unlock);
    } catch (err) {
      unlock();
      throw err;
    }
  }

  get maxBytes(): number {
    return this.options.maxBytes;
  }

  get usedBytes(): number {
    return this.log.bytesOnDisk;
  }

  get error(): Error | null {
    return this.failure;
  }

  /** Whether a record of this many body bytes fits under the bound. */
  fits(bodyBytes: number): boolean {
    return this.failure === null && this.log.bytesOnDisk + bodyBytes + 8 <= this.options.maxBytes;
  }

  /**
   * Appends a record and calls `onDurable` once it is durable under the policy (callbacks run in append order).
   * Returns false, appending nothing, when the record does not fit or the spool has failed.
   */
  append(body: Uint8Array, onDurable: () => void): boolean {
    if (!this.fits(body.length)) return false;
    const end = this.log.append(body);
    this.waiters.push({ end, done: onDurable });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // Everything appended in this turn of the event loop is written with one writev.
      setImmediate(() => this.flushNow());
    }
    return true;
  }

  onAppend(listener: () => void): void {
    this.appendListeners.push(listener);
  }

  onError(listener: (err: Error) => void): void {
    this.errorListeners.push(listener);
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const l of this.errorListeners) l(err);
  }

  private flushNow(): void {
    this.flushScheduled = false;
    if (this.failure) return;
    try {
      this.log.flush();
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    if (this.options.fsync === 'interval') this.release(this.log.writtenOffset);
    else this.requestSync();
    for (const l of this.appendListeners) l();
  }

  private requestSync(): void {
    if (this.failure) return;
    if (this.syncRunning) {
      this.syncAgain = true;
      return;
    }
    if (this.log.syncedOffset >= this.log.endOffset) return;
    this.syncRunning = true;
    this.log.sync().then(
      (synced) => {
        this.syncRunning = false;
        if (this.options.fsync === 'always') this.release(synced);
        if (this.syncAgain) {
          this.syncAgain = false;
          this.requestSync();
        }
      },
      (err: Error) => {
        this.syncRunning = false;
        this.fail(err);
      },
    );
  }

  private release(upTo: number): void {
    let n = 0;
    while (n < this.waiters.length && this.waiters[n]!.end <= upTo) n++;
    if (n === 0) return;
    const done = this.waiters.slice(0, n);
    this.waiters = this.waiters.slice(n);
    for (const w of done) w.done();
  }

  get checkpoint(): Checkpoint {
    return this.checkpointValue;
  }

  /** Records how far the store has everything; frees segments no longer needed for replay. */
  saveCheckpoint(checkpoint: Checkpoint): void {
    writeJsonAtomic(join(this.options.dir, CHECKPOINT_FILE), checkpoint);
    const previous = this.checkpointValue.snapshot;
    this.checkpointValue = checkpoint;
    if (previous !== null && previous !== checkpoint.snapshot) {
      fs.rmSync(join(this.options.dir, snapshotFile(previous)), { force: true });
    }
    // Replay after a crash starts at the snapshot: nothing before it may go, and nothing at all before the first.
    if (checkpoint.snapshot !== null) this.log.deleteBefore(Math.min(checkpoint.cursor, checkpoint.snapshot));
  }

  /** Writes a snapshot of derived state as of `offset`; reference it from the next checkpoint. */
  saveSnapshot(offset: number, state: unknown): void {
    writeJsonAtomic(join(this.options.dir, snapshotFile(offset)), state);
  }

  loadSnapshot(offset: number): unknown {
    const state = readJson(join(this.options.dir, snapshotFile(offset)));
    if (state === undefined) throw new Error(`${this.options.dir}: snapshot ${snapshotFile(offset)} is missing`);
    return state;
  }

  /** Writes and syncs everything appended so far and reports it durable (before a clean stop). */
  async settle(): Promise<void> {
    if (this.failure) return;
    this.log.flush();
    this.release(await this.log.sync());
  }

  /** Flushes and syncs what was appended, then releases the directory. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (!this.failure) {
      this.log.flush();
      await this.log.sync();
      this.release(this.log.syncedOffset);
    }
    await this.log.close().catch(() => {});
    this.unlock();
  }
}
