// Nights. Time in bed adapts the HDCZA idea (van Hees et al. 2018, Sci Rep 8:12975: the longest block of little
// trunk-angle change, with short interruptions bridged) to a trunk sensor, where lying posture is the strong cue:
// a bed period starts with a lying epoch and lasts while upright interruptions stay shorter than riseConfirmMinutes
// (those are out-of-bed episodes). It ends at the final rise, the end of the last lying epoch, once the person has
// then stayed upright for riseConfirmMinutes. Periods shorter than minNightHours are naps, not nights.

import { tiltFromVerticalDeg } from './angles.js';
import { type Bout, boutsWithMinimum } from './bouts.js';
import type { Interval } from './nonwear.js';
import type { PostureLabel } from './posture-rule.js';
import { UPRIGHT_MAX_TILT_DEG } from './posture-rule.js';
import { inactivityBouts, SLEEP_ESTIMATE_VERSION } from './sleep.js';
import type { TickTable } from './ticks.js';
import { detectTurns, type Turn } from './turns.js';

export const NIGHT_VERSION = 'night@1.0.0';

/** A change of trunk direction of this much between 5-s blocks ends an immobile bout, degrees. */
const IMMOBILE_MAX_CHANGE_DEG = 2;

export interface NightOptions {
  riseConfirmMinutes?: number;
  minNightHours?: number;
  /** Minimum bout duration of the bout layer, seconds. */
  minBoutSeconds?: number;
  /** Upright bouts in bed at least this long are out-of-bed episodes, seconds. */
  minOutOfBedSeconds?: number;
}

export interface PeriodEpoch {
  start: number;
  durationS: number;
  posture: PostureLabel;
}

export interface BedPeriod {
  start: number;
  /** The final rise: end of the last lying epoch (to the second once refinePeriod has run: start of the sit-up). */
  end: number;
  /** True when the period was cut by missing data rather than confirmed by sustained upright. */
  endedByGap: boolean;
}

/** Online bed-period detection over labelled epochs. */
export class BedPeriodTracker {
  private start = Number.NaN;
  private lastLyingEnd = Number.NaN;
  private lastSeenEnd = Number.NaN;
  private lyingRunStart = Number.NaN;
  private readonly confirmMs: number;
  private readonly minMs: number;
  private readonly startMs: number;

  constructor(options: NightOptions = {}) {
    this.confirmMs = (options.riseConfirmMinutes ?? 30) * 60_000;
    this.minMs = (options.minNightHours ?? 3) * 3_600_000;
    // A period opens with a lying run of at least a minimum bout, so one mislabelled epoch does not open it.
    this.startMs = (options.minBoutSeconds ?? 60) * 1000;
  }

  /** Start of the open period (NaN when none): data from here on is still needed. */
  get openSince(): number {
    return this.start;
  }

  /** Feeds one epoch; returns a bed period when this epoch confirmed its end. */
  push(e: PeriodEpoch): BedPeriod | null {
    const end = e.start + e.durationS * 1000;
    let done: BedPeriod | null = null;
    if (e.start - this.lastSeenEnd >= this.confirmMs) {
      this.lyingRunStart = Number.NaN;
      if (!Number.isNaN(this.start)) done = this.close(true);
    }
    this.lastSeenEnd = end;
    if (e.posture !== 'upright') {
      if (Number.isNaN(this.lyingRunStart)) this.lyingRunStart = e.start;
      if (Number.isNaN(this.start) && end - this.lyingRunStart >= this.startMs) this.start = this.lyingRunStart;
      if (!Number.isNaN(this.start)) this.lastLyingEnd = end;
      return done;
    }
    this.lyingRunStart = Number.NaN;
    if (!Number.isNaN(this.start) && end - this.lastLyingEnd >= this.confirmMs) {
      done = this.close(false);
    }
    return done;
  }

  /** End of data: the open period ends at its last lying epoch, unconfirmed. */
  flush(): BedPeriod | null {
    return !Number.isNaN(this.start) ? this.close(true) : null;
  }

  private close(endedByGap: boolean): BedPeriod | null {
    const p = { start: this.start, end: this.lastLyingEnd, endedByGap };
    this.start = Number.NaN;
    return p.end - p.start >= this.minMs ? p : null;
  }
}

