// Inference cost per epoch of the model against the rule on the same epochs (for the model card and
// `pnpm bench classify`). Timing only: no assertions anywhere depend on it.
import { type AnalyzedEpoch, angleRule, EPOCH_FEATURE_COUNT, featureMatrix } from '@restpose/signal';
import * as tf from '@tensorflow/tfjs';
import type { PostureNet } from './model.js';
import type { InferenceCost } from './model-card.js';

function timeUs(runs: number, fn: () => void): number {
  fn(); // warm-up
  const t0 = performance.now();
  for (let r = 0; r < runs; r++) fn();
  return ((performance.now() - t0) * 1000) / runs;
}

/** Microseconds per epoch over `epochs` (one stream in time order). */
export function measureInference(net: PostureNet, epochs: readonly AnalyzedEpoch[], batch = 64): InferenceCost {
  const features = featureMatrix(epochs);
  const n = epochs.length;
  const rule = timeUs(5, () => angleRule.predict(features, n)) / n;
  const single =
    timeUs(1, () => {
      const m = net.postureModel();
      for (let i = 0; i < n; i++) {
        m.predict(features.subarray(i * EPOCH_FEATURE_COUNT, (i + 1) * EPOCH_FEATURE_COUNT), 1, [epochs[i]!]);
      }
    }) / n;
  const batched =
    timeUs(3, () => {
      const m = net.postureModel();
      for (let i = 0; i < n; i += batch) {
        const j = Math.min(n, i + batch);
        m.predict(features.subarray(i * EPOCH_FEATURE_COUNT, j * EPOCH_FEATURE_COUNT), j - i, epochs.slice(i, j));
      }
    }) / n;
  return {
    backend: tf.getBackend(),
    ruleUsPerEpoch: rule,
    modelUsPerEpochSingle: single,
    modelUsPerEpochBatched: batched,
    batch,
  };
}
