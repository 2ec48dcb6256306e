// Non-wear: the sensor is off the body. A trunk sensor on a sleeping person is motionless too, but breathing moves
// it: the one-second means wander by a few mg at breathing rates. Off the body only white sensor noise is left, and
// averaging n samples into a tick shrinks it by sqrt(n). So a minute is "lifeless" when the spread of its tick means
// exceeds what the within-tick noise alone predicts by less than lifelessMg on every axis; non-wear is a run of
// at least minMinutes lifeless minutes (shorter, minImplausibleMinutes, when the trunk would be upside down).
import type { TickTable } from './ticks.js';

export const NONWEAR_VERSION = 'nonwear@1.0.0';

const MIN_SAMPLES_PER_TICK = 5;
/** Within-second SD above which a minute is moving, whatever its means do (GGIR's 13 mg still criterion), g. */
const MAX_STILL_SD_G = 0.013;

export interface NonWearOptions {
  lifelessMg?: number;
  minMinutes?: number;
  minImplausibleMinutes?: number;
}

export interface Interval {
  start: number;
  end: number;
}

export interface MinuteState {
  lifeless: boolean;
  /** Gravity points down the spine: no wearer lies like that for long. */
  implausible: boolean;
}

/** Classifies the minute of ticks k0..k0+59; null when fewer than 45 ticks are present. */
export function classifyMinute(ticks: TickTable, k0: number, lifelessMg: number): MinuteState | null {
  const c = ticks.cols;
  const axes = [
    [c.mx, c.vx],
    [c.my, c.vy],
    [c.mz, c.vz],
  ] as const;
  let present = 0;
  let lifeless = true;
  let my = 0;
  for (let a = 0; a < 3; a++) {
    let s = 0;
    let s2 = 0;
    let noise = 0;
    let m = 0;
    let few = false;
    let within = 0;
    for (let k = k0; k < k0 + 60; k++) {
      const r = ticks.row(k);
      if (r < 0 || c.n[r]! === 0) continue;
      const v = axes[a]![0][r]!;
      m++;
      s += v;
      s2 += v * v;
      // Variance of a tick mean from white noise: the (unbiased) within-tick variance over n.
      if (c.n[r]! < MIN_SAMPLES_PER_TICK) few = true;
      else noise += axes[a]![1][r]! / (c.n[r]! - 1);
      within += axes[a]![1][r]!;
    }
    if (m < 45) return null;
    present = m;
    const mean = s / m;
    if (a === 1) my = mean;
    if (few) {
      // Below 5 Hz breathing cannot be told from sensor noise: only the orientation cue is left.
      lifeless = false;
      continue;
    }
    const noiseVar = noise / m;
    // Movement within the seconds (walking) is no sensor noise: off-body data is still within each second too.
    if (within / m > MAX_STILL_SD_G ** 2) {
      lifeless = false;
      continue;
    }
    const betweenVar = ((s2 / m - mean * mean) * m) / (m - 1);
    // The excess over the noise floor, with three standard errors of the variance estimate as margin.
    const limit = (lifelessMg / 1000) ** 2 + 3 * noiseVar * Math.sqrt(2 / (m - 1));
    if (betweenVar - noiseVar >= limit) lifeless = false;
  }
  return present ? { lifeless, implausible: my < -0.5 } : null;
}

/** Streaming detector: feed minutes in order, get non-wear intervals when they end. */
export class NonWearDetector {
  readonly lifelessMg: number;
  private readonly minMs: number;
  private readonly minImplausibleMs: number;
  private runStart = Number.NaN;
  private runEnd = Number.NaN;
  private implausibleMs = 0;

  constructor(options: NonWearOptions = {}) {
    this.lifelessMg = options.lifelessMg ?? 0.5;
    this.minMs = (options.minMinutes ?? 60) * 60_000;
    this.minImplausibleMs = (options.minImplausibleMinutes ?? 10) * 60_000;
  }

  /** Minute starting at startMs; returns a finished non-wear interval, if this minute ended one. */
  minute(startMs: number, s: MinuteState | null): Interval | null {
    if (s?.lifeless && this.runEnd === startMs) {
      this.runEnd = startMs + 60_000;
      if (s.implausible) this.implausibleMs += 60_000;
      return null;
    }
    const done = this.end();
    if (s?.lifeless) {
      this.runStart = startMs;
      this.runEnd = startMs + 60_000;
      this.implausibleMs = s.implausible ? 60_000 : 0;
    }
    return done;
  }

  /** Closes the open run (end of data); returns it if long enough. */
  end(): Interval | null {
    const long =
      this.runEnd - this.runStart >= this.minMs ||
      (this.implausibleMs >= this.minImplausibleMs && this.implausibleMs >= (this.runEnd - this.runStart) / 2);
    const out = long ? { start: this.runStart, end: this.runEnd } : null;
    this.runStart = Number.NaN;
    this.runEnd = Number.NaN;
    this.implausibleMs = 0;
    return out;
  }
}
