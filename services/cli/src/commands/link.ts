// `restpose link`: the posture-stiffness link statistics on any tidy CSV (docs/statistics.md).
import { readFileSync } from 'node:fs';
import { linkTable } from '@restpose/analytics';
import type { Command } from 'commander';
import { z } from 'zod';
import { addSettingOptions } from '../command-options.js';
import { CsvInputError, readLinkCsv } from '../link-csv.js';
import { formatLinkTable } from '../link-text.js';
import { ConfigError, loadConfig } from '../settings.js';

const columnList = (what: string) =>
  z
    .string({ message: `required: ${what}` })
    .transform((s) =>
      s
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c !== ''),
    )
    .pipe(z.array(z.string()).min(1, `expected ${what}`));

const linkSettings = {
  input: {
    flag: 'input',
    env: 'RESTPOSE_LINK_INPUT',
    describe: 'tidy CSV file with a header line, one row per observation',
    schema: z.string({ message: 'required: a CSV file (--input FILE.csv)' }).min(1, 'expected a CSV file path'),
  },
  subject: {
    flag: 'subject',
    env: 'RESTPOSE_LINK_SUBJECT',
    describe: 'column naming the subject; with repeated observations per subject adds rmcorr',
    schema: z.string().min(1, 'expected a column name').optional(),
  },
  x: {
    flag: 'x',
    env: 'RESTPOSE_LINK_X',
    describe: 'predictor column(s), comma-separated',
    schema: columnList('one or more column names, comma-separated (--x COL[,COL...])'),
  },
  y: {
    flag: 'y',
    env: 'RESTPOSE_LINK_Y',
    describe: 'outcome column(s), comma-separated',
    schema: columnList('one or more column names, comma-separated (--y COL[,COL...])'),
  },
  format: {
    flag: 'format',
    env: 'RESTPOSE_LINK_FORMAT',
    describe: 'output: table (aligned text) or json',
    default: 'table',
    schema: z.enum(['table', 'json'], { message: 'expected table or json' }),
  },
  confidence: {
    flag: 'confidence',
    env: 'RESTPOSE_LINK_CONFIDENCE',
    describe: 'confidence level of every interval',
    default: '0.95',
    schema: z.coerce
      .number({ message: 'expected a number between 0 and 1' })
      .gt(0, 'expected a number between 0 and 1')
      .lt(1, 'expected a number between 0 and 1'),
  },
};

export function registerLink(program: Command): void {
  addSettingOptions(
    program
      .command('link')
      .description('correlate x columns with y columns of a tidy CSV: Pearson, Spearman, slope, rmcorr, q-values'),
    linkSettings,
  ).action((flags: Record<string, unknown>) => {
    const config = loadConfig(linkSettings, flags, process.env);
    let text: string;
    try {
      text = readFileSync(config.input, 'utf8');
    } catch (err) {
      throw new ConfigError(`--input=${JSON.stringify(config.input)}: ${(err as Error).message}`);
    }
    let observations: ReturnType<typeof readLinkCsv>;
    try {
      observations = readLinkCsv(text, config);
    } catch (err) {
      if (err instanceof CsvInputError) throw new ConfigError(`${config.input}: ${err.message}`);
      throw err;
    }
    const table = linkTable(observations, { x: config.x, y: config.y, confidence: config.confidence });
    if (table.rows.length === 0) throw new ConfigError('--x, --y: no pairs; a column is never paired with itself');
    const subjects = config.subject ? new Set(observations.map((o) => o.subject)).size : undefined;
    if (config.format === 'json') {
      process.stdout.write(
        `${JSON.stringify({ input: config.input, observations: observations.length, subjects, ...table }, null, 2)}\n`,
      );
    } else {
      const who = subjects === undefined ? '' : ` of ${subjects} subjects`;
      process.stdout.write(formatLinkTable(table, `${config.input}: ${observations.length} observations${who}`));
    }
  });
}
