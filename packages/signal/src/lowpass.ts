// Second-order Butterworth low-pass (bilinear transform), one state per channel, started at steady state so a
// new segment does not ring.

export class Lowpass3 {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
  /** Direct form II transposed state, two values per channel. */
  private readonly z = new Float64Array(6);
  readonly passthrough: boolean;

  constructor(cutoffHz: number, rateHz: number) {
    // Below twice the cutoff the filter would alias; the samples are used as they are.
    this.passthrough = rateHz <= 2.5 * cutoffHz;
    const k = Math.tan((Math.PI * Math.min(cutoffHz, rateHz / 2.5)) / rateHz);
    const norm = 1 / (1 + Math.SQRT2 * k + k * k);
    this.b0 = k * k * norm;
    this.b1 = 2 * this.b0;
    this.b2 = this.b0;
    this.a1 = 2 * (k * k - 1) * norm;
    this.a2 = (1 - Math.SQRT2 * k + k * k) * norm;
  }

  /** Sets the state as if the input had always been (x, y, z). */
  reset(x: number, y: number, z: number): void {
    const v = [x, y, z];
    for (let c = 0; c < 3; c++) {
      const z2 = (this.b2 - this.a2) * v[c]!;
      this.z[c * 2] = (this.b1 - this.a1) * v[c]! + z2;
      this.z[c * 2 + 1] = z2;
    }
  }

  /** Copies the state out (two values per channel), for callers that run the recursion inline. */
  save(out: Float64Array): void {
    out.set(this.z);
  }

  /** Filters one sample of channel c (0-2). */
  step(c: number, x: number): number {
    if (this.passthrough) return x;
    const i = c * 2;
    const y = this.b0 * x + this.z[i]!;
    this.z[i] = this.b1 * x - this.a1 * y + this.z[i + 1]!;
    this.z[i + 1] = this.b2 * x - this.a2 * y;
    return y;
  }
}
