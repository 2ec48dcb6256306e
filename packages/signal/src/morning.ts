// Morning mobility from the final rise: how soon the person is upright, the first sit-to-stand, and the trunk's
// range of motion per 5-minute window over the first two hours against the person's own range later in the day.
// Angles are relative to the upright neutral: the median trunk angle while walking that day (ActiPASS-style), so
// a sensor that sits a little tilted on the back does not read as a bend.
import { frontalDeg, sagittalDeg, tiltFromVerticalDeg } from './angles.js';
import type { TickTable } from './ticks.js';

export const MORNING_VERSION = 'morning@1.0.0';

/** The reference period ends this many hours after the final rise: a live morning is final then. */
export const DEFAULT_REFERENCE_TO_HOURS = 5;

export interface MorningOptions {
  windowMinutes?: number;
  windows?: number;
  /** Reference range: windows from this many hours after the final rise... */
  referenceFromHours?: number;
  /** ...up to this many (or the next bed period, or the end of data). */
  referenceToHours?: number;
  /** Percentile of the windows' ranges taken as the reference. */
  referencePercentile?: number;
  /** Fewest reference windows with upright data. */
  minReferenceWindows?: number;
  /** Share of the reference range that counts as loosened. */
  loosenShare?: number;
}

export interface RomWindow {
  start: number;
  minutesFromRise: number;
  /** Seconds of upright, quasi-static data in the window. */
  uprightSeconds: number;
  flexionDeg: number | null;
  extensionDeg: number | null;
  lateralLeftDeg: number | null;
  lateralRightDeg: number | null;
  /** Flexion + extension, and left + right lateral bending, degrees. */
  sagittalRangeDeg: number | null;
  frontalRangeDeg: number | null;
  /** Median per-second peak trunk angular speed over the seconds the trunk moves (>= 10 deg/s), deg/s. */
  speedDegS: number | null;
}

export interface RomReference {
  flexionDeg: number;
  extensionDeg: number;
  lateralLeftDeg: number;
  lateralRightDeg: number;
  sagittalRangeDeg: number;
  frontalRangeDeg: number;
  speedDegS: number | null;
  windows: number;
  fromHours: number;
  toHours: number;
}

export interface MorningResult {
  algorithm: string;
  /** Date of the night this morning follows (the final rise's UTC date). */
  date: string;
  finalRise: number;
  neutral: { sagittalDeg: number; frontalDeg: number; source: 'walking' | 'default' };
  timeToFirstUprightSeconds: number | null;
  firstSitToStand: { start: number; durationSeconds: number } | null;
  windows: RomWindow[];
  reference: RomReference | null;
  referenceReason: string | null;
  timeToLoosenMinutes: number | null;
  timeToLoosenReason: string | null;
}

/** Ticks moving too much for their extremes to be trunk angle (walking): mean-of-|a| SD above this, g. */
const STEADY_MAG_SD_G = 0.12;
/** Deceleration into a bend reads as up to this much extra tilt (lever arm x angular acceleration), degrees. */
const OVERSHOOT_MAX_DEG = 15;
/** Past 60 degrees from vertical for this long is lying, not a bend, seconds. */
const LYING_RUN_S = 20;
/** Seconds whose peak trunk angular speed reaches this are movement, for the movement speed, deg/s. */
const MOVING_DEG_S = 10;
/** Walking for the neutral reference: |a| SD above this while upright, g. */
const WALKING_MAG_SD_G = 0.1;
/** The sit-up is complete once the trunk's tilt changes by less than this from one second to the next, degrees. */
const SETTLED_DEG = 3;
/** A sit-to-stand: forward flexion of at least this, back within RETURN_DEG, then walking or standing. */
const STS_FLEXION_DEG = 15;
const STS_RETURN_DEG = 10;

interface RawWindow {
  k0: number;
  seconds: number;
  /** Peaks per direction (flexion, extension, right, left) from neutral: at rest, and reached at all. */
  rest: number[];
  any: number[];
  speeds: number[];
}

function percentile(values: number[], p: number): number {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const x = (p / 100) * (v.length - 1);
  const lo = Math.floor(x);
  return v[lo]! + (v[Math.min(lo + 1, v.length - 1)]! - v[lo]!) * (x - lo);
}

