// `restpose validate <analysis.json> --reference <labels.csv>`: agreement of restpose's epochs with reference labels.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { analysisOutputSchema } from '../analysis/output.js';
import { InputError } from '../analysis/read-csv.js';
import { readReference, validateEpochs, validationText } from '../analysis/reference.js';
import { addSettingOptions } from '../command-options.js';
import { ConfigError, loadConfig } from '../settings.js';

export const validateSettings = {
  reference: {
    flag: 'reference',
    env: 'RESTPOSE_VALIDATE_REFERENCE',
    describe: 'reference labels: CSV with columns t,label',
    schema: z.string({ message: 'expected a CSV file of reference labels' }).min(1, 'expected a CSV file'),
  },
  format: {
    flag: 'format',
    env: 'RESTPOSE_VALIDATE_FORMAT',
    describe: 'report as text or json',
    default: 'text',
    schema: z.enum(['text', 'json'], { message: 'expected text or json' }),
  },
};

function readAnalysis(file: string) {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: ${(err as Error).message}`);
  }
  const parsed = analysisOutputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${file}: not a restpose analysis: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

export function registerValidate(program: Command): void {
  addSettingOptions(
    program
      .command('validate')
      .description("compare an analysis's epochs with reference labels: agreement, Cohen's kappa, confusion matrix")
      .argument('<analysis>', 'analysis JSON written by restpose analyze'),
    validateSettings,
  ).action(async (file: string, flags: Record<string, unknown>) => {
    if (flags.reference === undefined && !process.env.RESTPOSE_VALIDATE_REFERENCE) {
      throw new ConfigError('--reference: required: a CSV file of reference labels (t,label)');
    }
    const config = loadConfig(validateSettings, flags, process.env);
    const analysis = readAnalysis(file);
    let result: ReturnType<typeof validateEpochs>;
    try {
      const origin = analysis.meta.secondsOrigin ? Date.parse(analysis.meta.secondsOrigin) : 0;
      result = validateEpochs(analysis.epochs, await readReference(config.reference, origin));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      process.stderr.write(`restpose: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(
      config.format === 'json'
        ? `${JSON.stringify({ analysis: file, reference: config.reference, ...result }, null, 2)}\n`
        : validationText(result),
    );
  });
}
