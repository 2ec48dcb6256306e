// The card's "Rule or model" section follows the figures: the rule stays the default while the model is worse
// than the rule on any held-out condition.
import { agreement } from '@restpose/signal';
import { type ConditionResult, ruleOrModel } from '../src/index.js';

const labels = ['supine', 'left'];
const truth = ['supine', 'supine', 'left', 'left'];
const condition = (name: ConditionResult['condition'], rule: string[], model: string[]): ConditionResult => ({
  condition: name,
  seeds: [],
  rule: agreement(labels, truth, rule),
  model: agreement(labels, truth, model),
});

test('a condition where the model is worse keeps the rule as the default and is named', () => {
  const text = ruleOrModel(
    [
      condition('slips', ['supine', 'left', 'left', 'left'], truth),
      condition('three-quarter', truth, ['supine', 'left', 'left', 'left']),
    ],
    null,
  );
  expect(text).toContain('Better: slips (75.00% -> 100.00%)');
  expect(text).toContain('Worse: three-quarter (100.00% -> 75.00%)');
  expect(text).toContain('the angle rule stays the default');
  expect(text).toContain('It helps most on slips nights');
});

test('a model at least as good everywhere is said to be', () => {
  const text = ruleOrModel(
    [condition('default', truth, truth), condition('slips', ['left', 'supine', 'left', 'left'], truth)],
    null,
  );
  expect(text).toContain('Worse: none');
  expect(text).toContain('at least as good as the rule on every held-out condition');
  expect(text).not.toContain('stays the default');
});
