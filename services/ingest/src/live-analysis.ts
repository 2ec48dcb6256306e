// Live posture analysis on each device's stream, fed by the drain in spool order with the corrected timestamps.
// One analyzer per device; it is pure (what it completes depends only on the samples pushed), and the drain turns
// what it completes into records and writes them in the same round as the samples they came from.
import { EpochAccumulator, type EpochSummary } from '@restpose/signal';

export interface AnalysisBatch {
  t0: number;
  intervalMs: number;
  ax: Float32Array;
  ay: Float32Array;
  az: Float32Array;
}

export class LiveAnalysis {
  // MERGE(signal, issue 4): the streaming analyzer (nights and mornings too) replaces the epoch accumulator here.
  private readonly analyzers = new Map<string, EpochAccumulator>();

  constructor(private readonly options: { epochSeconds: number }) {}

  /** Pushes a device's next batch; returns the epochs it completed. */
  push(deviceId: string, batch: AnalysisBatch): EpochSummary[] {
    let analyzer = this.analyzers.get(deviceId);
    if (!analyzer) {
      analyzer = new EpochAccumulator({ epochSeconds: this.options.epochSeconds });
      this.analyzers.set(deviceId, analyzer);
    }
    return analyzer.push(batch.t0, 1000 / batch.intervalMs, batch.ax, batch.ay, batch.az);
  }
}