function median(values: number[]): number {
  return percentile(values, 50);
}

export function computeMorning(
  ticks: TickTable,
  finalRise: number,
  /** Start of the next bed period, if known: the reference stops there. */
  nextBedStart: number | null,
  options: MorningOptions = {},
): MorningResult {
  const {
    windowMinutes = 5,
    windows: nWindows = 24,
    referenceFromHours = 3,
    referenceToHours = DEFAULT_REFERENCE_TO_HOURS,
    referencePercentile = 95,
    minReferenceWindows = 6,
    loosenShare = 0.9,
  } = options;
  const c = ticks.cols;
  const kRise = Math.ceil((finalRise - ticks.originMs) / 1000);
  const kEnd = Math.min(
    ticks.end,
    Math.floor(((nextBedStart ?? Number.POSITIVE_INFINITY) - ticks.originMs) / 1000),
    kRise + referenceToHours * 3600,
  );
  const upright = (r: number) => tiltFromVerticalDeg(c.mx[r]!, c.my[r]!, c.mz[r]!) <= 60;
  // Lying again (a nap, back to bed) is left out of the windows; a deep bend's apex, also past 60 degrees, is not:
  // lying is a run of at least LYING_RUN_S seconds past 60 degrees.
  const lying = new Uint8Array(Math.max(0, kEnd - kRise));
  for (let k = kRise; k < kEnd; ) {
    const r = ticks.row(k);
    if (r < 0 || c.n[r]! === 0 || upright(r)) {
      k++;
      continue;
    }
    let j = k;
    for (; j < kEnd; j++) {
      const rj = ticks.row(j);
      if (rj < 0 || c.n[rj]! === 0 || upright(rj)) break;
    }
    if (j - k >= LYING_RUN_S) lying.fill(1, k - kRise, j - kRise);
    k = j;
  }
  const isLying = (k: number) => k >= kRise && k < kEnd && lying[k - kRise] === 1;

  // Upright neutral from walking seconds of the day.
  const sag: number[] = [];
  const fro: number[] = [];
  for (let k = kRise; k < kEnd; k++) {
    const r = ticks.row(k);
    if (r < 0 || c.n[r]! === 0 || c.magSd[r]! < WALKING_MAG_SD_G || !upright(r)) continue;
    sag.push(sagittalDeg(c.mx[r]!, c.my[r]!));
    fro.push(frontalDeg(c.my[r]!, c.mz[r]!));
  }
  const neutral =
    sag.length >= 30
      ? { sagittalDeg: median(sag), frontalDeg: median(fro), source: 'walking' as const }
      : { sagittalDeg: 0, frontalDeg: 0, source: 'default' as const };

  const windowS = windowMinutes * 60;
  // The sit-up itself sweeps the trunk from lying to upright: range of motion counts from its end.
  const toUpright = firstUpright(ticks, kRise, Math.min(kEnd, kRise + 600), finalRise);
  const kUpright = kRise + Math.ceil(toUpright ?? 0);
  const windowAt = (k0: number): RawWindow => {
    // Peaks per direction (flexion, extension, right, left) at rest, and reached at all (fallback).
    const rest = [
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ];
    const any = [...rest];
    const take = (into: number[], sMin: number, sMax: number, fMin: number, fMax: number) => {
      if (!Number.isNaN(sMax)) {
        into[0] = Math.max(into[0]!, sMax - neutral.sagittalDeg);
        into[1] = Math.max(into[1]!, neutral.sagittalDeg - sMin);
      }
      if (!Number.isNaN(fMax)) {
        into[2] = Math.max(into[2]!, fMax - neutral.frontalDeg);
        into[3] = Math.max(into[3]!, neutral.frontalDeg - fMin);
      }
    };
    let seconds = 0;
    const speeds: number[] = [];
    for (let k = Math.max(k0, kUpright); k < k0 + windowS; k++) {
      const r = ticks.row(k);
      // Walking seconds are left out: their accelerations would read as trunk angles and angular speed.
      if (r < 0 || c.n[r]! === 0 || isLying(k) || c.magSd[r]! >= STEADY_MAG_SD_G) continue;
      const sp = c.speedPeak[r]!;
      if (sp >= MOVING_DEG_S) speeds.push(sp);
      if (Number.isNaN(c.sagMaxAny[r]!) && Number.isNaN(c.froMaxAny[r]!)) continue;
      seconds++;
      take(rest, c.sagMin[r]!, c.sagMax[r]!, c.froMin[r]!, c.froMax[r]!);
      take(any, c.sagMinAny[r]!, c.sagMaxAny[r]!, c.froMinAny[r]!, c.froMaxAny[r]!);
    }
    return { k0, seconds, rest, any, speeds };
  };

  // Gather the windows (two hours from the rise, and the reference period), then settle the peaks.
  const morningRaw = Array.from({ length: nWindows }, (_, w) => windowAt(kRise + w * windowS));
  const kRef0 = kRise + referenceFromHours * 3600;
  const laterRaw: RawWindow[] = [];
  for (let k = kRef0; k + windowS <= kEnd; k += windowS) laterRaw.push(windowAt(k));
  // The overshoot a deceleration into a bend adds (lever arm x angular acceleration, so per person): the median
  // excess of the tilt reached over the apex at rest, where a window has both for the same bend.
  const excess: number[] = [];
  for (const w of [...morningRaw, ...laterRaw]) {
    for (let i = 0; i < 4; i++) {
      const d = w.any[i]! - w.rest[i]!;
      if (w.rest[i]! > 5 && d >= 0 && d < OVERSHOOT_MAX_DEG) excess.push(d);
    }
  }
  const overshoot = excess.length >= 8 ? median(excess) : 0;
  const settle = (w: RawWindow): RomWindow => {
    // The apex at rest; when the largest bend was never at rest (rest falls far short), the tilt it reached less
    // the person's typical overshoot.
    const peak = w.rest.map((v, i) =>
      Math.max(0, v >= w.any[i]! - OVERSHOOT_MAX_DEG ? v : Math.max(v, w.any[i]! - overshoot)),
    );
    const has = w.seconds > 0;
    const [flex, ext, right, left] = peak as [number, number, number, number];
    return {
      start: ticks.startMs(w.k0),
      minutesFromRise: (ticks.startMs(w.k0) - finalRise) / 60_000,
      uprightSeconds: w.seconds,
      flexionDeg: has ? flex : null,
      extensionDeg: has ? ext : null,
      lateralLeftDeg: has ? left : null,
      lateralRightDeg: has ? right : null,
      sagittalRangeDeg: has ? flex + ext : null,
      frontalRangeDeg: has ? left + right : null,
      speedDegS: w.speeds.length ? median(w.speeds) : null,
    };
  };

  const windows = morningRaw.map(settle);

  // Reference: a high percentile of the same measures over later windows with enough upright data.
  const later = laterRaw.map(settle).filter((w) => w.uprightSeconds >= 60);
  let reference: RomReference | null = null;
  let referenceReason: string | null = null;
  if (later.length < minReferenceWindows) {
    referenceReason =
      kEnd <= kRef0
        ? `no data from ${referenceFromHours} h after the final rise (data or the day ends before)`
        : `only ${later.length} windows with a minute of upright data ${referenceFromHours}-${referenceToHours} h after the final rise (need ${minReferenceWindows})`;
  } else {
    const pick = (f: (w: RomWindow) => number | null) =>
      percentile(
        later.map(f).filter((v): v is number => v !== null),
        referencePercentile,
      );
    const speeds = later.map((w) => w.speedDegS).filter((v): v is number => v !== null);
    reference = {
      flexionDeg: pick((w) => w.flexionDeg),
      extensionDeg: pick((w) => w.extensionDeg),
      lateralLeftDeg: pick((w) => w.lateralLeftDeg),
      lateralRightDeg: pick((w) => w.lateralRightDeg),
      sagittalRangeDeg: pick((w) => w.sagittalRangeDeg),
      frontalRangeDeg: pick((w) => w.frontalRangeDeg),
      speedDegS: speeds.length ? percentile(speeds, referencePercentile) : null,
      windows: later.length,
      fromHours: referenceFromHours,
      toHours: Math.min(referenceToHours, (kEnd - kRise) / 3600),
    };
  }

  let timeToLoosenMinutes: number | null = null;
  let timeToLoosenReason: string | null = null;
  if (!reference) timeToLoosenReason = 'no reference range';
  else if (!(reference.sagittalRangeDeg > 0)) timeToLoosenReason = 'reference sagittal range is zero';
  else {
    const hit = windows.find(
      (w) => w.sagittalRangeDeg !== null && w.sagittalRangeDeg >= loosenShare * reference!.sagittalRangeDeg,
    );
    if (hit) timeToLoosenMinutes = hit.minutesFromRise;
    else if (windows.every((w) => w.sagittalRangeDeg === null)) timeToLoosenReason = 'no upright data in the morning';
    else
      timeToLoosenReason = `sagittal range stayed below ${loosenShare * 100}% of the reference for ${(nWindows * windowMinutes) / 60} h`;
  }

  return {
    algorithm: MORNING_VERSION,
    date: new Date(finalRise).toISOString().slice(0, 10),
    finalRise,
    neutral,
    timeToFirstUprightSeconds: toUpright,
    firstSitToStand: firstSitToStand(ticks, kRise, Math.min(kEnd, kRise + nWindows * windowS), neutral.sagittalDeg),
    windows,
    reference,
    referenceReason,
    timeToLoosenMinutes,
    timeToLoosenReason,
  };
}

