// The model's decision: the rule's probabilities where the mounting is right, the mean of the network and the
// context's corrected sectors where the context finds it off.
import { POSTURE_LABELS } from '@restpose/signal';
import { gatedProbabilities, MODEL_INPUT_COUNT, MODEL_INPUT_NAMES } from '../src/index.js';

const K = POSTURE_LABELS.length;

test('rows with the mounting right keep the rule; rows with it off average the network and the corrected sectors', () => {
  const rule = Float32Array.from([0.1, 0.1, 0, 0.8, 0, 0.1, 0.1, 0, 0.8, 0]); // both rows: left
  const network = Float32Array.from([0, 0.9, 0, 0.1, 0, 0, 0.7, 0, 0.3, 0]);
  const inputs = new Float32Array(2 * MODEL_INPUT_COUNT);
  const pSupine = MODEL_INPUT_NAMES.indexOf('pSupine');
  inputs.set([0.75, 0, 0.25, 0], pSupine); // corrected: mostly supine
  inputs.set([0.75, 0, 0.25, 0], MODEL_INPUT_COUNT + pSupine);
  const p = gatedProbabilities(network, rule, inputs, Uint8Array.from([0, 1]), 2);
  expect([...p.slice(0, K)]).toEqual([...rule.slice(0, K)]);
  const row = [...p.slice(K)];
  expect(row[0]).toBeCloseTo((0 + 0.1) / 2, 6); // upright: network and the rule's upright probability
  expect(row[1]).toBeCloseTo((0.7 + 0.9 * 0.75) / 2, 6);
  expect(row[3]).toBeCloseTo((0.3 + 0.9 * 0.25) / 2, 6);
  expect(POSTURE_LABELS[row.indexOf(Math.max(...row))]).toBe('supine');
  expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  expect(rule[K + 3]).toBe(Math.fround(0.8)); // the inputs are not modified
});
