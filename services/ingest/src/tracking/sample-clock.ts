// Estimates a device's real sample interval from consecutive batches, as docs/protocol.md promises device authors:
// t0 comes from the device's real-time clock for every batch, and the sensor's own sample clock may run off its
// nominal rate (by tens of ppm on a crystal, by percent on an internal oscillator). For a pair of consecutive
// batches (seq k and k+1), t0[k+1] - t0[k] is how long count[k] samples really took. Summing those durations and
// their nominal lengths over a long window (exponential forgetting, time constant one hour of data) makes the
// estimate robust to the millisecond jitter of each t0: over a contiguous run the sum telescopes to
// t0[last] - t0[first], so jitter enters once, not once per batch. Pairs that disagree with the estimate (a clock
// step, samples lost inside a batch boundary) are left out and counted.

/** Time constant of the forgetting, in milliseconds of nominal sample time. */
const WINDOW_MS = 60 * 60 * 1000;
/** Before this much data the estimate is not used (nominal spacing is). */
const WARM_MS = 60 * 1000;
/** Before warm-up, pairs further than this from nominal are refused (sensor rates are within a few percent). */
const MAX_RATE_ERROR = 0.1;
/** After warm-up, a pair is refused when its duration is off the estimate by more than this (ms, or share). */
const STEP_TOLERANCE_MS = 5;
const STEP_TOLERANCE_SHARE = 0.005;

export interface SampleClockState {
  sumActualMs: number;
  sumNominalMs: number;
  prev: { seq: number; t0: number; count: number; nominalMs: number } | null;
  pairsUsed: number;
  pairsRefused: number;
}

export class SampleClock {
  private sumActualMs = 0;
  private sumNominalMs = 0;
  private prev: SampleClockState['prev'] = null;
  pairsUsed = 0;
  pairsRefused = 0;

  /** Real duration of one nominal millisecond (1 = on time); 1 until enough data has been seen. */
  get ratio(): number {
    return this.sumNominalMs >= WARM_MS ? this.sumActualMs / this.sumNominalMs : 1;
  }

  /** Sample-rate error in ppm, positive when the sensor samples faster than nominal; null before warm-up. */
  get ppm(): number | null {
    return this.sumNominalMs >= WARM_MS ? (this.sumNominalMs / this.sumActualMs - 1) * 1e6 : null;
  }

  /** Spacing of samples nominally `nominalMs` apart. */
  intervalMs(nominalMs: number): number {
    return nominalMs * this.ratio;
  }

  /** Takes the newest batch of the device (in sequence order); returns whether its pair with the previous was used. */
  observe(seq: number, t0: number, count: number, nominalMs: number): 'used' | 'refused' | 'unpaired' {
    const prev = this.prev;
    this.prev = { seq, t0, count, nominalMs };
    if (!prev || (prev.seq + 1) >>> 0 !== seq) return 'unpaired';
    const actual = t0 - prev.t0;
    const nominal = prev.count * prev.nominalMs;
    const warm = this.sumNominalMs >= WARM_MS;
    const ok = warm
      ? Math.abs(actual - nominal * this.ratio) <= Math.max(STEP_TOLERANCE_MS, STEP_TOLERANCE_SHARE * nominal)
      : Math.abs(actual / nominal - 1) <= MAX_RATE_ERROR;
    if (!ok) {
      this.pairsRefused++;
      return 'refused';
    }
    const keep = Math.exp(-nominal / WINDOW_MS);
    this.sumActualMs = this.sumActualMs * keep + actual;
    this.sumNominalMs = this.sumNominalMs * keep + nominal;
    this.pairsUsed++;
    return 'used';
  }

  /** Forgets the previous batch (the numbering restarted), keeping the rate estimate: the oscillator is the same. */
  breakRun(): void {
    this.prev = null;
  }

  toJSON(): SampleClockState {
    return {
      sumActualMs: this.sumActualMs,
      sumNominalMs: this.sumNominalMs,
      prev: this.prev,
      pairsUsed: this.pairsUsed,
      pairsRefused: this.pairsRefused,
    };
  }

  static fromJSON(state: SampleClockState): SampleClock {
    const c = new SampleClock();
    c.sumActualMs = state.sumActualMs;
    c.sumNominalMs = state.sumNominalMs;
    c.prev = state.prev;
    c.pairsUsed = state.pairsUsed;
    c.pairsRefused = state.pairsRefused;
    return c;
  }
}
