// The model's decision per epoch. Where the context finds the mounting right (the usual case), the angle rule is
// exact and the learned network can only add errors, so the rule's probabilities stand. Where the context is
// confident the mounting is off about the spine, the label comes from the mean of two views that correct for it:
// the network's probabilities, and the context's sector probabilities under the offset posterior (with the rule's
// upright probability, which the roll offset does not touch). On validation seeds the network alone lost epochs the
// rule had right, the corrected sectors alone gained fewer; the mean did neither (models/posture/MODEL_CARD.md).
import { POSTURE_LABELS } from '@restpose/signal';
import { MODEL_INPUT_COUNT, MODEL_INPUT_NAMES } from './context.js';

const K = POSTURE_LABELS.length;
const P_SUPINE = MODEL_INPUT_NAMES.indexOf('pSupine');

/**
 * Class probabilities per row: `rule` where `mountingOff[i]` is 0, else the mean of `network` and the corrected
 * sectors read from `inputs` (MODEL_INPUT_NAMES order: pSupine, pProne, pLeft, pRight follow POSTURE_LABELS).
 */
export function gatedProbabilities(
  network: Float32Array,
  rule: Float32Array,
  inputs: Float32Array,
  mountingOff: Uint8Array,
  rows: number,
): Float32Array {
  const out = rule.slice(0, rows * K);
  for (let i = 0; i < rows; i++) {
    if (!mountingOff[i]) continue;
    const o = i * K;
    const up = rule[o]!;
    out[o] = (network[o]! + up) / 2;
    for (let k = 1; k < K; k++)
      out[o + k] = (network[o + k]! + (1 - up) * inputs[i * MODEL_INPUT_COUNT + P_SUPINE + k - 1]!) / 2;
  }
  return out;
}
