// Live posture analysis on each device's stream, fed by the drain in spool order with the corrected timestamps.
// Per device: the analysis engine in its bounded-memory epochs-only mode (epochs come back at most one epoch late)
// and a bed-period tracker on those epochs. When a final rise is confirmed (or the device has been silent past the
// cut-off with a period open) the period is handed to the finalizer, which computes the night and, later, the
// morning from the stored samples: keeping hours of one-second summaries for every device in memory is what the
// engine does for one recording, not what a service holding thousands of devices can afford.
import type { Mat3, PostureModel } from '@restpose/signal';
import { type AnalyzedEpoch, type BedPeriod, BedPeriodTracker, IDENTITY, StreamingAnalyzer } from '@restpose/signal';

export interface AnalysisBatch {
  t0: number;
  intervalMs: number;
  ax: Float32Array;
  ay: Float32Array;
  az: Float32Array;
  gyro?: { gx: Float32Array; gy: Float32Array; gz: Float32Array };
}

export interface LiveOutput {
  epochs: AnalyzedEpoch[];
  /** Bed periods whose final rise this batch confirmed. */
  periods: BedPeriod[];
}

export interface LiveAnalysisOptions {
  epochSeconds: number;
  /** A device silent this long with a bed period open has the period closed at its last lying epoch. */
  idleCutoffMs: number;
  /** Posture model (default: the angle rule). */
  postureModel?: PostureModel | undefined;
}

interface DeviceAnalysis {
  analyzer: StreamingAnalyzer;
  mounting: Mat3;
  beds: BedPeriodTracker;
  lastDataAt: number;
  rateHz: number;
}

export class LiveAnalysis {
  private readonly devices = new Map<string, DeviceAnalysis>();

  constructor(private readonly options: LiveAnalysisOptions) {}

  /**
   * Pushes a device's next batch. `mounting` (device to body, row-major; null: device axes are body axes) applies
   * from this batch: a changed one starts the device's analyzer afresh (the epoch in progress is lost; the bed
   * tracker and its open period are kept).
   */
  push(deviceId: string, batch: AnalysisBatch, mounting: Mat3 | null, receivedAt: number): LiveOutput {
    const rotation = mounting ?? IDENTITY;
    let d = this.devices.get(deviceId);
    if (!d || !sameMatrix(d.mounting, rotation)) {
      const analyzer = new StreamingAnalyzer({
        originMs: 0, // epochs on UTC multiples of their length
        epochSeconds: this.options.epochSeconds,
        mounting: rotation,
        epochsOnlyKeepSeconds: 0, // the least the engine needs
        model: this.options.postureModel,
      });
      d = d
        ? { ...d, analyzer, mounting: rotation }
        : { analyzer, mounting: rotation, beds: new BedPeriodTracker(), lastDataAt: receivedAt, rateHz: 0 };
      this.devices.set(deviceId, d);
    }
    d.lastDataAt = receivedAt;
    d.rateHz = 1000 / batch.intervalMs;
    const { epochs } = d.analyzer.push({
      t0: batch.t0,
      rateHz: 1000 / batch.intervalMs,
      ax: batch.ax,
      ay: batch.ay,
      az: batch.az,
      ...batch.gyro,
    });
    const periods: BedPeriod[] = [];
    for (const e of epochs) {
      const p = d.beds.push(e);
      if (p) periods.push(p);
    }
    return { epochs, periods };
  }

  /** Closes the bed periods of devices silent past the cut-off; forgets devices silent for a day. */
  idle(now: number): Array<{ deviceId: string; period: BedPeriod; rateHz: number }> {
    const closed: Array<{ deviceId: string; period: BedPeriod; rateHz: number }> = [];
    for (const [deviceId, d] of this.devices) {
      const silent = now - d.lastDataAt;
      if (silent >= this.options.idleCutoffMs && !Number.isNaN(d.beds.openSince)) {
        const period = d.beds.flush();
        if (period) closed.push({ deviceId, period, rateHz: d.rateHz });
      }
      if (silent >= 24 * 3_600_000) this.devices.delete(deviceId);
    }
    return closed;
  }

  get deviceCount(): number {
    return this.devices.size;
  }
}

const sameMatrix = (a: Mat3, b: Mat3) => a.every((v, i) => v === b[i]);
