// `restpose generate`: simulated recordings as files in the analysis input format, with their ground truth, for
// one subject or a cohort (docs/simulator.md). The same seed and settings write the same bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cohortRecording, cohortTable, simulateCohort, tableToCsv, writeRecordingFiles } from '@restpose/simulator';
import type { Command } from 'commander';
import { z } from 'zod';
import { addSettingOptions } from '../command-options.js';
import { ConfigError, loadConfig } from '../settings.js';
import { numberIn, simGyro, simMounting, simRange, simRate, simRateErrorPpm, simSeed, yesNo } from '../sim-settings.js';

const INF = Number.POSITIVE_INFINITY;

const generateSettings = {
  out: {
    flag: 'out',
    env: 'RESTPOSE_GEN_OUT',
    describe: 'directory to write into (created if missing)',
    schema: z.string({ message: 'required: an output directory (--out DIR)' }).min(1, 'expected a directory'),
  },
  seed: simSeed,
  subjects: {
    flag: 'subjects',
    env: 'RESTPOSE_GEN_SUBJECTS',
    describe: 'number of subjects (a cohort when more than one)',
    default: '1',
    schema: numberIn(1, 10_000, 'subjects', true),
  },
  nights: {
    flag: 'nights',
    env: 'RESTPOSE_GEN_NIGHTS',
    describe: 'consecutive nights per subject',
    default: '1',
    schema: numberIn(1, 366, 'nights', true),
  },
  startDate: {
    flag: 'start-date',
    env: 'RESTPOSE_GEN_START_DATE',
    describe: 'date (YYYY-MM-DD) of the first final rise',
    default: '2025-01-01',
    schema: z.iso.date({ message: 'expected a date YYYY-MM-DD' }),
  },
  recordings: {
    flag: 'recordings',
    env: 'RESTPOSE_GEN_RECORDINGS',
    describe: 'write the sample files (no: only the per-night tables)',
    default: 'yes',
    schema: yesNo,
  },
  reveal: {
    flag: 'reveal',
    env: 'RESTPOSE_GEN_REVEAL',
    describe: 'also write relationship.json, the hidden posture-stiffness relationship of the cohort',
    default: 'no',
    schema: yesNo,
  },
  rate: simRate,
  gyro: simGyro,
  range: simRange,
  mounting: simMounting,
  mountingJitterDeg: {
    flag: 'mounting-jitter-deg',
    env: 'RESTPOSE_GEN_MOUNTING_JITTER_DEG',
    describe: 'SD of the misalignment each time the device is put on, degrees',
    default: '0',
    schema: numberIn(0, INF, 'degrees'),
  },
  slipsPerNight: {
    flag: 'slips-per-night',
    env: 'RESTPOSE_GEN_SLIPS_PER_NIGHT',
    describe: 'mean number of times per night the device slips on the body during a turn',
    default: '0',
    schema: numberIn(0, INF, 'a number'),
  },
  nonWear: {
    flag: 'non-wear',
    env: 'RESTPOSE_GEN_NON_WEAR',
    describe: 'take the device off for a shower once a day: yes or no',
    default: 'no',
    schema: yesNo,
  },
  artifactsPerHour: {
    flag: 'artifacts-per-hour',
    env: 'RESTPOSE_GEN_ARTIFACTS_PER_HOUR',
    describe: 'knocks on the device (acceleration spikes) per hour of wear',
    default: '0',
    schema: numberIn(0, INF, 'a number'),
  },
  rateErrorPpm: simRateErrorPpm,
  time: {
    flag: 'time',
    env: 'RESTPOSE_GEN_TIME',
    describe: 'the t column: seconds (from the first sample) or epoch-ms',
    default: 'seconds',
    schema: z.enum(['seconds', 'epoch-ms'], { message: 'expected seconds or epoch-ms' }),
  },
  labelEpochSeconds: {
    flag: 'label-epoch-seconds',
    env: 'RESTPOSE_GEN_LABEL_EPOCH_SECONDS',
    describe: 'epoch length of the reference label files, seconds',
    default: '30',
    schema: numberIn(1, 300, 'seconds'),
  },
};

export function registerGenerate(program: Command): void {
  addSettingOptions(
    program
      .command('generate')
      .description(
        'write simulated recordings (t,ax,ay,az[,gx,gy,gz] CSV) with their ground truth, for one subject or a cohort',
      ),
    generateSettings,
  ).action((flags: Record<string, unknown>) => {
    const c = loadConfig(generateSettings, flags, process.env);
    try {
      mkdirSync(c.out, { recursive: true });
    } catch (err) {
      throw new ConfigError(`--out=${JSON.stringify(c.out)}: ${(err as Error).message}`);
    }
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const cohort = simulateCohort({ seed: c.seed, subjects: c.subjects, nights: c.nights, startDate: c.startDate });
    const table = join(c.out, 'nights.csv');
    writeFileSync(table, tableToCsv(cohortTable(cohort)));
    log(`wrote ${table} (${cohort.nights.length} subject-nights)`);
    if (c.reveal) {
      const file = join(c.out, 'relationship.json');
      writeFileSync(file, `${JSON.stringify(cohort.relationship, null, 2)}\n`);
      log(`wrote ${file}`);
    }
    if (!c.recordings) return;
    for (const subject of cohort.subjects) {
      const started = Date.now();
      const rec = cohortRecording(cohort, subject.id, {
        nights: c.nights,
        rateHz: c.rate,
        sensor: { gyro: c.gyro, rangeG: c.range },
        mounting: { base: c.mounting, jitterDeg: c.mountingJitterDeg, slipsPerNight: c.slipsPerNight },
        nonWear: c.nonWear,
        artifactsPerHour: c.artifactsPerHour,
        sampleRateErrorPpm: c.rateErrorPpm,
      });
      const files = writeRecordingFiles(c.out, subject.id, rec, { time: c.time, epochS: c.labelEpochSeconds });
      const hours = (rec.sampleCount / rec.rateHz / 3600).toFixed(1);
      log(
        `wrote ${files.csv} (${hours} h, ${rec.sampleCount} samples, ${Date.now() - started} ms) and its truth files`,
      );
    }
  });
}
