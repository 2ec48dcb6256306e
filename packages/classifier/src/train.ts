// Training from a seed: simulated nights under randomized conditions (training seeds only), the context inputs,
// then the MLP with a seeded initialization and a seeded batch order. Deterministic for a given backend.
import { POSTURE_LABELS } from '@restpose/signal';
import { Random } from '@restpose/simulator';
import * as tf from '@tensorflow/tfjs';
import { MODEL_INPUT_COUNT } from './context.js';
import { analyzeNight, collectRows, modelInputs, type TrainingRows } from './dataset.js';
import { buildNetwork, L2, type Normalization, PostureNet } from './model.js';
import { SEEDS, trainingScenario } from './scenarios.js';

export interface TrainOptions {
  /** Seed of the initialization and batch order; the nights are training seeds from SEEDS.training.from. */
  seed?: number;
  /** Simulated nights (default 200). */
  nights?: number;
  /** Passes over the data (default 10). */
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Sample rate of the simulated nights, Hz (default 25: half the cost of 50 Hz, same features). */
  rateHz?: number;
  onProgress?: (message: string) => void;
}

export interface TrainResult {
  net: PostureNet;
  normalization: Normalization;
  /** Everything needed to reproduce it (stored in the artifact). */
  config: Required<Omit<TrainOptions, 'onProgress'>> & { trainingSeeds: [number, number]; rows: number };
  classCounts: number[];
  finalLoss: number;
  seconds: { data: number; fit: number };
}

export async function trainPostureModel(options: TrainOptions = {}): Promise<TrainResult> {
  const config = {
    seed: options.seed ?? 1,
    nights: options.nights ?? 200,
    epochs: options.epochs ?? 10,
    batchSize: options.batchSize ?? 256,
    learningRate: options.learningRate ?? 3e-3,
    rateHz: options.rateHz ?? 25,
  };
  const log = options.onProgress ?? (() => {});
  const first = SEEDS.training.from;
  const last = first + config.nights - 1;
  if (last > SEEDS.training.to) throw new Error(`nights: at most ${SEEDS.training.to - first + 1} training seeds`);

  const t0 = performance.now();
  const nights: Array<{ inputs: Float32Array; labels: Int8Array }> = [];
  for (let s = first; s <= last; s++) {
    const n = analyzeNight(s, trainingScenario(s), undefined, { rateHz: config.rateHz, afterRiseHours: 1 });
    nights.push({ inputs: modelInputs(n.analysis.epochs), labels: n.labels });
    if ((s - first + 1) % 20 === 0) log(`simulated ${s - first + 1}/${config.nights} nights`);
  }
  const data = collectRows(nights);
  const t1 = performance.now();
  const { net, normalization, classCounts, finalLoss } = await fitPostureNet(data, config, log);
  const t2 = performance.now();
  return {
    net,
    normalization,
    config: { ...config, trainingSeeds: [first, last], rows: data.rows },
    classCounts,
    finalLoss,
    seconds: { data: (t1 - t0) / 1000, fit: (t2 - t1) / 1000 },
  };
}

/** The network fitted to labelled rows (normalization from the rows, seeded initialization and batch order). */
export async function fitPostureNet(
  data: TrainingRows,
  config: { seed: number; epochs: number; batchSize: number; learningRate: number },
  log: (m: string) => void = () => {},
): Promise<{ net: PostureNet; normalization: Normalization; classCounts: number[]; finalLoss: number }> {
  const normalization = normalizationOf(data);
  const net = new PostureNet(buildNetwork(config.seed), normalization, 'untrained');
  const x = net.normalize(data.inputs, data.rows);
  const classCounts = POSTURE_LABELS.map((_, k) => data.labels.filter((l) => l === k).length);
  const finalLoss = await fit(net.network, x, data, config, log);
  return { net, normalization, classCounts, finalLoss };
}

export function normalizationOf(data: TrainingRows): Normalization {
  const mean = new Array<number>(MODEL_INPUT_COUNT).fill(0);
  const sq = new Array<number>(MODEL_INPUT_COUNT).fill(0);
  for (let r = 0; r < data.rows; r++) {
    for (let k = 0; k < MODEL_INPUT_COUNT; k++) {
      const v = data.inputs[r * MODEL_INPUT_COUNT + k]!;
      mean[k]! += v;
      sq[k]! += v * v;
    }
  }
  const n = Math.max(1, data.rows);
  const m = mean.map((s) => s / n);
  // Rounded so the artifact's JSON is short; a constant input keeps SD 1.
  const std = sq.map((s, k) => Math.sqrt(Math.max(0, s / n - m[k]! ** 2)));
  return {
    mean: m.map((v) => Number(v.toPrecision(6))),
    std: std.map((v) => (v > 1e-6 ? Number(v.toPrecision(6)) : 1)),
  };
}

/** L2 on the kernels (the layers' regularizers only act inside model.fit). */
function l2Penalty(network: tf.LayersModel): tf.Scalar {
  const kernels = network.trainableWeights.filter((w) => w.name.includes('kernel')).map((w) => w.read());
  return tf.mul(L2, tf.addN(kernels.map((k) => tf.sum(tf.square(k))))) as tf.Scalar;
}

/** Mini-batch Adam on softmax cross-entropy; batches in a seeded order. Returns the last loss. */
async function fit(
  network: tf.LayersModel,
  x: Float32Array,
  data: TrainingRows,
  config: { seed: number; epochs: number; batchSize: number; learningRate: number },
  log: (m: string) => void,
): Promise<number> {
  const k = POSTURE_LABELS.length;
  const xs = tf.tensor2d(x, [data.rows, MODEL_INPUT_COUNT]);
  const ys = tf.oneHot(tf.tensor1d(data.labels, 'int32'), k);
  const optimizer = tf.train.adam(config.learningRate);
  const rng = new Random(config.seed);
  const order = Int32Array.from({ length: data.rows }, (_, i) => i);
  let last = Number.NaN;
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    // Seeded Fisher-Yates: the batch order is part of the reproducible recipe (tfjs's shuffle uses Math.random).
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let sum = 0;
    let batches = 0;
    for (let b = 0; b < data.rows; b += config.batchSize) {
      const idx = tf.tensor1d(order.subarray(b, Math.min(data.rows, b + config.batchSize)), 'int32');
      const loss = optimizer.minimize(
        () =>
          tf.tidy(() => {
            const bx = tf.gather(xs, idx);
            const by = tf.gather(ys, idx);
            const logits = network.apply(bx, { training: true }) as tf.Tensor;
            // No class weights: weighting the rare prone class moved the boundaries of three-quarter positions.
            const ce = tf.losses.softmaxCrossEntropy(by, logits) as tf.Scalar;
            return ce.add(l2Penalty(network)) as tf.Scalar;
          }),
        true,
      )!;
      sum += loss.dataSync()[0]!;
      batches++;
      loss.dispose();
      idx.dispose();
    }
    last = sum / batches;
    log(`epoch ${epoch + 1}/${config.epochs}: loss ${last.toFixed(4)}`);
    await tf.nextFrame();
  }
  tf.dispose([xs, ys]);
  optimizer.dispose();
  return last;
}
