// `restpose evaluate`: the posture model against the angle rule on held-out simulator seeds per condition and on
// UCI HAPT (when present); rewrites the model's evaluation.json and MODEL_CARD.md, or prints the summary.
import {
  CONDITION_NAMES,
  type ConditionName,
  DEFAULT_MODEL_DIR,
  evaluateArtifact,
  writeReport,
} from '@restpose/classifier';
import type { Command } from 'commander';
import { z } from 'zod';
import { addSettingOptions } from '../command-options.js';
import { backendSetting, loadNet } from '../posture-model.js';
import { loadConfig } from '../settings.js';
import { yesNo } from '../sim-settings.js';
import { heldOutSeedsSetting, stderrLogger } from './train.js';

const conditions = z.string().transform((v, ctx) => {
  const list = v === 'all' ? CONDITION_NAMES : v.split(',').map((c) => c.trim());
  const bad = list.filter((c) => !CONDITION_NAMES.includes(c as ConditionName));
  if (bad.length) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown condition ${bad[0]}: expected all or some of ${CONDITION_NAMES}`,
    });
    return z.NEVER;
  }
  return list as ConditionName[];
});

export const evaluateSettings = {
  model: {
    flag: 'model',
    env: 'RESTPOSE_EVALUATE_MODEL',
    describe: 'model directory',
    default: DEFAULT_MODEL_DIR,
    schema: z.string().min(1, 'expected a directory path'),
  },
  heldOutSeeds: heldOutSeedsSetting,
  conditions: {
    flag: 'conditions',
    env: 'RESTPOSE_EVALUATE_CONDITIONS',
    describe: `conditions to evaluate: all, or a list of ${CONDITION_NAMES.join(', ')}`,
    default: 'all',
    schema: conditions,
  },
  card: {
    flag: 'card',
    env: 'RESTPOSE_EVALUATE_CARD',
    describe: "rewrite the model's evaluation.json and MODEL_CARD.md: yes or no (print only)",
    default: 'yes',
    schema: yesNo,
  },
  backend: backendSetting,
};

export function registerEvaluate(program: Command): void {
  addSettingOptions(
    program
      .command('evaluate')
      .description('posture model vs angle rule on held-out simulator seeds per condition and UCI HAPT; model card'),
    evaluateSettings,
  ).action(async (flags: Record<string, unknown>) => {
    const config = loadConfig(evaluateSettings, flags, process.env);
    const net = await loadNet(config.model, config.backend, '--model', stderrLogger);
    const log = (m: string) => process.stderr.write(`restpose: ${m}\n`);
    const report = evaluateArtifact(net, config.model, {
      seeds: config.heldOutSeeds,
      conditions: config.conditions,
      onProgress: log,
    });
    if (config.card) {
      writeReport(config.model, report);
      log(`wrote ${config.model}/MODEL_CARD.md`);
    }
    const summary = {
      version: report.version,
      backend: report.backend,
      conditions: report.conditions.map((c) => ({
        condition: c.condition,
        epochs: c.rule.n,
        rule: { accuracy: c.rule.accuracy, macroF1: c.rule.macroF1, kappa: c.rule.kappa },
        model: { accuracy: c.model.accuracy, macroF1: c.model.macroF1, kappa: c.model.kappa },
      })),
      hapt: report.hapt && {
        epochs: report.hapt.rule.n,
        rule: report.hapt.rule.accuracy,
        model: report.hapt.model.accuracy,
      },
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  });
}
