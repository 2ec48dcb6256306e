// Simulated nights with ground truth, analyzed the way `restpose analyze` does it: per-epoch reference labels
// and the model inputs (epoch features plus context), for training and evaluation.
import {
  type AnalyzedEpoch,
  type AnalyzeOptions,
  analyzeRecording,
  featureMatrix,
  type Mat3,
  POSTURE_LABELS,
  type PostureModel,
  type RecordingAnalysis,
} from '@restpose/signal';
import {
  accelerationG,
  angularRateDps,
  epochLabels,
  FLAG_TRANSITION,
  type Recording,
  simulateRecording,
} from '@restpose/simulator';
import { MODEL_INPUT_COUNT, PostureContext } from './context.js';
import { misconfiguredMounting, type Scenario } from './scenarios.js';

export interface NightOptions {
  rateHz?: number;
  epochSeconds?: number;
  /** Hours of the day after the final rise to include (default 5, as the held-out test). */
  afterRiseHours?: number;
}

export interface AnalyzedNight {
  seed: number;
  analysis: RecordingAnalysis;
  /** Per analysis epoch: index into POSTURE_LABELS, or -1 when left out (off the body, or holding a transition). */
  labels: Int8Array;
}

/** Simulates the night of `seed` under `scenario` and analyzes it with `model` (default: the angle rule). */
export function analyzeNight(
  seed: number,
  scenario: Scenario,
  model?: PostureModel,
  options: NightOptions = {},
): AnalyzedNight {
  const epochSeconds = options.epochSeconds ?? 30;
  const rec = simulateRecording({
    ...scenario.recording,
    seed,
    nights: 1,
    rateHz: options.rateHz ?? 50,
    afterRiseHours: options.afterRiseHours ?? 5,
  });
  const acc = accelerationG(rec);
  const gyro = angularRateDps(rec);
  const t = Float64Array.from({ length: rec.sampleCount }, (_, i) => rec.startMs + (i * 1000) / rec.rateHz);
  const orientation: AnalyzeOptions['orientation'] =
    scenario.misconfiguredDeg === null
      ? 'auto'
      : (misconfiguredMounting(
          seed,
          rec.truth.mounting.initial.deviceToBody,
          scenario.misconfiguredDeg,
        ) as unknown as Mat3);
  const analysis = analyzeRecording(
    { t, ax: acc.x, ay: acc.y, az: acc.z, ...(gyro ? { gx: gyro.x, gy: gyro.y, gz: gyro.z } : {}) },
    { orientation, epochSeconds, model },
  );
  return { seed, analysis, labels: referenceLabels(rec, analysis.epochs, epochSeconds) };
}

/**
 * The simulator's majority label per epoch (docs/simulator.md), or -1 for epochs off the body or holding a
 * transition (lying down, sitting up, turning): the held-out test and `restpose validate` leave those out too.
 */
export function referenceLabels(rec: Recording, epochs: readonly AnalyzedEpoch[], epochSeconds: number): Int8Array {
  const labels = epochLabels(rec, epochSeconds);
  const flags = rec.samples.truth!.flags;
  const per = epochSeconds * rec.rateHz;
  const out = new Int8Array(epochs.length).fill(-1);
  epochs.forEach((e, j) => {
    const k = Math.round((e.start - rec.startMs) / (epochSeconds * 1000));
    const label = labels[k]?.label;
    if (!label || label === 'non-wear') return;
    for (let i = k * per; i < (k + 1) * per && i < rec.sampleCount; i++) if (flags[i]! & FLAG_TRANSITION) return;
    out[j] = POSTURE_LABELS.indexOf(label);
  });
  return out;
}

/** Model inputs of a sequence of epochs (one stream), as a fresh model session computes them. */
export function modelInputs(epochs: readonly AnalyzedEpoch[]): Float32Array {
  const features = featureMatrix(epochs);
  const out = new Float32Array(epochs.length * MODEL_INPUT_COUNT);
  const context = new PostureContext();
  for (let i = 0; i < epochs.length; i++) context.step(features, i, epochs[i]!, out);
  return out;
}

export interface TrainingRows {
  inputs: Float32Array;
  labels: Int32Array;
  rows: number;
}

/** Labelled rows of several nights (left-out epochs dropped), in night order. */
export function collectRows(nights: ReadonlyArray<{ inputs: Float32Array; labels: Int8Array }>): TrainingRows {
  const rows = nights.reduce((s, n) => s + n.labels.filter((l) => l >= 0).length, 0);
  const inputs = new Float32Array(rows * MODEL_INPUT_COUNT);
  const labels = new Int32Array(rows);
  let r = 0;
  for (const n of nights) {
    n.labels.forEach((l, i) => {
      if (l < 0) return;
      inputs.set(n.inputs.subarray(i * MODEL_INPUT_COUNT, (i + 1) * MODEL_INPUT_COUNT), r * MODEL_INPUT_COUNT);
      labels[r++] = l;
    });
  }
  return { inputs, labels, rows };
}
