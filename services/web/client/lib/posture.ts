// Posture epochs as the charts draw them: a level per epoch for the hypnogram-style band, runs of one posture for
// its coloured blocks, the gaps between epochs, and the time spent in each position.
import type { EpochList } from '@restpose/api';
import type { Posture } from '@restpose/protocol';

export type Epoch = EpochList['epochs'][number];

/** Band rows from top to bottom: upright like "wake" on a hypnogram, the sides around supine, prone at the bottom. */
export const POSTURE_ROWS: readonly Posture[] = ['upright', 'left', 'supine', 'right', 'prone'];

/**
 * Okabe-Ito based colours, darkened to at least 3:1 against white (WCAG 1.4.11), told apart by colour-blind
 * readers; each posture also has its own row and label, so colour is never the only cue.
 */
export const POSTURE_STYLE: Record<Posture, { label: string; color: string }> = {
  upright: { label: 'Upright', color: '#595959' },
  left: { label: 'Left side', color: '#0072b2' },
  supine: { label: 'Supine (back)', color: '#007e5c' },
  right: { label: 'Right side', color: '#a4508b' },
  prone: { label: 'Prone (front)', color: '#c24e00' },
};

/** The row of a posture as a y value: upright 4 at the top, prone 0 at the bottom. */
export const levelOf = (p: Posture): number => POSTURE_ROWS.length - 1 - POSTURE_ROWS.indexOf(p);
export const postureAtLevel = (level: number): Posture | undefined => POSTURE_ROWS[POSTURE_ROWS.length - 1 - level];

export interface Interval {
  /** Seconds since 1970 (uPlot's time unit). */
  start: number;
  end: number;
}

export interface Run extends Interval {
  posture: Posture;
}

export interface PostureSeries {
  /** Epoch starts in seconds, with a point at the end of each run of data (so steps reach the last second). */
  x: number[];
  level: Array<number | null>;
  /** Lying roll, degrees (null while upright: roll means nothing then). */
  roll: Array<number | null>;
  runs: Run[];
  /** Stretches with no epoch between the first and the last. */
  gaps: Interval[];
}

/** A missing stretch longer than half an epoch is a gap. */
const GAP_TOLERANCE = 0.5;

export function postureSeries(epochs: readonly Epoch[]): PostureSeries {
  const x: number[] = [];
  const level: Array<number | null> = [];
  const roll: Array<number | null> = [];
  const runs: Run[] = [];
  const gaps: Interval[] = [];
  let run: Run | null = null;
  let prevEnd = Number.NaN;
  let prevLevel: number | null = null;
  let prevRoll: number | null = null;
  for (const e of epochs) {
    const start = Date.parse(e.start) / 1000;
    const end = start + e.durationS;
    if (start > prevEnd + e.durationS * GAP_TOLERANCE) {
      // Close the data before the gap at its last second, then break the lines with a null.
      x.push(prevEnd, prevEnd + 1e-3);
      level.push(prevLevel, null);
      roll.push(prevRoll, null);
      gaps.push({ start: prevEnd, end: start });
      run = null;
    }
    const l = levelOf(e.posture);
    const r = e.posture === 'upright' ? null : e.rollDeg;
    x.push(start);
    level.push(l);
    roll.push(r);
    if (run && run.posture === e.posture) run.end = end;
    else {
      run = { start, end, posture: e.posture };
      runs.push(run);
    }
    prevEnd = end;
    prevLevel = l;
    prevRoll = r;
  }
  if (epochs.length > 0) {
    x.push(prevEnd);
    level.push(prevLevel);
    roll.push(prevRoll);
  }
  return { x, level, roll, runs, gaps };
}

export interface PositionTime {
  posture: Posture;
  minutes: number;
  share: number;
  longestBoutMinutes: number | null;
  bouts: number | null;
}

/** Time in each position counted from the epochs (used when the night's analysis kept no positions). */
export function positionsFromEpochs(epochs: readonly Epoch[]): PositionTime[] {
  const seconds = new Map<Posture, number>();
  let total = 0;
  for (const e of epochs) {
    seconds.set(e.posture, (seconds.get(e.posture) ?? 0) + e.durationS);
    total += e.durationS;
  }
  return POSTURE_ROWS.map((posture) => {
    const s = seconds.get(posture) ?? 0;
    return { posture, minutes: s / 60, share: total > 0 ? s / total : 0, longestBoutMinutes: null, bouts: null };
  });
}
