// The streaming analyzer: push sample batches in time order, get completed epochs back at once (at most one epoch
// of delay), nights when their final rise is confirmed, mornings when their reference period ends. Pure and
// deterministic; memory is bounded by the ticks and epochs that open nights and mornings still need.
import { type EpochSummary, featureMatrix, summarizeEpoch } from './features.js';
import { computeMorning, DEFAULT_REFERENCE_TO_HOURS, type MorningOptions, type MorningResult } from './morning.js';
import {
  type BedPeriod,
  BedPeriodTracker,
  computeNight,
  type NightOptions,
  type NightResult,
  refinePeriod,
} from './night.js';
import { classifyMinute, type Interval, NonWearDetector, type NonWearOptions } from './nonwear.js';
import {
  angleRule,
  isStill,
  POSTURE_LABELS,
  PostureHysteresis,
  type PostureLabel,
  type PostureModel,
} from './posture-rule.js';
import type { Mat3 } from './rotation.js';
import { type Calibration, NO_CALIBRATION, TickAccumulator, type TickSamples } from './ticks.js';

export interface AnalyzedEpoch extends EpochSummary {
  posture: PostureLabel;
  /** Probability of the label under the model. */
  confidence: number;
  /** The angle rule's label and confidence, always reported as the baseline. */
  rulePosture: PostureLabel;
  ruleConfidence: number;
  /** Model id that made `posture`. */
  algorithm: string;
}

export interface AnalyzerOptions {
  /** Epochs (and ticks) start at originMs + k * epochSeconds * 1000: the first sample, or 0 for UTC multiples. */
  originMs: number;
  epochSeconds: number;
  mounting: Mat3;
  calibration?: Calibration;
  model?: PostureModel;
  /** Epochs with less than this share of their expected samples are not labelled (default 0.5). */
  minCoverage?: number;
  /** Probability margin before a label changes (default 0.3). */
  hysteresisMargin?: number;
  night?: NightOptions;
  morning?: MorningOptions;
  nonWear?: NonWearOptions;
  /** Seconds of data expected, when known (a whole recording), to size the one-second summaries up front. */
  expectedSeconds?: number;
  /**
   * Epochs only, in bounded memory: keep just the recent history epochs and non-wear need (this many seconds, at
   * least two minutes), and find no nights or mornings. A live service that analyzes many devices at once uses
   * this, and has nights and mornings computed from the stored data when a final rise is detected.
   */
  epochsOnlyKeepSeconds?: number;
}

export interface AnalyzerOutput {
  epochs: AnalyzedEpoch[];
  nights: NightResult[];
  mornings: MorningResult[];
  nonWear: Interval[];
}

export class StreamingAnalyzer {
  private acc!: TickAccumulator;
  private model: PostureModel;
  private hysteresis!: PostureHysteresis;
  private ruleHysteresis!: PostureHysteresis;
  private readonly epochS: number;
  private readonly minCoverage: number;
  private beds!: BedPeriodTracker;
  private nonWearDetector!: NonWearDetector;
  private nextEpoch = Number.NaN;
  private nextMinute = Number.NaN;
  private rateHz = Number.NaN;
  private lastEpochEnd = Number.NaN;
  /** Epochs kept for nights and mornings not yet finalized. */
  private epochs: AnalyzedEpoch[] = [];
  private nonWear: Interval[] = [];
  private pendingMornings: Array<{ rise: number }> = [];
  private nightStarts: number[] = [];

  /** Seconds of history kept in epochs-only mode; null: everything pending nights and mornings need. */
  private readonly keepSeconds: number | null;

  constructor(private readonly options: AnalyzerOptions) {
    if (!Number.isInteger(options.epochSeconds) || options.epochSeconds < 1) {
      throw new Error('epochSeconds: expected a whole number of seconds from 1');
    }
    // Non-wear looks at whole minutes and an epoch at its own length, both behind the newest tick.
    this.keepSeconds =
      options.epochsOnlyKeepSeconds === undefined
        ? null
        : Math.max(64, options.epochSeconds + 4, Math.ceil(options.epochsOnlyKeepSeconds));
    this.epochS = options.epochSeconds;
    this.model = angleRule;
    this.minCoverage = options.minCoverage ?? 0.5;
    this.reset();
  }