function tickAngles(ticks: TickTable, r: number): [number, number] {
  const c = ticks.cols;
  return [sagittalDeg(c.mx[r]!, c.my[r]!), frontalDeg(c.my[r]!, c.mz[r]!)];
}

/**
 * Seconds from the final rise (start of the sit-up) until the sit-up is complete: the first second, once the trunk
 * is within 60 degrees of vertical, after which its tilt changes by less than SETTLED_DEG per second.
 */
function firstUpright(ticks: TickTable, k0: number, k1: number, rise: number): number | null {
  let crossed = false;
  let prev = Number.NaN;
  for (let k = k0; k < k1; k++) {
    const r = ticks.row(k);
    if (r < 0 || ticks.cols.n[r]! === 0) {
      prev = Number.NaN;
      continue;
    }
    const c = ticks.cols;
    const tilt = tiltFromVerticalDeg(c.mx[r]!, c.my[r]!, c.mz[r]!);
    if (!crossed && tilt <= 60) crossed = true;
    if (crossed && Math.abs(tilt - prev) < SETTLED_DEG) return Math.max(0, (ticks.startMs(k - 1) - rise) / 1000);
    prev = tilt;
  }
  return null;
}

/**
 * First sit-to-stand after the rise (lower-back pattern, as in SKDH): the trunk flexes forward by at least
 * STS_FLEXION_DEG from neutral and comes back within STS_RETURN_DEG, followed by walking or standing. Duration runs
 * from the first second past STS_RETURN_DEG of flexion to the first second back within it (1-s resolution).
 */
