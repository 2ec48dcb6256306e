// Append-only measurements (audit, dead letters) must never overwrite a point, yet InfluxDB keeps one point per
// series and timestamp. Each point's nanosecond timestamp is its millisecond plus a sub-millisecond sequence: entries
// of one process within a millisecond keep their order, and a random start keeps processes apart.
import { randomInt } from 'node:crypto';

const NS_PER_MS = 1_000_000n;

export class UniqueTime {
  private lastMs = Number.NaN;
  private seq = 0;

  /** Nanosecond timestamp (decimal string) of an entry at `ms`. */
  next(ms: number): string {
    if (ms === this.lastMs && this.seq < 999_999) this.seq++;
    else {
      this.lastMs = ms;
      this.seq = randomInt(0, 500_000);
    }
    return (BigInt(ms) * NS_PER_MS + BigInt(this.seq)).toString();
  }
}

/** Epoch ms (fractional allowed) as an InfluxQL nanosecond time literal. */
export function nsLiteral(ms: number): string {
  const whole = Math.floor(ms);
  return (BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1e6))).toString();
}
