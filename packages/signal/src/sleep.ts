// Sustained inactivity bouts (van Hees et al. 2015, PLoS One 10:e0142533), adapted to the trunk: 5-s blocks whose
// gravity direction changes by no more than 3 degrees from the previous block (the wrist's 5 scaled down: the lower
// back moves less than the wrist when a person shifts), in runs of at least 5 minutes, are
// taken as sleep. Blocks whose |a| varies (walking) are never still, although walking keeps the mean angle steady.
// This is an estimate of sleep from movement, not polysomnography; it is labelled as such.
import { angleBetweenDeg } from './angles.js';
import type { Interval } from './nonwear.js';
import type { TickTable } from './ticks.js';

export const SLEEP_ESTIMATE_VERSION = 'sustained-inactivity@1.0.0';

export interface InactivityOptions {
  blockS?: number;
  maxChangeDeg?: number;
  minBoutMinutes?: number;
  /** Walking keeps the mean trunk angle steady, so the block's |a| must be steady too, g. */
  maxMagSdG?: number;
}

/** Sustained inactivity bouts between ticks k0 and k1 (exclusive). */
export function inactivityBouts(ticks: TickTable, k0: number, k1: number, options: InactivityOptions = {}): Interval[] {
  const { blockS = 5, maxChangeDeg = 3, minBoutMinutes = 5, maxMagSdG = 0.02 } = options;
  const c = ticks.cols;
  const out: Interval[] = [];
  let prev: number[] | null = null;
  let runStart = Number.NaN;
  let runEnd = Number.NaN;
  const close = () => {
    if (runEnd - runStart >= minBoutMinutes * 60_000) out.push({ start: runStart, end: runEnd });
    runStart = Number.NaN;
  };
  for (let b = k0; b + blockS <= k1; b += blockS) {
    const s = [0, 0, 0];
    let n = 0;
    let moving = false;
    for (let k = b; k < b + blockS; k++) {
      const r = ticks.row(k);
      if (r < 0 || c.n[r]! === 0) continue;
      if (c.magSd[r]! > maxMagSdG) moving = true;
      n += c.n[r]!;
      s[0]! += c.n[r]! * c.mx[r]!;
      s[1]! += c.n[r]! * c.my[r]!;
      s[2]! += c.n[r]! * c.mz[r]!;
    }
    if (n === 0) {
      close();
      prev = null;
      continue;
    }
    const still = !moving && prev !== null && angleBetweenDeg(prev, s) <= maxChangeDeg;
    const start = ticks.startMs(b);
    if (still) {
      // The block before the first still one was already at this position: the bout starts with it.
      if (Number.isNaN(runStart)) runStart = start - blockS * 1000;
      runEnd = start + blockS * 1000;
    } else close();
    prev = s;
  }
  close();
  return out;
}
