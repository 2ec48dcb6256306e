// Non-wear: the sensor is off the body. A trunk sensor on a sleeping person is motionless too, but breathing moves
// it: the one-second means wander by a few mg at breathing rates. Off the body only white sensor noise is left, and
// averaging n samples into a tick shrinks it by sqrt(n). So a minute is "lifeless" when the spread of its tick means
// exceeds what the within-tick noise alone predicts by less than lifelessMg on every axis; non-wear is a run of
// at least minMinutes lifeless minutes (shorter, minImplausibleMinutes, when the trunk would be upside down).
import type { TickTable } from './ticks.js';

export const NONWEAR_VERSION = 'nonwear@1.0.0';

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
    for (let k = k0; k < k0 + 60; k++) {
      const r = ticks.row(k);
      if (r < 0 || c.n[r]! === 0) continue;
      const v = axes[a]![0][r]!;
      m++;
      s += v;
      s2 += v * v;
      noise += axes[a]![1][r]! / c.n[r]!;
    }
    if (m < 45) return null;
    present = m;
    const mean = s / m;
    if (a === 1) my = mean;
    const excess = s2 / m - mean * mean - noise / m;
    if (Math.sqrt(Math.max(0, excess)) * 1000 >= lifelessMg) lifeless = false;
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
    this.lifelessMg = options.lifelessMg ?? 1;
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
