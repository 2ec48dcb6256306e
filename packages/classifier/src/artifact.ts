// The model artifact on disk (models/posture): model.json and weights.bin in the TensorFlow.js layers format, and
// posture.json with the version, input names, normalization, context parameters and how it was trained.
// Read and written with plain file I/O (the file:// handler needs tfjs-node, which may be absent).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { CONTEXT_PARAMS, MODEL_INPUT_NAMES } from './context.js';
import { MODEL_NAME, MODEL_SEMVER, type Normalization, PostureNet } from './model.js';

/** models/posture in the repository. */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../../models/posture/', import.meta.url));

export const postureMetaSchema = z.object({
  format: z.literal('restpose-posture-model/1'),
  /** `posture-mlp@<semver>+<first 12 hex of the sha256 of weights, normalization and context>` */
  version: z.string(),
  labels: z.array(z.string()),
  inputs: z.array(z.string()),
  normalization: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }),
  context: z.record(z.string(), z.number()),
  training: z.record(z.string(), z.unknown()),
});
export type PostureMeta = z.infer<typeof postureMetaSchema>;

export class ModelLoadError extends Error {}

/** Writes the artifact; returns its version. */
export async function saveArtifact(
  dir: string,
  network: tf.LayersModel,
  normalization: Normalization,
  training: Record<string, unknown>,
): Promise<string> {
  let saved: tf.io.ModelArtifacts | null = null;
  await network.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  const a = saved as unknown as tf.io.ModelArtifacts;
  const weights = Buffer.from(a.weightData as ArrayBuffer);
  const version = versionOf(weights, normalization);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'weights.bin'), weights);
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
  };
  writeFileSync(join(dir, 'model.json'), `${JSON.stringify(modelJson)}\n`);
  const meta: PostureMeta = {
    format: 'restpose-posture-model/1',
    version,
    labels: ['upright', 'supine', 'prone', 'left', 'right'],
    inputs: [...MODEL_INPUT_NAMES],
    normalization,
    context: { ...CONTEXT_PARAMS },
    training,
  };
  writeFileSync(join(dir, 'posture.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return version;
}

/** `posture-mlp@<semver>+hash`: the hash covers the weights, the normalization and the context parameters. */
export function versionOf(weights: Uint8Array, normalization: Normalization): string {
  const h = createHash('sha256');
  h.update(weights);
  h.update(JSON.stringify(normalization));
  h.update(JSON.stringify(CONTEXT_PARAMS));
  h.update(JSON.stringify(MODEL_INPUT_NAMES));
  return `${MODEL_NAME}@${MODEL_SEMVER}+${h.digest('hex').slice(0, 12)}`;
}

export function artifactPresent(dir = DEFAULT_MODEL_DIR): boolean {
  return ['model.json', 'weights.bin', 'posture.json'].every((f) => existsSync(join(dir, f)));
}

/**
 * Loads the artifact. Refuses, naming the file, an artifact made for other inputs or context, or whose weights do
 * not match its version (a partial copy, a stale file).
 */
export async function loadArtifact(dir = DEFAULT_MODEL_DIR): Promise<PostureNet> {
  const read = (f: string) => {
    try {
      return readFileSync(join(dir, f));
    } catch (err) {
      throw new ModelLoadError(`${join(dir, f)}: ${(err as Error).message}`);
    }
  };
  let meta: PostureMeta;
  let modelJson: { modelTopology: object; weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }> };
  try {
    meta = postureMetaSchema.parse(JSON.parse(read('posture.json').toString('utf8')));
    modelJson = JSON.parse(read('model.json').toString('utf8'));
  } catch (err) {
    if (err instanceof ModelLoadError) throw err;
    throw new ModelLoadError(`${dir}: not a restpose posture model (${(err as Error).message.split('\n')[0]})`);
  }
  if (JSON.stringify(meta.inputs) !== JSON.stringify(MODEL_INPUT_NAMES)) {
    throw new ModelLoadError(`${join(dir, 'posture.json')}: inputs differ from this version's (${MODEL_INPUT_NAMES})`);
  }
  if (JSON.stringify(meta.context) !== JSON.stringify(CONTEXT_PARAMS)) {
    throw new ModelLoadError(`${join(dir, 'posture.json')}: context parameters differ from this version's`);
  }
  const weights = read('weights.bin');
  const expected = versionOf(weights, meta.normalization);
  if (expected !== meta.version) {
    throw new ModelLoadError(`${join(dir, 'weights.bin')}: does not match version ${meta.version} (got ${expected})`);
  }
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  const network = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((m) => m.weights),
      weightData,
    }),
  );
  return new PostureNet(network, meta.normalization, meta.version);
}
