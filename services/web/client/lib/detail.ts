// The loosely typed parts of a night or morning (what the analysis kept: turns, episodes, positions, quality,
// windows) read defensively: the API passes them through as the engine or the importer wrote them, so a field may
// be absent, null or of another version's shape. Whatever is not there reads as null and is shown as not reported.
import type { Posture } from '@restpose/protocol';
import type { Interval, PositionTime } from './posture.js';
import { POSTURE_ROWS } from './posture.js';

type Loose = Record<string, unknown>;

const obj = (v: unknown): Loose | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : null;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const numberOr = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const seconds = (v: unknown): number | null => {
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? null : ms / 1000;
  }
  return typeof v === 'number' && Number.isFinite(v) ? v / 1000 : null;
};

/** Intervals with a start and an end (times as ISO strings, or epoch ms). */
export function intervals(list: unknown): Interval[] {
  return arr(list).flatMap((item) => {
    const o = obj(item);
    const start = seconds(o?.start);
    const end = seconds(o?.end);
    return start !== null && end !== null && end >= start ? [{ start, end }] : [];
  });
}

export interface TurnMark extends Interval {
  degrees: number | null;
}

export function turns(list: unknown): TurnMark[] {
  return arr(list).flatMap((item) => {
    const [span] = intervals([item]);
    return span ? [{ ...span, degrees: numberOr(obj(item)?.degrees) }] : [];
  });
}

/** The engine's positions (minutes, share, longest bout, bouts per posture), or null when the night has none. */
export function positions(detail: Loose): PositionTime[] | null {
  const p = obj(detail.positions);
  if (!p) return null;
  const rows = POSTURE_ROWS.map((posture: Posture) => {
    const o = obj(p[posture]);
    return {
      posture,
      minutes: numberOr(o?.minutes),
      share: numberOr(o?.share),
      longestBoutMinutes: numberOr(o?.longestBoutMinutes),
      bouts: numberOr(o?.bouts),
    };
  });
  if (rows.some((r) => r.minutes === null || r.share === null)) return null;
  return rows as PositionTime[];
}

export interface Quality {
  gaps: Interval[];
  nonWear: Interval[];
  nonWearMinutes: number | null;
  missingMinutes: number | null;
  mounting: { source: string | null; confidence: number | null } | null;
  calibration: { applied: boolean; reason: string | null } | null;
}

/** The data quality of a night: the quality report if any, and the night's own minutes of non-wear and missing data. */
export function quality(q: Loose | null, detail: Loose): Quality {
  const mounting = obj(q?.mounting);
  const calibration = obj(q?.calibration);
  return {
    gaps: intervals(q?.gaps),
    nonWear: intervals(q?.nonWear),
    nonWearMinutes: numberOr(detail.nonWearMinutes) ?? numberOr(q?.nonWearMinutes),
    missingMinutes: numberOr(detail.missingMinutes) ?? numberOr(q?.missingMinutes),
    mounting: mounting
      ? {
          source: typeof mounting.source === 'string' ? mounting.source : null,
          confidence: numberOr(mounting.confidence),
        }
      : null,
    calibration: calibration
      ? {
          applied: calibration.applied === true,
          reason: typeof calibration.reason === 'string' ? calibration.reason : null,
        }
      : null,
  };
}

export interface SleepEstimate {
  totalSleepMinutes: number | null;
  sleepEfficiency: number | null;
  sleepOnset: number | null;
  finalAwakening: number | null;
}

export function sleepEstimate(detail: Loose): SleepEstimate | null {
  const s = obj(detail.sleepEstimate);
  if (!s) return null;
  return {
    totalSleepMinutes: numberOr(s.totalSleepMinutes),
    sleepEfficiency: numberOr(s.sleepEfficiency),
    sleepOnset: seconds(s.sleepOnset),
    finalAwakening: seconds(s.finalAwakening),
  };
}

export interface RomWindow {
  minutesFromRise: number;
  flexionDeg: number | null;
  extensionDeg: number | null;
  lateralLeftDeg: number | null;
  lateralRightDeg: number | null;
  sagittalRangeDeg: number | null;
  shareOfReference: number | null;
  uprightSeconds: number | null;
}

/** A morning's 5-minute windows, in order; a window without its minute from the rise takes its place in the list. */
export function romWindows(list: unknown): RomWindow[] {
  return arr(list).map((item, i) => {
    const o = obj(item) ?? {};
    return {
      minutesFromRise: numberOr(o.minutesFromRise) ?? i * 5,
      flexionDeg: numberOr(o.flexionDeg),
      extensionDeg: numberOr(o.extensionDeg),
      lateralLeftDeg: numberOr(o.lateralLeftDeg),
      lateralRightDeg: numberOr(o.lateralRightDeg),
      sagittalRangeDeg: numberOr(o.sagittalRangeDeg),
      shareOfReference: numberOr(o.shareOfReference),
      uprightSeconds: numberOr(o.uprightSeconds),
    };
  });
}

export interface RomReference {
  flexionDeg: number | null;
  extensionDeg: number | null;
  lateralLeftDeg: number | null;
  lateralRightDeg: number | null;
  sagittalRangeDeg: number | null;
}

export function romReference(ref: Loose | null): RomReference | null {
  if (!ref) return null;
  return {
    flexionDeg: numberOr(ref.flexionDeg),
    extensionDeg: numberOr(ref.extensionDeg),
    lateralLeftDeg: numberOr(ref.lateralLeftDeg),
    lateralRightDeg: numberOr(ref.lateralRightDeg),
    sagittalRangeDeg: numberOr(ref.sagittalRangeDeg),
  };
}

export function text(detail: Loose, key: string): string | null {
  const v = detail[key];
  return typeof v === 'string' ? v : null;
}