  private reset(): void {
    const o = this.options;
    this.acc = new TickAccumulator(o.originMs, o.mounting, o.calibration ?? NO_CALIBRATION, {
      capacitySeconds: this.keepSeconds !== null ? this.keepSeconds + EPOCHS_ONLY_SLACK + 2 : o.expectedSeconds,
    });
    const model = o.model ?? angleRule;
    this.model = model.session?.() ?? model;
    this.hysteresis = new PostureHysteresis(o.hysteresisMargin);
    this.ruleHysteresis = new PostureHysteresis(o.hysteresisMargin);
    this.beds = new BedPeriodTracker(o.night);
    this.nonWearDetector = new NonWearDetector(o.nonWear);
    this.nextEpoch = Number.NaN;
    this.nextMinute = Number.NaN;
    this.lastEpochEnd = Number.NaN;
    this.epochs = [];
    this.nonWear = [];
    this.pendingMornings = [];
    this.nightStarts = [];
  }

  /** What the analyzer holds on to: one-second summaries and epochs (for monitoring memory). */
  get retained(): { ticks: number; epochs: number } {
    return { ticks: this.acc.table.length, epochs: this.epochs.length };
  }

  /** Backend of the posture model ("rule" for the angle rule). */
  get backend(): string {
    return this.model.backend;
  }

  push(batch: TickSamples): AnalyzerOutput {
    if (batch.ax.length === 0) return empty();
    if (!(batch.rateHz > 0)) throw new Error('rateHz: expected a positive sample rate');
    let out = empty();
    if (Number.isFinite(this.acc.lastSampleMs) && batch.t0 - this.acc.lastSampleMs > MAX_BRIDGED_GAP_MS) {
      // A long silence (device off for days, clock reset): close everything and start afresh, rather than keep
      // empty seconds for the whole gap.
      out = this.finish();
      this.reset();
    }
    this.rateHz = batch.rateHz;
    this.acc.push(batch);
    // Ticks before the open one are complete.
    return merge(out, this.advance(this.acc.openTick));
  }

  /** End of data: completes the open epoch, night and morning with what there is. */
  finish(): AnalyzerOutput {
    this.acc.flush();
    const out = this.advance(Number.POSITIVE_INFINITY);
    const nw = this.nonWearDetector.end();
    if (nw) {
      this.nonWear.push(nw);
      out.nonWear.push(nw);
    }
    const p = this.beds.flush();
    if (p) this.closePeriod(p, out);
    for (const m of this.pendingMornings) out.mornings.push(this.morning(m.rise, this.bedAfter(m.rise)));
    this.pendingMornings = [];
    return out;
  }

  private advance(completeBefore: number): AnalyzerOutput {
    const out = empty();
    const table = this.acc.table;
    if (table.length === 0) return out;
    const e = this.epochS;
    const lastTick = completeBefore === Number.POSITIVE_INFINITY ? table.end : completeBefore;
    if (Number.isNaN(this.nextEpoch)) this.nextEpoch = Math.floor(table.first / e) * e;
    if (Number.isNaN(this.nextMinute)) this.nextMinute = Math.floor(table.first / 60) * 60;

    // Non-wear first: a night closing in this batch must know about it.
    for (; this.nextMinute + 60 <= lastTick; this.nextMinute += 60) {
      const minuteStart = table.startMs(this.nextMinute);
      const nw = this.nonWearDetector.minute(
        minuteStart,
        classifyMinute(table, this.nextMinute, this.nonWearDetector.lifelessMg),
      );
      if (nw) {
        this.nonWear.push(nw);
        out.nonWear.push(nw);
      }
    }
    const summaries: EpochSummary[] = [];
    for (
      ;
      this.nextEpoch + e <= lastTick || (completeBefore === Number.POSITIVE_INFINITY && this.nextEpoch < lastTick);
      this.nextEpoch += e
    ) {
      const s = summarizeEpoch(table, this.nextEpoch, e, this.rateHz, this.minCoverage);
      if (s) summaries.push(s);
    }
    if (summaries.length) out.epochs = this.label(summaries);
    if (this.keepSeconds !== null) {
      this.trimEpochsOnly();
      return out;
    }
    for (const ep of out.epochs) {
      this.epochs.push(ep);
      const p = this.beds.push(ep);
      if (p) this.closePeriod(p, out);
    }
    // Mornings whose reference day is over.
    const nowMs = table.startMs(lastTick);
    const refMs = (this.options.morning?.referenceToHours ?? DEFAULT_REFERENCE_TO_HOURS) * 3_600_000;
    this.pendingMornings = this.pendingMornings.filter((m) => {
      if (nowMs < m.rise + refMs) return true;
      out.mornings.push(this.morning(m.rise, this.bedAfter(m.rise)));
      return false;
    });
    this.trim();
    return out;
  }

