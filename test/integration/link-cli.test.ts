// `restpose link` run as a researcher would, on CSV files written to a temp dir.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../support/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'restpose-link-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csv(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

test('bland1995 from a CSV: the published rmcorr and R cor.test figures, as JSON', () => {
  // Bland & Altman (1995) BMJ 310:446, the data set of the rmcorr package.
  const file = join(dir, 'bland1995.csv');
  copyFileSync(join(REPO_ROOT, 'packages/analytics/test/bland1995.csv'), file);
  const result = runCli([
    'link',
    '--input',
    file,
    '--subject',
    'Subject',
    '--x',
    'PaCO2',
    '--y',
    'pH',
    '--format',
    'json',
  ]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const out = JSON.parse(result.stdout);
  expect(out).toMatchObject({ observations: 47, subjects: 8, confidence: 0.95, repeatedMeasures: true });
  const [row] = out.rows;
  expect(row).toMatchObject({ x: 'PaCO2', y: 'pH', n: 47, subjects: 8 });
  // rmcorr README: rmcorr(Subject, PaCO2, pH, bland1995) r -0.5067697, df 38, p 0.0008471081, CI -0.7112297 -0.223255.
  expect(row.rmcorr.r).toBeCloseTo(-0.5067697, 6);
  expect(row.rmcorr.df).toBe(38);
  expect(row.rmcorr.p).toBeCloseTo(0.0008471081, 9);
  expect(row.rmcorr.ci[0]).toBeCloseTo(-0.7112297, 6);
  expect(row.rmcorr.ci[1]).toBeCloseTo(-0.223255, 6);
  // R 4.2.2 cor.test(PaCO2, pH) pooling all 47: r -0.0652177441199393, CI -0.345906294110287 0.226185146991371,
  // p 0.663174206262: the pooled correlation misses the within-subject association.
  expect(row.pearson.r).toBeCloseTo(-0.0652177441199393, 10);
  expect(row.pearson.ci[0]).toBeCloseTo(-0.345906294110287, 10);
  expect(row.pearson.ci[1]).toBeCloseTo(0.226185146991371, 10);
  expect(row.pearson.p).toBeCloseTo(0.663174206262, 10);
  expect(row.rmcorr.q).toBe(row.rmcorr.p); // one row: q = p
});

test('the text table lines up and shows every statistic', () => {
  const file = join(REPO_ROOT, 'packages/analytics/test/bland1995.csv');
  const result = runCli(['link', '--input', file, '--subject', 'Subject', '--x', 'PaCO2', '--y', 'pH']);
  expect(result.status).toBe(0);
  const lines = result.stdout.split('\n');
  expect(lines[0]).toBe(`${file}: 47 observations of 8 subjects`);
  const header = lines[2]!;
  const row = lines[3]!;
  expect(header).toMatch(/^x {6}y {3}n {3}pearson r \[95% CI\]/);
  expect(row).toContain('-0.065 [-0.346, 0.226]');
  expect(row).toContain('-0.507 [-0.711, -0.223]  38  8.5e-4');
  // Columns line up: each header cell starts where its value does.
  expect(row.indexOf('-0.507')).toBe(header.indexOf('rmcorr'));
  expect(row.indexOf('47')).toBe(header.indexOf('n '));
});

test('all pairs of several x and y columns, quoted fields, and NA or empty cells as missing', () => {
  const file = csv(
    'diary.csv',
    [
      'person,"supine share",changes,duration,severity',
      '"Smith, J",0.40,2.1,30,3',
      '"Smith, J",0.55,1.8,45,NA',
      '"Smith, J",0.35,2.5,,2',
      '"Smith, J",0.60,1.5,50,5',
      'Ng,0.20,3.0,20,2',
      'Ng,0.30,2.6,25,na',
      'Ng,0.25,2.9,24,2',
      'Ng,0.45,2.0,35,4',
      '',
    ].join('\n'),
  );
  const result = runCli([
    'link',
    '--input',
    file,
    '--subject',
    'person',
    '--x',
    'supine share, changes',
    '--format',
    'json',
    '--y',
    'duration,severity',
  ]);
  expect(result.stderr).toBe('');
  const out = JSON.parse(result.stdout);
  expect(out.rows.map((r: { x: string; y: string; n: number }) => [r.x, r.y, r.n])).toEqual([
    ['supine share', 'duration', 7],
    ['supine share', 'severity', 6],
    ['changes', 'duration', 7],
    ['changes', 'severity', 6],
  ]);
});

test.each([
  [
    'a malformed number names its line and column',
    'person,x,y\na,1,2\na,2,3\nb,3,4x\n',
    ['--x', 'x', '--y', 'y'],
    /^restpose: .*bad-number\.csv: line 4, column "y": "4x" is not a number \(leave it empty or write NA if missing\)$/,
  ],
  [
    'a decimal comma is not a number',
    'person,x,y\na,"1,5",2\n',
    ['--x', 'x', '--y', 'y'],
    /line 2, column "x": "1,5" is not a number/,
  ],
  [
    'a file separated by semicolons shows the one column it seems to have',
    'person;x;y\n',
    ['--x', 'x', '--y', 'y'],
    /--subject: no column "person"; the columns are "person;x;y"$/,
  ],
  [
    'an unknown column lists the columns there are',
    'person,night,morning\na,1,2\n',
    ['--x', 'nigth', '--y', 'morning'],
    /^restpose: .*: --x: no column "nigth"; the columns are "person", "night", "morning"$/,
  ],
  [
    'a missing subject names its line',
    'person,x,y\na,1,2\n,2,3\n',
    ['--x', 'x', '--y', 'y'],
    /line 3, column "person": the subject is missing$/,
  ],
  [
    'a ragged row is reported with its line by the CSV parser',
    'person,x,y\na,1,2\nb,2\n',
    ['--x', 'x', '--y', 'y'],
    /line 3/,
  ],
])('%s', (name, text, args, message) => {
  const file = csv(name.includes('malformed') ? 'bad-number.csv' : `${name.length}.csv`, text);
  const result = runCli(['link', '--input', file, '--subject', 'person', ...args]);
  expect(result.status).toBe(2);
  expect(result.stderr.trim()).toMatch(message);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
});

test('missing or bad settings stop with one line naming them', () => {
  const file = csv('ok.csv', 'x,y\n1,2\n');
  for (const [args, message] of [
    [['--x', 'x', '--y', 'y'], /^restpose: RESTPOSE_LINK_INPUT: required: a CSV file \(--input FILE.csv\)$/],
    [['--input', file, '--y', 'y'], /^restpose: RESTPOSE_LINK_X: required: one or more column names/],
    [['--input', file, '--x', ' , ', '--y', 'y'], /^restpose: --x=" , ": expected one or more column names/],
    [
      ['--input', file, '--x', 'x', '--y', 'y', '--format', 'xml'],
      /^restpose: --format="xml": expected table or json$/,
    ],
    [
      ['--input', file, '--x', 'x', '--y', 'y', '--confidence', '95'],
      /^restpose: --confidence="95": expected a number between 0 and 1$/,
    ],
    [['--input', file, '--x', 'x', '--y', 'x'], /^restpose: --x, --y: no pairs; a column is never paired with itself$/],
  ] as const) {
    const result = runCli(['link', ...args]);
    expect([args, result.status]).toEqual([args, 2]);
    expect(result.stderr.trim()).toMatch(message);
  }
});

test('too few rows say how many more are needed instead of failing', () => {
  const file = csv('short.csv', 'x,y\n1,2\n2,4\n');
  const result = runCli(['link', '--input', file, '--x', 'x', '--y', 'y', '--format', 'json']);
  expect(result.status).toBe(0);
  const [row] = JSON.parse(result.stdout).rows;
  expect(row.pearson).toMatchObject({ status: 'not enough data', needed: 2 });
  expect(row).not.toHaveProperty('rmcorr');
  const text = runCli(['link', '--input', file, '--x', 'x', '--y', 'y']);
  expect(text.stdout).toContain('not enough data (2 more needed)');
});
