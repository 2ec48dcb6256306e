// `restpose train`: trains the posture model from a seed on simulated nights, writes the artifact, then evaluates
// it on held-out seeds (and UCI HAPT when present) and writes the model card.
import {
  currentBackend,
  DEFAULT_MODEL_DIR,
  evaluateArtifact,
  saveArtifact,
  selectBackend,
  trainPostureModel,
  writeReport,
} from '@restpose/classifier';
import type { Command } from 'commander';
import { z } from 'zod';
import { addSettingOptions } from '../command-options.js';
import { backendSetting, loadNet } from '../posture-model.js';
import { loadConfig } from '../settings.js';
import { yesNo } from '../sim-settings.js';

const count = (what: string, max: number) =>
  z.coerce
    .number({ message: `expected ${what} from 1 to ${max}` })
    .int(`expected ${what} from 1 to ${max}`)
    .min(1, `expected ${what} from 1 to ${max}`)
    .max(max, `expected ${what} from 1 to ${max}`);

/** "9001-9010" or "9001,9003". */
export const seedList = z.string().transform((v, ctx) => {
  const range = /^(\d+)-(\d+)$/.exec(v.trim());
  const seeds = range
    ? Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i)
    : v.split(',').map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.length > 1000 || seeds.some((s) => !Number.isInteger(s) || s < 0)) {
    ctx.addIssue({ code: 'custom', message: 'expected seeds as FROM-TO or a comma-separated list, at most 1000' });
    return z.NEVER;
  }
  return seeds;
});

export const heldOutSeedsSetting = {
  flag: 'heldout-seeds',
  env: 'RESTPOSE_HELDOUT_SEEDS',
  describe: 'held-out simulator seeds to evaluate on, FROM-TO or a list',
  default: '9111-9160',
  schema: seedList,
};

export const trainSettings = {
  seed: {
    flag: 'seed',
    env: 'RESTPOSE_TRAIN_SEED',
    describe: 'seed of the initial weights and the batch order',
    default: '1',
    schema: z.coerce.number({ message: 'expected a whole number' }).int('expected a whole number').min(0),
  },
  nights: {
    flag: 'nights',
    env: 'RESTPOSE_TRAIN_NIGHTS',
    describe: 'simulated training nights (training seeds 100001 on)',
    default: '200',
    schema: count('nights', 999),
  },
  epochs: {
    flag: 'epochs',
    env: 'RESTPOSE_TRAIN_EPOCHS',
    describe: 'passes over the training data',
    default: '10',
    schema: count('passes', 1000),
  },
  out: {
    flag: 'out',
    env: 'RESTPOSE_TRAIN_OUT',
    describe: 'directory for the artifact (model.json, weights.bin, posture.json, MODEL_CARD.md)',
    default: DEFAULT_MODEL_DIR,
    schema: z.string().min(1, 'expected a directory path'),
  },
  evaluate: {
    flag: 'evaluate',
    env: 'RESTPOSE_TRAIN_EVALUATE',
    describe: 'evaluate on held-out seeds and UCI HAPT and write the model card: yes or no',
    default: 'yes',
    schema: yesNo,
  },
  heldOutSeeds: heldOutSeedsSetting,
  backend: backendSetting,
};

export const stderrLogger = {
  info: (_obj: object, msg: string) => process.stderr.write(`restpose: ${msg}\n`),
};

export function registerTrain(program: Command): void {
  addSettingOptions(
    program
      .command('train')
      .description('train the posture model on simulated nights from a seed; evaluate it and write its model card'),
    trainSettings,
  ).action(async (flags: Record<string, unknown>) => {
    const config = loadConfig(trainSettings, flags, process.env);
    const log = (m: string) => process.stderr.write(`restpose: ${m}\n`);
    const t0 = performance.now();
    await selectBackend(config.backend, stderrLogger);
    const result = await trainPostureModel({
      seed: config.seed,
      nights: config.nights,
      epochs: config.epochs,
      onProgress: log,
    });
    const version = await saveArtifact(config.out, result.net.network, result.normalization, {
      ...result.config,
      classCounts: result.classCounts,
      finalLoss: Number(result.finalLoss.toFixed(5)),
      backend: currentBackend(),
      seconds: { data: Math.round(result.seconds.data), fit: Math.round(result.seconds.fit) },
    });
    log(
      `wrote ${version} to ${config.out} (data ${result.seconds.data.toFixed(0)} s, fit ${result.seconds.fit.toFixed(0)} s)`,
    );
    if (config.evaluate) {
      // Evaluate what was written: loading it again checks the artifact.
      const net = await loadNet(config.out, config.backend, '--out');
      writeReport(config.out, evaluateArtifact(net, config.out, { seeds: config.heldOutSeeds, onProgress: log }));
      log(`wrote ${config.out}/MODEL_CARD.md`);
    }
    log(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  });
}