function tiltAt(ticks: TickTable, k: number): number {
  const r = ticks.row(k);
  if (r < 0 || ticks.cols.n[r]! === 0) return Number.NaN;
  const c = ticks.cols;
  return tiltFromVerticalDeg(c.mx[r]!, c.my[r]!, c.mz[r]!);
}

/**
 * Sharpens a bed period found on epochs to the second: it starts when lying down is complete (the trunk has stopped
 * tilting further after passing 60 degrees) and ends when the final sit-up starts (the trunk begins to rise towards
 * upright before crossing 60 degrees).
 */
export function refinePeriod(ticks: TickTable, p: BedPeriod, epochSeconds: number): BedPeriod {
  const e = epochSeconds;
  const at = (ms: number) => Math.floor((ms - ticks.originMs) / 1000);
  const lying = (k: number) => tiltAt(ticks, k) > UPRIGHT_MAX_TILT_DEG;
  // End: the last lying second near the epoch-level end, then back through the sit-up while the tilt was falling.
  let last = -1;
  for (let k = at(p.end) - 2 * e; k < at(p.end) + 2 * e; k++) if (lying(k)) last = k;
  let end = p.end;
  if (last >= 0) {
    let s = last + 1;
    while (s - 1 > last - 60 && tiltAt(ticks, s - 1) > tiltAt(ticks, s) + 1) s--;
    end = ticks.startMs(s);
  }
  // Start: the first lying second near the epoch-level start, then on while the tilt still increased.
  let first = -1;
  for (let k = at(p.start) - e; k < at(p.start) + 2 * e && first < 0; k++) if (lying(k)) first = k;
  let start = p.start;
  if (first >= 0) {
    let k = first;
    while (k + 1 < first + 60 && tiltAt(ticks, k + 1) > tiltAt(ticks, k) + 1) k++;
    start = ticks.startMs(k);
  }
  return { ...p, start: Math.min(start, end), end };
}

export interface PositionStats {
  minutes: number;
  /** Share of time in bed. */
  share: number;
  longestBoutMinutes: number;
  bouts: number;
}

export interface NightResult {
  algorithm: string;
  /** Calendar date (UTC) of the final rise, YYYY-MM-DD. */
  date: string;
  bedStart: number;
  finalRise: number;
  /** False when the period ended in missing data or the end of the recording rather than a confirmed rise. */
  finalRiseConfirmed: boolean;
  timeInBedMinutes: number;
  positions: Record<PostureLabel, PositionStats>;
  positionChanges: number;
  positionChangesPerHour: number;
  longestImmobileBoutMinutes: number;
  outOfBedEpisodes: Array<{ start: number; end: number; minutes: number }>;
  turns: Turn[];
  turnsPerHour: number;
  nonWearMinutes: number;
  /** Minutes of the period with no epoch (missing data or too sparse). */
  missingMinutes: number;
  sleepEstimate: {
    label: 'estimate';
    algorithm: string;
    sleepOnset: number | null;
    sleepOnsetLatencyMinutes: number | null;
    /** End of the last sustained inactivity bout. */
    finalAwakening: number | null;
    totalSleepMinutes: number;
    wakeAfterSleepOnsetMinutes: number | null;
    /** Minutes not asleep from the midpoint of sleep onset and final awakening to the final awakening. */
    wakeSecondHalfMinutes: number | null;
    sleepEfficiency: number;
  };
  bouts: Array<Bout<PostureLabel>>;
}

function overlap(a: Interval, b: Interval): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

