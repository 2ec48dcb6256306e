// One evaluation run of an artifact: every condition on the held-out seeds, HAPT when present, inference cost;
// written as models/posture/evaluation.json and MODEL_CARD.md.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { postureMetaSchema } from './artifact.js';
import { analyzeNight } from './dataset.js';
import { evaluateCondition, evaluateHapt } from './evaluate.js';
import { haptDir, haptPresent, loadHapt } from './hapt.js';
import { measureInference } from './inference-cost.js';
import type { PostureNet } from './model.js';
import { type EvaluationReport, modelCard } from './model-card.js';
import { CONDITION_NAMES, CONDITIONS, type ConditionName } from './scenarios.js';

export interface ReportOptions {
  seeds: number[];
  conditions?: ConditionName[];
  /** Directory of the UCI HAPT raw data (default ../shared/data/uci-hapt-dev/RawData). */
  hapt?: string;
  onProgress?: (message: string) => void;
}

export function evaluateArtifact(net: PostureNet, dir: string, options: ReportOptions): EvaluationReport {
  const log = options.onProgress ?? (() => {});
  const conditions = (options.conditions ?? CONDITION_NAMES).map((c) => {
    const result = evaluateCondition(c, options.seeds, net.postureModel());
    log(
      `${c}: rule ${pctOf(result.rule.accuracy)}, model ${pctOf(result.model.accuracy)} over ${result.rule.n} epochs`,
    );
    return result;
  });
  const hdir = options.hapt ?? haptDir();
  const hapt = haptPresent(hdir) ? evaluateHapt(loadHapt(hdir), net.postureModel()) : null;
  if (hapt) log(`UCI HAPT: rule ${pctOf(hapt.rule.accuracy)}, model ${pctOf(hapt.model.accuracy)}`);
  const sample = analyzeNight(options.seeds[0]!, CONDITIONS.default, undefined, { afterRiseHours: 0 });
  const meta = postureMetaSchema.parse(JSON.parse(readFileSync(join(dir, 'posture.json'), 'utf8')));
  return {
    version: net.version,
    backend: tf.getBackend(),
    training: meta.training,
    heldOutSeeds: options.seeds,
    conditions,
    hapt,
    haptNote: hapt ? null : `no UCI HAPT data at ${hdir}`,
    inference: measureInference(net, sample.analysis.epochs),
    weightsBytes: statSync(join(dir, 'weights.bin')).size,
  };
}

export function writeReport(dir: string, report: EvaluationReport): void {
  writeFileSync(join(dir, 'evaluation.json'), `${JSON.stringify(report, null, 1)}\n`);
  writeFileSync(join(dir, 'MODEL_CARD.md'), modelCard(report));
}

const pctOf = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(2)}%`);