function firstSitToStand(
  ticks: TickTable,
  k0: number,
  k1: number,
  ns: number,
): { start: number; durationSeconds: number } | null {
  const c = ticks.cols;
  let start = -1;
  let peak = 0;
  for (let k = k0; k < k1; k++) {
    const r = ticks.row(k);
    if (r < 0 || c.n[r]! === 0) {
      start = -1;
      continue;
    }
    const flex = (!Number.isNaN(c.sagMax[r]!) ? c.sagMax[r]! : tickAngles(ticks, r)[0]) - ns;
    const [mean] = tickAngles(ticks, r);
    if (start < 0) {
      if (flex >= STS_RETURN_DEG) {
        start = k;
        peak = flex;
      }
      continue;
    }
    peak = Math.max(peak, flex);
    if (mean - ns < STS_RETURN_DEG) {
      if (peak >= STS_FLEXION_DEG && activeAfter(ticks, k, 10)) {
        return { start: ticks.startMs(start), durationSeconds: k - start + 1 };
      }
      start = -1;
    } else if (k - start > 15) start = -1; // held flexion is a bend or slump, not a transfer
  }
  return null;
}

/** Whether walking-level movement follows within `seconds`. */
function activeAfter(ticks: TickTable, k: number, seconds: number): boolean {
  for (let j = k + 1; j <= k + seconds; j++) {
    const r = ticks.row(j);
    if (r >= 0 && ticks.cols.n[r]! > 0 && ticks.cols.magSd[r]! >= WALKING_MAG_SD_G) return true;
  }
  return false;
}
