// Rule vs model on held-out simulator seeds per condition, and lying vs upright on UCI HAPT. One analysis per
// recording gives both: every epoch carries the model's label (`posture`) and the rule's (`rulePosture`), each
// after its own hysteresis, exactly as `restpose analyze` reports them.
import { type Agreement, agreement, analyzeRecording, POSTURE_LABELS, type PostureModel } from '@restpose/signal';
import { analyzeNight, type NightOptions } from './dataset.js';
import { type HaptRecording, haptClass } from './hapt.js';
import { CONDITIONS, type ConditionName } from './scenarios.js';

export interface SeedOutcome {
  seed: number;
  epochs: number;
  ruleCorrect: number;
  modelCorrect: number;
}

export interface ConditionResult {
  condition: ConditionName;
  seeds: SeedOutcome[];
  rule: Agreement;
  model: Agreement;
}

export function evaluateCondition(
  condition: ConditionName,
  seeds: readonly number[],
  model: PostureModel,
  options: NightOptions = {},
): ConditionResult {
  const truth: string[] = [];
  const rule: string[] = [];
  const predicted: string[] = [];
  const outcomes: SeedOutcome[] = [];
  for (const seed of seeds) {
    const n = analyzeNight(seed, CONDITIONS[condition], model, options);
    const o: SeedOutcome = { seed, epochs: 0, ruleCorrect: 0, modelCorrect: 0 };
    n.analysis.epochs.forEach((e, i) => {
      const l = n.labels[i]!;
      if (l < 0) return;
      const label = POSTURE_LABELS[l]!;
      truth.push(label);
      rule.push(e.rulePosture);
      predicted.push(e.posture);
      o.epochs++;
      if (e.rulePosture === label) o.ruleCorrect++;
      if (e.posture === label) o.modelCorrect++;
    });
    outcomes.push(o);
  }
  return {
    condition,
    seeds: outcomes,
    rule: agreement(POSTURE_LABELS, truth, rule),
    model: agreement(POSTURE_LABELS, truth, predicted),
  };
}

export interface HaptResult {
  perUser: Array<{ user: number; epochs: number; ruleCorrect: number; modelCorrect: number }>;
  /** Lying vs upright agreement over all users. */
  rule: Agreement;
  model: Agreement;
}

/**
 * Lying vs upright per 1-s epoch on labelled, non-transition HAPT segments (an epoch counts only when wholly
 * inside one), with the mounting estimated from the data (`auto`), as the signal layer's HAPT test does.
 */
export function evaluateHapt(recordings: readonly HaptRecording[], model: PostureModel): HaptResult {
  const users = new Map<number, HaptResult['perUser'][0]>();
  const truth: string[] = [];
  const rule: string[] = [];
  const predicted: string[] = [];
  const lying = (p: string) => (p === 'upright' ? 'upright' : 'lying');
  for (const h of recordings) {
    const a = analyzeRecording(h.rec, { orientation: 'auto', epochSeconds: 1, model });
    const t0 = h.rec.t[0]!;
    const u = users.get(h.user) ?? { user: h.user, epochs: 0, ruleCorrect: 0, modelCorrect: 0 };
    users.set(h.user, u);
    for (const e of a.epochs) {
      const first = Math.round((e.start - t0) / 20);
      const seg = h.segments.find((s) => s.start <= first && s.end >= first + 49);
      const label = seg ? haptClass(seg.activity) : null;
      if (!label) continue;
      truth.push(label);
      rule.push(lying(e.rulePosture));
      predicted.push(lying(e.posture));
      u.epochs++;
      if (lying(e.rulePosture) === label) u.ruleCorrect++;
      if (lying(e.posture) === label) u.modelCorrect++;
    }
  }
  const labels = ['upright', 'lying'];
  return {
    perUser: [...users.values()].sort((a, b) => a.user - b.user),
    rule: agreement(labels, truth, rule),
    model: agreement(labels, truth, predicted),
  };
}
