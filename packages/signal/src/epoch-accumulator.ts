// Live epoching: samples arrive in batches, epochs are aligned to UTC multiples of their length and are
// emitted as soon as a later sample shows the epoch is over (at most one epoch of delay).
import { frontalDeg, rollDeg, sagittalDeg } from './angles.js';
import { ANGLE_RULE_VERSION, POSTURE_LABELS, type PostureLabel, postureFromGravity } from './posture-rule.js';

export interface EpochSummary {
  /** UTC epoch ms of the epoch start. */
  start: number;
  durationS: number;
  samples: number;
  posture: PostureLabel;
  /** Share of the epoch's samples whose own label agrees with the epoch's. */
  confidence: number;
  sagittalDeg: number;
  frontalDeg: number;
  rollDeg: number;
  algorithm: string;
}

export interface EpochAccumulatorOptions {
  epochSeconds: number;
  /** Epochs with fewer samples than this share of rate x length are dropped as too sparse to label. */
  minCoverage?: number;
}

export class EpochAccumulator {
  private readonly epochMs: number;
  private readonly minCoverage: number;
  private current: {
    start: number;
    n: number;
    sx: number;
    sy: number;
    sz: number;
    votes: number[];
    rateHz: number;
  } | null = null;

  constructor(options: EpochAccumulatorOptions) {
    if (!(options.epochSeconds > 0)) throw new Error('epochSeconds: expected a positive number');
    this.epochMs = options.epochSeconds * 1000;
    this.minCoverage = options.minCoverage ?? 0.5;
  }

  /** Adds samples taken at t0 + i * 1000 / rateHz; returns the epochs this batch completed, oldest first. */
  push(t0: number, rateHz: number, x: Float32Array, y: Float32Array, z: Float32Array): EpochSummary[] {
    const done: EpochSummary[] = [];
    const dt = 1000 / rateHz;
    for (let i = 0; i < x.length; i++) {
      const t = t0 + i * dt;
      const start = Math.floor(t / this.epochMs) * this.epochMs;
      if (this.current && start !== this.current.start) {
        // Late samples from an epoch already emitted are ignored here; the stored raw data keeps them.
        if (start < this.current.start) continue;
        const summary = this.finish();
        if (summary) done.push(summary);
      }
      if (!this.current) {
        this.current = { start, n: 0, sx: 0, sy: 0, sz: 0, votes: new Array(POSTURE_LABELS.length).fill(0), rateHz };
      }
      const c = this.current;
      const xi = x[i]!;
      const yi = y[i]!;
      const zi = z[i]!;
      c.n++;
      c.sx += xi;
      c.sy += yi;
      c.sz += zi;
      c.votes[POSTURE_LABELS.indexOf(postureFromGravity(xi, yi, zi))]++;
    }
    return done;
  }

  private finish(): EpochSummary | null {
    const c = this.current;
    this.current = null;
    if (!c || c.n < this.minCoverage * c.rateHz * (this.epochMs / 1000)) return null;
    const mx = c.sx / c.n;
    const my = c.sy / c.n;
    const mz = c.sz / c.n;
    const posture = postureFromGravity(mx, my, mz);
    return {
      start: c.start,
      durationS: this.epochMs / 1000,
      samples: c.n,
      posture,
      confidence: c.votes[POSTURE_LABELS.indexOf(posture)]! / c.n,
      sagittalDeg: sagittalDeg(mx, my),
      frontalDeg: frontalDeg(my, mz),
      rollDeg: rollDeg(mx, mz),
      algorithm: ANGLE_RULE_VERSION,
    };
  }
}