  private label(summaries: EpochSummary[]): AnalyzedEpoch[] {
    const feats = featureMatrix(summaries);
    const probs = this.model.predict(feats, summaries.length, summaries);
    const ruleProbs = this.model === angleRule ? probs : angleRule.predict(feats, summaries.length);
    const k = POSTURE_LABELS.length;
    return summaries.map((s, i) => {
      // A gap longer than the hysteresis can bridge: start afresh rather than hold a stale label.
      if (!Number.isNaN(this.lastEpochEnd) && s.start - this.lastEpochEnd > this.epochS * 1000 * 2) {
        this.hysteresis.reset();
        this.ruleHysteresis.reset();
      }
      this.lastEpochEnd = s.start + s.durationS * 1000;
      const stillS = isStill(feats, i) ? s.durationS : 0;
      const label = this.hysteresis.step(probs, i * k, stillS, s.rollDeg);
      const rule = this.model === angleRule ? label : this.ruleHysteresis.step(ruleProbs, i * k, stillS, s.rollDeg);
      return {
        ...s,
        posture: POSTURE_LABELS[label]!,
        confidence: probs[i * k + label]!,
        rulePosture: POSTURE_LABELS[rule]!,
        ruleConfidence: ruleProbs[i * k + rule]!,
        algorithm: this.model.id,
      };
    });
  }

  private closePeriod(found: BedPeriod, out: AnalyzerOutput): void {
    const p = refinePeriod(this.acc.table, found, this.epochS);
    const night = computeNight(p, this.epochs, this.acc.table, this.nonWear, this.options.night);
    // A sensor left on a table reads as lying: a period that is mostly non-wear is not a night.
    if (night.nonWearMinutes > night.timeInBedMinutes / 2) return;
    out.nights.push(night);
    this.nightStarts.push(p.start);
    this.pendingMornings.push({ rise: p.end });
  }

  /** Start of a later bed period (open, or a night already found), where the morning's reference day stops. */
  private bedAfter(rise: number): number | null {
    const open = this.beds.openSince;
    const later = this.nightStarts.filter((s) => s > rise);
    if (!Number.isNaN(open) && open > rise) later.push(open);
    return later.length ? Math.min(...later) : null;
  }

  private morning(rise: number, nextBedStart: number | null): MorningResult {
    return computeMorning(this.acc.table, rise, nextBedStart, this.options.morning);
  }

  /** Epochs-only mode: ticks older than the kept history are dropped, a few dozen at a time. */
  private trimEpochsOnly(): void {
    const table = this.acc.table;
    const keep = this.keepSeconds!;
    if (table.length > keep + EPOCHS_ONLY_SLACK) table.dropBefore(table.end - keep);
    this.nonWear = []; // only nights use the list
  }

  /** Drops ticks and epochs no pending night or morning can need. */
  private trim(): void {
    const table = this.acc.table;
    const openBed = this.beds.openSince;
    let keepFrom = table.startMs(table.end) - 2 * 3_600_000; // room for a period that has not opened yet
    if (!Number.isNaN(openBed)) keepFrom = Math.min(keepFrom, openBed);
    for (const m of this.pendingMornings) keepFrom = Math.min(keepFrom, m.rise);
    const k = Math.floor((keepFrom - table.originMs) / 1000);
    // Drop in large steps: each drop copies what is kept.
    if (k - table.first > 4 * 3600) table.dropBefore(k);
    const firstNeeded = this.epochs.findIndex((ep) => ep.start >= keepFrom);
    if (firstNeeded > 1000) this.epochs = this.epochs.slice(firstNeeded);
    this.nonWear = this.nonWear.filter((nw) => nw.end >= keepFrom);
    this.nightStarts = this.nightStarts.filter((st) => st >= keepFrom);
  }
}

/** Epochs-only mode lets this many ticks beyond the kept history accumulate before dropping (each drop copies). */
const EPOCHS_ONLY_SLACK = 30;

/** Longer silences end every open night and morning and restart the analysis. */
const MAX_BRIDGED_GAP_MS = 6 * 3_600_000;

function merge(a: AnalyzerOutput, b: AnalyzerOutput): AnalyzerOutput {
  return {
    epochs: [...a.epochs, ...b.epochs],
    nights: [...a.nights, ...b.nights],
    mornings: [...a.mornings, ...b.mornings],
    nonWear: [...a.nonWear, ...b.nonWear],
  };
}

function empty(): AnalyzerOutput {
  return { epochs: [], nights: [], mornings: [], nonWear: [] };
}
