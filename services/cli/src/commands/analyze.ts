// `restpose analyze <file or directory>...`: the analysis engine on CSV recordings, one JSON (or epochs CSV) each.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRecording, parseAxisMap } from '@restpose/signal';
import type { Command } from 'commander';
import { z } from 'zod';
import { expandInputs, inputName } from '../analysis/inputs.js';
import { epochsCsv, toAnalysisOutput } from '../analysis/output.js';
import { progressBar } from '../analysis/progress.js';
import { InputError, readAnalysisCsv } from '../analysis/read-csv.js';
import { addSettingOptions } from '../command-options.js';
import { ConfigError, loadConfig } from '../settings.js';

const orientation = z.string().superRefine((v, ctx) => {
  if (v === 'auto' || v === 'body') return;
  try {
    parseAxisMap(v);
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `expected auto, body or an axis map such as -y,x,z (${(err as Error).message})`,
    });
  }
});

export const analyzeSettings = {
  rate: {
    flag: 'rate',
    env: 'RESTPOSE_ANALYZE_RATE',
    describe: 'resample to this rate in Hz, 1-200 (default: the input median rate)',
    schema: z.coerce
      .number({ message: 'expected a rate in Hz from 1 to 200' })
      .min(1, 'expected a rate in Hz from 1 to 200')
      .max(200, 'expected a rate in Hz from 1 to 200')
      .optional(),
  },
  orientation: {
    flag: 'orientation',
    env: 'RESTPOSE_ANALYZE_ORIENTATION',
    describe: 'device mounting: auto (estimate), body (device axes are body axes) or an axis map such as -y,x,z',
    default: 'auto',
    schema: orientation,
  },
  epoch: {
    flag: 'epoch',
    env: 'RESTPOSE_ANALYZE_EPOCH',
    describe: 'epoch length in whole seconds, 1-300',
    default: '30',
    schema: z.coerce
      .number({ message: 'expected whole seconds from 1 to 300' })
      .int('expected whole seconds from 1 to 300')
      .min(1, 'expected whole seconds from 1 to 300')
      .max(300, 'expected whole seconds from 1 to 300'),
  },
  format: {
    flag: 'format',
    env: 'RESTPOSE_ANALYZE_FORMAT',
    describe: 'output: json (the full analysis) or csv (the epochs table)',
    default: 'json',
    schema: z.enum(['json', 'csv'], { message: 'expected json or csv' }),
  },
  start: {
    flag: 'start',
    env: 'RESTPOSE_ANALYZE_START',
    describe: 'UTC time (ISO 8601) that t = 0 stands for when t is in seconds from the start of the recording',
    schema: z.iso
      .datetime({ offset: true, message: 'expected an ISO 8601 date-time such as 2026-03-01T22:00:00Z' })
      .optional(),
  },
  outDir: {
    flag: 'out-dir',
    env: 'RESTPOSE_ANALYZE_OUT_DIR',
    describe: 'write one <input name>.json (or .epochs.csv) per input here instead of to stdout',
    schema: z.string().min(1, 'expected a directory path').optional(),
  },
};

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0; // reading it reports the error
  }
}

export function registerAnalyze(program: Command): void {
  addSettingOptions(
    program
      .command('analyze')
      .description('analyze lumbar IMU recordings (CSV: t,ax,ay,az[,gx,gy,gz]): posture epochs, nights, mornings')
      .argument('<inputs...>', 'CSV files, or directories of them'),
    analyzeSettings,
  ).action(async (inputs: string[], flags: Record<string, unknown>) => {
    const config = loadConfig(analyzeSettings, flags, process.env);
    let list: ReturnType<typeof expandInputs>;
    try {
      list = expandInputs(inputs);
    } catch (err) {
      if (err instanceof InputError) throw new ConfigError(err.message);
      throw err;
    }
    for (const s of list.skipped) process.stderr.write(`restpose: skipped ${s}: no t,ax,ay,az header\n`);
    if (list.files.length === 0) throw new ConfigError(`${inputs.join(' ')}: no analysis input files`);
    if (list.files.length > 1 && !config.outDir) {
      throw new ConfigError(`--out-dir: needed for ${list.files.length} inputs (one output file each)`);
    }
    if (config.outDir) mkdirSync(config.outDir, { recursive: true });
    const mounting =
      config.orientation === 'auto' || config.orientation === 'body'
        ? config.orientation
        : parseAxisMap(config.orientation);
    const secondsOrigin = config.start ? Date.parse(config.start) : 0;
    let failed = 0;
    for (const file of list.files) {
      const size = fileSize(file);
      const bar = progressBar(inputName(file), size);
      try {
        const rec = await readAnalysisCsv(file, {
          secondsOrigin,
          onBytes: (bytes) => bar.update((0.5 * bytes) / size, 'reading'),
        });
        const analysis = analyzeRecording(rec, {
          rateHz: config.rate,
          epochSeconds: config.epoch,
          orientation: mounting,
          onProgress: (done, total) => bar.update(0.5 + (0.5 * done) / total, 'analyzing'),
        });
        const output = toAnalysisOutput(analysis, file, rec.timeFormat, config.start ? secondsOrigin : null);
        const text = config.format === 'json' ? `${JSON.stringify(output, null, 2)}\n` : epochsCsv(output.epochs);
        bar.done();
        if (config.outDir) {
          const ext = config.format === 'json' ? '.json' : '.epochs.csv';
          writeFileSync(join(config.outDir, `${inputName(file)}${ext}`), text);
        } else process.stdout.write(text);
      } catch (err) {
        bar.done();
        if (!(err instanceof InputError)) throw err;
        process.stderr.write(`restpose: ${err.message}\n`);
        failed++;
      }
    }
    if (failed) process.exitCode = 1;
  });
}
