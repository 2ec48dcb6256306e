// Turns in bed: a change of lying roll of at least 15 degrees that holds. The roll is followed second by second
// (unwrapped, so a turn through prone keeps its direction); a stable level is one the roll stays within
// +-holdToleranceDeg of for holdS seconds. A turn runs from the last second at the old level to the first second of
// the new one.
import { rollDeg, tiltFromVerticalDeg, wrapDeg } from './angles.js';
import { TURN_MIN_DEG, UPRIGHT_MAX_TILT_DEG } from './posture-rule.js';
import type { TickTable } from './ticks.js';

export const TURN_VERSION = 'turns@1.0.0';

export interface Turn {
  /** UTC epoch ms of the start and end of the roll change. */
  start: number;
  end: number;
  durationS: number;
  /** Signed roll change, degrees: positive rolls towards the left side (supine 0 -> left +90). */
  degrees: number;
  side: 'left' | 'right';
  /** Mean angular speed over the turn, deg/s. */
  speedDegS: number;
  fromRollDeg: number;
  toRollDeg: number;
}

export interface TurnOptions {
  minDegrees?: number;
  holdS?: number;
  holdToleranceDeg?: number;
}

/** Turns between ticks k0 and k1 (exclusive), lying ticks only. */
export function detectTurns(ticks: TickTable, k0: number, k1: number, options: TurnOptions = {}): Turn[] {
  const { minDegrees = TURN_MIN_DEG, holdS = 30, holdToleranceDeg = 5 } = options;
  const c = ticks.cols;
  const turns: Turn[] = [];
  // Unwrapped roll of lying ticks; NaN elsewhere (upright or missing) breaks the chain.
  const len = Math.max(0, k1 - k0);
  const roll = new Float64Array(len).fill(Number.NaN);
  let prev = Number.NaN;
  for (let i = 0; i < len; i++) {
    const r = ticks.row(k0 + i);
    if (r < 0 || c.n[r]! === 0) continue;
    if (tiltFromVerticalDeg(c.mx[r]!, c.my[r]!, c.mz[r]!) <= UPRIGHT_MAX_TILT_DEG) {
      prev = Number.NaN;
      continue;
    }
    let v = rollDeg(c.mx[r]!, c.mz[r]!);
    if (!Number.isNaN(prev)) v += 360 * Math.round((prev - v) / 360);
    roll[i] = v;
    prev = v;
  }
  // Stable levels: maximal runs where every value is within tolerance of the run's first holdS-second mean.
  let level = Number.NaN;
  let levelEnd = -1; // last index at the current level
  let i = 0;
  while (i < len) {
    const hold = holdAt(roll, i, holdS, holdToleranceDeg);
    if (hold === null) {
      if (Number.isNaN(roll[i])) level = Number.NaN; // a break (upright or missing) ends the chain of levels
      i++;
      continue;
    }
    if (!Number.isNaN(level) && Math.abs(hold - level) >= minDegrees && levelEnd >= 0) {
      const start = ticks.startMs(k0 + levelEnd) + 1000;
      const end = ticks.startMs(k0 + i);
      const durationS = Math.max(1, (end - start) / 1000);
      const degrees = hold - level;
      turns.push({
        start,
        end: Math.max(end, start + 1000),
        durationS,
        degrees,
        side: degrees > 0 ? 'left' : 'right',
        speedDegS: Math.abs(degrees) / durationS,
        fromRollDeg: wrap(level),
        toRollDeg: wrap(hold),
      });
    }
    // A smaller change that holds (slow drift, settling) moves the level without counting as a turn.
    level = hold;
    // Extend the level as long as the roll stays within tolerance of it (at least one second: holdAt checked it).
    let j = i;
    while (j < len && !Number.isNaN(roll[j]) && Math.abs(roll[j]! - level) <= holdToleranceDeg) j++;
    levelEnd = j - 1;
    i = j;
  }
  return turns;
}

/** Mean of roll[i..i+holdS) when all present and within tolerance of their mean, else null. */
function holdAt(roll: Float64Array, i: number, holdS: number, tol: number): number | null {
  if (i + holdS > roll.length) return null;
  let s = 0;
  for (let k = i; k < i + holdS; k++) {
    if (Number.isNaN(roll[k])) return null;
    s += roll[k]!;
  }
  const m = s / holdS;
  for (let k = i; k < i + holdS; k++) if (Math.abs(roll[k]! - m) > tol) return null;
  return m;
}

function wrap(deg: number): number {
  const w = wrapDeg(deg);
  return w === -180 ? 180 : w;
}
