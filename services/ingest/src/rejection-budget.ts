// How many refusals per device are kept as dead letters and answered on the device's errors topic: a token bucket
// per device, so a device (or an attacker holding its credential) flooding garbage cannot fill the disk or the
// broker. Refusals beyond the budget are still counted in the metrics and logged once per device and hour.

export interface RejectionBudgetOptions {
  /** Refusals kept per device per hour (also the burst size). */
  perHour: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
  warnedAt: number;
}

const HOUR_MS = 3_600_000;

export class RejectionBudget {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(private readonly options: RejectionBudgetOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Takes one refusal from the key's budget; `keep` false when it is spent; `warn` once per hour when spent. */
  take(key: string): { keep: boolean; warn: boolean } {
    const now = this.now();
    const { perHour } = this.options;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size > 100_000) this.prune(now);
      bucket = { tokens: perHour, at: now, warnedAt: Number.NEGATIVE_INFINITY };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(perHour, bucket.tokens + ((now - bucket.at) / HOUR_MS) * perHour);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { keep: true, warn: false };
    }
    const warn = now - bucket.warnedAt >= HOUR_MS;
    if (warn) bucket.warnedAt = now;
    return { keep: false, warn };
  }

  /** Forgets buckets that have refilled completely (they behave like new ones). */
  private prune(now: number): void {
    const { perHour } = this.options;
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / HOUR_MS) * perHour >= perHour) this.buckets.delete(key);
    }
  }
}
