// The learned posture model: a small MLP over MODEL_INPUT_NAMES (epoch features plus context), and its
// PostureModel adapter for @restpose/signal's analyzer. Each stream (device, recording) gets a session with its
// own context; the network and its weights are shared.
import { angleRule, POSTURE_LABELS, type PostureModel } from '@restpose/signal';
import * as tf from '@tensorflow/tfjs';
import { MODEL_INPUT_COUNT, MODEL_INPUT_NAMES, PostureContext } from './context.js';
import { gatedProbabilities } from './gate.js';

export const MODEL_NAME = 'posture-mlp';
/** The architecture and input definition; the artifact's version adds a hash of its weights. */
export const MODEL_SEMVER = '1.4.0';
export const HIDDEN_UNITS = [32, 32] as const;
/** L2 penalty on the kernels (applied by the training loop). */
export const L2 = 1e-4;

export interface Normalization {
  mean: number[];
  std: number[];
}

/** The network: inputs (normalized) -> 32 ReLU -> 32 ReLU -> 5 logits. Initial weights come from `seed`. */
export function buildNetwork(seed: number): tf.Sequential {
  const net = tf.sequential();
  HIDDEN_UNITS.forEach((units, i) => {
    net.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        inputShape: i === 0 ? [MODEL_INPUT_COUNT] : undefined,
        kernelInitializer: tf.initializers.heNormal({ seed: seed * 10 + i }),
      }),
    );
  });
  net.add(
    tf.layers.dense({
      units: POSTURE_LABELS.length,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 10 + 9 }),
    }),
  );
  return net;
}

/** A trained network with its normalization and version: what models/posture holds. */
export class PostureNet {
  constructor(
    readonly network: tf.LayersModel,
    readonly normalization: Normalization,
    readonly version: string,
  ) {
    if (normalization.mean.length !== MODEL_INPUT_COUNT || normalization.std.length !== MODEL_INPUT_COUNT) {
      throw new Error(`normalization: expected ${MODEL_INPUT_COUNT} means and SDs (${MODEL_INPUT_NAMES.join(', ')})`);
    }
  }

  /** Class probabilities (POSTURE_LABELS order) of model-input rows. */
  probabilities(inputs: Float32Array, rows: number): Float32Array {
    if (rows === 0) return new Float32Array(0);
    const x = this.normalize(inputs, rows);
    return tf.tidy(() => {
      const logits = this.network.predict(tf.tensor2d(x, [rows, MODEL_INPUT_COUNT])) as tf.Tensor;
      return tf.softmax(logits).dataSync() as Float32Array;
    });
  }

  normalize(inputs: Float32Array, rows: number): Float32Array {
    const { mean, std } = this.normalization;
    const out = new Float32Array(rows * MODEL_INPUT_COUNT);
    for (let i = 0; i < out.length; i++) {
      const k = i % MODEL_INPUT_COUNT;
      out[i] = (inputs[i]! - mean[k]!) / std[k]!;
    }
    return out;
  }

  /** The model for @restpose/signal's analyzer (`analyzeRecording(rec, { model })`, `StreamingAnalyzer`). */
  postureModel(): PostureModel {
    const net = this;
    const make = (): PostureModel => {
      const context = new PostureContext();
      return {
        id: net.version,
        backend: tf.getBackend(),
        predict(features, rows, epochs) {
          if (!epochs || epochs.length !== rows) {
            throw new Error(`${net.version}: predict needs the epoch summaries behind the ${rows} rows`);
          }
          const inputs = new Float32Array(rows * MODEL_INPUT_COUNT);
          const mountingOff = new Uint8Array(rows);
          for (let i = 0; i < rows; i++) {
            context.step(features, i, epochs[i]!, inputs);
            mountingOff[i] = context.mountingOff ? 1 : 0;
          }
          const rule = angleRule.predict(features, rows);
          return gatedProbabilities(net.probabilities(inputs, rows), rule, inputs, mountingOff, rows);
        },
        session: make,
      };
    };
    return make();
  }
}
