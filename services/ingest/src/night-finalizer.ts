// Computes a night when its final rise is confirmed, and its morning once the morning's reference hours are over,
// from the stored samples: the samples around the bed period are read back in half-hour chunks and run through the
// analysis engine's full streaming analyzer (the same one `restpose analyze` runs), so one night at a time is held
// in memory, not one per device. Jobs are kept in a small file beside the spool, so a restart does not lose a
// morning that is due later.
import { join } from 'node:path';
import type { MorningRecord, NightRecord } from '@restpose/protocol';
import {
  DEFAULT_REFERENCE_TO_HOURS,
  IDENTITY,
  type Mat3,
  type MorningResult,
  morningMetrics,
  type NightResult,
  nightMetrics,
  type PostureModel,
  resample,
  StreamingAnalyzer,
} from '@restpose/signal';
import { type Store, subjectAt } from '@restpose/store';
import type { Logger } from 'pino';
import type { IngestMetrics } from './metrics.js';
import type { RegistryCache } from './registry-cache.js';
import { readJson, writeJsonAtomic } from './spool/files.js';

export type FinalizerStore = Pick<Store, 'readSamples' | 'writeNights' | 'writeMornings'>;

export interface FinalizeJob {
  kind: 'night' | 'morning';
  deviceId: string;
  bedStart: number;
  rise: number;
  rateHz: number;
  /** Not before this time (UTC ms). */
  due: number;
}

export interface NightFinalizerOptions {
  store: FinalizerStore;
  registry: RegistryCache;
  epochSeconds: number;
  dir: string;
  logger: Logger;
  metrics: IngestMetrics;
  now?: () => number;
  /** Posture model (default: the angle rule), the same as the live epochs'. */
  postureModel?: PostureModel | undefined;
}

const HOUR = 3_600_000;
const CHUNK_MS = HOUR / 2;
/** Data read before the bed period, so the analyzer sees the evening that leads into it. */
const LEAD_MS = 2 * HOUR;
/** After the rise, the engine confirms it over 30 minutes of being up. */
const NIGHT_TAIL_MS = 40 * 60_000;
const MORNING_TAIL_MS = DEFAULT_REFERENCE_TO_HOURS * HOUR + 10 * 60_000;
/** A finalized period matches a live one when their rises are this close. */
const SAME_RISE_MS = 30 * 60_000;

/** JSON for a record's detail: NaN and Infinity become null. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, never>;

export class NightFinalizer {
  private jobs: FinalizeJob[];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly file: string;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly options: NightFinalizerOptions) {
    this.file = join(options.dir, 'finalize-jobs.json');
    this.jobs = (readJson(this.file) as FinalizeJob[] | undefined) ?? [];
    this.log = options.logger.child({ component: 'finalizer' });
    this.now = options.now ?? Date.now;
  }

  get pending(): readonly FinalizeJob[] {
    return this.jobs;
  }

  /** A night now, its morning once the reference hours after the rise have passed. */
  schedule(deviceId: string, bedStart: number, rise: number, rateHz: number): void {
    const now = this.now();
    this.jobs.push({ kind: 'night', deviceId, bedStart, rise, rateHz, due: now });
    this.jobs.push({ kind: 'morning', deviceId, bedStart, rise, rateHz, due: Math.max(now, rise + MORNING_TAIL_MS) });
    this.save();
    this.kick();
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), 60_000);
    this.timer.unref();
    this.kick();
  }

  private save(): void {
    try {
      writeJsonAtomic(this.file, this.jobs);
    } catch (err) {
      this.log.error({ err }, 'could not save the finalize jobs');
    }
  }

  private kick(): void {
    this.running ??= this.runDue().finally(() => {
      this.running = null;
    });
  }

  private async runDue(): Promise<void> {
    for (;;) {
      const job = this.jobs.find((j) => j.due <= this.now());
      if (!job) return;
      try {
        await this.run(job);
        this.jobs = this.jobs.filter((j) => j !== job);
      } catch (err) {
        // The store is down or refuses: try again in ten minutes.
        this.log.error({ err, job }, 'finalizing failed; retrying later');
        job.due = this.now() + 10 * 60_000;
      }
      this.save();
    }
  }

  /** Re-analyzes the stored samples around the bed period and writes what matches it. */
  async run(job: FinalizeJob): Promise<{ nights: NightRecord[]; mornings: MorningRecord[] }> {
    const { store, registry, metrics } = this.options;
    const device = await registry.device(job.deviceId);
    const mounting = (device?.mounting?.deviceToBody as Mat3 | undefined) ?? IDENTITY;
    const from = job.bedStart - LEAD_MS;
    const to = job.rise + (job.kind === 'night' ? NIGHT_TAIL_MS : MORNING_TAIL_MS);
    const analyzer = new StreamingAnalyzer({
      originMs: 0,
      epochSeconds: this.options.epochSeconds,
      mounting,
      model: this.options.postureModel,
    });
    const nights: NightResult[] = [];
    const mornings: MorningResult[] = [];
    const collect = (out: { nights: NightResult[]; mornings: MorningResult[] }) => {
      nights.push(...out.nights);
      mornings.push(...out.mornings);
    };
    for (let at = from; at < to; at += CHUNK_MS) {
      const chunk = await store.readSamples(job.deviceId, { from: at, to: Math.min(to, at + CHUNK_MS) });
      if (chunk.t.length === 0) continue;
      const { segments } = resample(
        { t: chunk.t, ax: chunk.ax, ay: chunk.ay, az: chunk.az, ...chunk.gyro },
        job.rateHz,
      );
      for (const s of segments) collect(analyzer.push(s));
    }
    collect(analyzer.finish());

    const assignments = await registry.assignmentsFor(job.deviceId);
    const subjectId = subjectAt(assignments, job.rise);
    if (!subjectId) return { nights: [], mornings: [] };
    const computedAt = this.now();
    const near = (rise: number) => Math.abs(rise - job.rise) <= SAME_RISE_MS;
    const nightRecords: NightRecord[] = nights
      .filter((n) => near(n.finalRise))
      .map((n) => ({
        subjectId,
        date: n.date,
        algorithm: n.algorithm,
        start: n.bedStart,
        end: n.finalRise,
        computedAt,
        metrics: nightMetrics(n),
        detail: plain({ ...n, bouts: undefined, deviceId: job.deviceId }),
      }));
    const morningRecords: MorningRecord[] =
      job.kind === 'morning'
        ? mornings
            .filter((m) => near(m.finalRise))
            .map((m) => ({
              subjectId,
              date: m.date,
              algorithm: m.algorithm,
              start: m.finalRise,
              end: (m.windows.at(-1)?.start ?? m.finalRise) + 5 * 60_000,
              computedAt,
              metrics: morningMetrics(m),
              detail: plain({ ...m, deviceId: job.deviceId }),
            }))
        : [];
    if (nightRecords.length > 0) await store.writeNights(nightRecords);
    if (morningRecords.length > 0) await store.writeMornings(morningRecords);
    metrics.nights.inc(nightRecords.length);
    metrics.mornings.inc(morningRecords.length);
    this.log.info(
      { deviceId: job.deviceId, kind: job.kind, nights: nightRecords.length, mornings: morningRecords.length },
      'finalized',
    );
    return { nights: nightRecords, mornings: morningRecords };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