export function computeNight(
  period: BedPeriod,
  epochs: readonly PeriodEpoch[],
  ticks: TickTable,
  nonWear: readonly Interval[],
  options: NightOptions = {},
): NightResult {
  const minBoutMs = (options.minBoutSeconds ?? 60) * 1000;
  const minOutMs = (options.minOutOfBedSeconds ?? 60) * 1000;
  const inBed = epochs.filter((e) => e.start >= period.start && e.start < period.end);
  const bouts = boutsWithMinimum(
    inBed.map((e) => ({ label: e.posture, start: e.start, end: e.start + e.durationS * 1000 })),
    minBoutMs,
  );
  const tibMs = period.end - period.start;
  const labels: PostureLabel[] = ['upright', 'supine', 'prone', 'left', 'right'];
  const positions = Object.fromEntries(
    labels.map((l) => {
      const mine = bouts.filter((b) => b.label === l);
      const ms = mine.reduce((s, b) => s + b.end - b.start, 0);
      const longest = mine.reduce((m, b) => Math.max(m, b.end - b.start), 0);
      return [l, { minutes: ms / 60_000, share: ms / tibMs, longestBoutMinutes: longest / 60_000, bouts: mine.length }];
    }),
  ) as Record<PostureLabel, PositionStats>;
  let changes = 0;
  for (let i = 1; i < bouts.length; i++) if (bouts[i]!.label !== bouts[i - 1]!.label) changes++;
  const hours = tibMs / 3_600_000;
  const covered = inBed.reduce((s, e) => s + e.durationS * 1000, 0);

  const k0 = Math.floor((period.start - ticks.originMs) / 1000);
  const k1 = Math.ceil((period.end - ticks.originMs) / 1000);
  const turns = detectTurns(ticks, k0, k1);
  const still = inactivityBouts(ticks, k0, k1);
  // Immobility is stricter than the sleep estimate: any shift of the trunk of IMMOBILE_MAX_CHANGE_DEG ends it.
  const immobile = inactivityBouts(ticks, k0, k1, { maxChangeDeg: IMMOBILE_MAX_CHANGE_DEG, minBoutMinutes: 1 });
  const nonWearMs = nonWear.reduce((s, nw) => s + overlap(nw, period), 0);
  // Sleep excludes non-wear: a sensor on the table is inactive but nobody is asleep.
  const sleep = still
    .map((b) => ({ ...b, ms: b.end - b.start - nonWear.reduce((s, nw) => s + overlap(nw, b), 0) }))
    .filter((b) => b.ms > 0);
  const tst = sleep.reduce((s, b) => s + b.ms, 0);
  const onset = sleep[0]?.start ?? null;
  const lastWake = sleep[sleep.length - 1]?.end ?? null;
  // Late-night wakefulness, which morning stiffness studies single out (the simulator's truth defines it alike).
  const secondHalf = onset === null || lastWake === null ? null : { start: (onset + lastWake) / 2, end: lastWake };
  const sleptSecondHalf = secondHalf
    ? still.reduce((s, b) => {
        const inside = { start: Math.max(b.start, secondHalf.start), end: Math.min(b.end, secondHalf.end) };
        if (inside.end <= inside.start) return s;
        return s + inside.end - inside.start - nonWear.reduce((w, nw) => w + overlap(nw, inside), 0);
      }, 0)
    : 0;
  const rise = new Date(period.end);
  return {
    algorithm: NIGHT_VERSION,
    date: rise.toISOString().slice(0, 10),
    bedStart: period.start,
    finalRise: period.end,
    finalRiseConfirmed: !period.endedByGap,
    timeInBedMinutes: tibMs / 60_000,
    positions,
    positionChanges: changes,
    positionChangesPerHour: hours > 0 ? changes / hours : 0,
    longestImmobileBoutMinutes: immobile.reduce((m, b) => Math.max(m, b.end - b.start), 0) / 60_000,
    outOfBedEpisodes: bouts
      .filter((b) => b.label === 'upright' && b.end - b.start >= minOutMs)
      .map((b) => ({ start: b.start, end: b.end, minutes: (b.end - b.start) / 60_000 })),
    turns,
    turnsPerHour: hours > 0 ? turns.length / hours : 0,
    nonWearMinutes: nonWearMs / 60_000,
    missingMinutes: Math.max(0, tibMs - covered) / 60_000,
    sleepEstimate: {
      label: 'estimate',
      algorithm: SLEEP_ESTIMATE_VERSION,
      sleepOnset: onset,
      sleepOnsetLatencyMinutes: onset === null ? null : (onset - period.start) / 60_000,
      finalAwakening: lastWake,
      totalSleepMinutes: tst / 60_000,
      wakeAfterSleepOnsetMinutes: onset === null || lastWake === null ? null : (lastWake - onset - tst) / 60_000,
      wakeSecondHalfMinutes: secondHalf ? (secondHalf.end - secondHalf.start - sleptSecondHalf) / 60_000 : null,
      sleepEfficiency: tibMs > 0 ? tst / tibMs : 0,
    },
    bouts,
  };
}
