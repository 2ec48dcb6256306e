// The analyze and validate commands as a user runs them: CSV files in, JSON, CSV and reports out.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODEL_SEMVER } from '@restpose/classifier';
import { analysisOutputSchema } from '@restpose/cli';
import { runCli } from '../support/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'restpose-analyze-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 2, 1, 21); // 21:00 UTC
const RATE = 2;

/** A recording at 2 Hz: upright walking, lying supine then on the left, upright again; device axes = body axes. */
function recording(minutes: { walk: number; supine: number; left: number; after: number }) {
  const rows = ['t,ax,ay,az'];
  const labels = ['t,label'];
  let s = 0;
  const phase = (mins: number, label: string, g: (s: number) => [number, number, number]) => {
    labels.push(`${(T0 / 1000 + s).toFixed(1)},${label}`);
    for (let i = 0; i < mins * 60 * RATE; i++, s += 1 / RATE) {
      const [x, y, z] = g(s);
      rows.push(`${(T0 / 1000 + s).toFixed(3)},${x.toFixed(4)},${y.toFixed(4)},${z.toFixed(4)}`);
    }
  };
  const walk = (t: number): [number, number, number] => [-0.05, 1 + 0.2 * Math.sin(7 * t), 0.05 * Math.sin(3 * t)];
  const breathe = (t: number) => 0.004 * Math.sin(1.6 * t);
  phase(minutes.walk, 'walking', walk);
  phase(minutes.supine, 'supine', (t) => [0.99, 0.1, breathe(t)]);
  phase(minutes.left, 'left', (t) => [breathe(t), 0.1, 0.99]);
  phase(minutes.after, 'standing', walk);
  return { csv: `${rows.join('\n')}\n`, labels: `${labels.join('\n')}\n` };
}

const night = recording({ walk: 30, supine: 180, left: 120, after: 45 });

test('analyze writes the documented JSON: epochs from the first sample, a night, the rule by default', () => {
  const file = join(dir, 'night.csv');
  writeFileSync(file, night.csv);
  const run = runCli(['analyze', file, '--orientation', 'body']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const out = analysisOutputSchema.parse(JSON.parse(run.stdout));
  expect(out.meta.backend).toBe('rule');
  expect(out.meta.rateHz).toBe(RATE);
  expect(out.meta.timeFormat).toBe('seconds');
  expect(out.epochs[0]!.t).toBe(0);
  expect(out.epochs[0]!.start).toBe(new Date(T0).toISOString());
  expect(out.epochs[1]!.t).toBe(30);
  expect(out.epochs.find((e) => e.t === 60 * 60)!.posture).toBe('supine');
  expect(out.epochs.find((e) => e.t === 240 * 60)!.posture).toBe('left');
  expect(out.nights).toHaveLength(1);
  expect(out.nights[0]!.bedStart).toBe(new Date(T0 + 30 * 60_000).toISOString());
  expect(out.nights[0]!.positions.supine.minutes).toBeCloseTo(180, -0.5);
  expect(out.mornings).toHaveLength(1);
});

test('analyze --model posture uses the learned model, names it and its backend, and keeps the rule beside it', () => {
  const file = join(dir, 'night-model.csv');
  writeFileSync(file, night.csv);
  const run = runCli(['analyze', file, '--orientation', 'body', '--model', 'posture']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const out = analysisOutputSchema.parse(JSON.parse(run.stdout));
  expect(out.meta.postureAlgorithm).toMatch(/^posture-mlp@[\d.]+\+[0-9a-f]{12}$/);
  expect(out.meta.postureAlgorithm.split('+')[0]).toBe(`posture-mlp@${MODEL_SEMVER}`);
  expect(['tensorflow', 'wasm', 'cpu']).toContain(out.meta.backend);
  expect(out.meta.ruleAlgorithm).toBe('angle-rule@1.2.0');
  expect(out.epochs.find((e) => e.t === 60 * 60)!.posture).toBe('supine');
  expect(out.epochs.find((e) => e.t === 240 * 60)!.posture).toBe('left');
  for (const e of out.epochs) expect(e.rulePosture).toBeDefined();
  // The cpu backend gives the same labels.
  const cpu = analysisOutputSchema.parse(
    JSON.parse(runCli(['analyze', file, '--orientation', 'body', '--model', 'posture', '--tf-backend', 'cpu']).stdout),
  );
  expect(cpu.meta.backend).toBe('cpu');
  expect(cpu.epochs.map((e) => e.posture)).toEqual(out.epochs.map((e) => e.posture));
});

test('analyze refuses a model directory that holds no model, naming --model', () => {
  const run = runCli(['analyze', join(dir, 'night.csv'), '--model', join(dir, 'no-model')]);
  expect(run.status).toBe(2);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/--model: no posture model in .*no-model/);
});

test('--format csv writes the epochs table', () => {
  const file = join(dir, 'night.csv');
  const run = runCli(['analyze', file, '--format', 'csv', '--epoch', '60', '--orientation', 'body']);
  expect(run.status).toBe(0);
  const lines = run.stdout.trim().split('\n');
  expect(lines[0]).toBe(
    't,start,durationS,posture,confidence,rulePosture,ruleConfidence,sagittalDeg,frontalDeg,rollDeg,tiltDeg,coverage,enmoMg,magSdMg,angularSpeedPeakDegS,nonWear',
  );
  expect(lines).toHaveLength(1 + 375);
  expect(lines[1]!.split(',').slice(0, 4)).toEqual(['0', new Date(T0).toISOString(), '60', 'upright']);
});

test('several inputs and a directory with --out-dir give one <input name>.json each', () => {
  const inDir = join(dir, 'batch');
  mkdirSync(inDir);
  const short = recording({ walk: 10, supine: 10, left: 0, after: 5 });
  writeFileSync(join(inDir, 'a.csv'), short.csv);
  writeFileSync(join(inDir, 'b.csv'), short.csv);
  writeFileSync(join(inDir, 'b.labels.csv'), short.labels); // ground truth beside a recording: skipped
  const single = join(dir, 'c.csv');
  writeFileSync(single, short.csv);
  const outDir = join(dir, 'out');
  const run = runCli(['analyze', inDir, single, '--out-dir', outDir]);
  expect(run.status).toBe(0);
  expect(run.stderr).toMatch(/skipped .*b\.labels\.csv/);
  expect(readdirSync(outDir).sort()).toEqual(['a.json', 'b.json', 'c.json']);
  const a = analysisOutputSchema.parse(JSON.parse(readFileSync(join(outDir, 'a.json'), 'utf8')));
  expect(a.meta.input).toBe(join(inDir, 'a.csv'));
  expect(runCli(['analyze', join(inDir, 'a.csv'), single]).stderr).toMatch(/--out-dir: needed for 2 inputs/);
});

test.each([
  [
    'a value that is not a number',
    't,ax,ay,az\n0,0,1,0\n0.5,0,1,0\n1,0,abc,0\n',
    /line 4, column 3 \(ay\): expected a number, got "abc"/,
  ],
  ['a row with a missing field', 't,ax,ay,az\n0,0,1,0\n0.5,0,1\n', /line 3.*(column|record)/i],
  [
    'a bad time',
    't,ax,ay,az\n2026-03-01T00:00:00Z,0,1,0\nyesterday,0,1,0\n',
    /line 3, column 1 \(t\): expected a time/,
  ],
  ['a missing column', 't,ax,ay\n0,0,1\n', /line 1: header lacks az/],
  ['acceleration in m/s^2', 't,ax,ay,az\n0,0,98.1,0\n', /line 2, column 3 \(ay\): 98.1 is outside \+-32 g/],
])('a malformed file (%s) gets an error naming the line and column', (_name, content, message) => {
  const file = join(dir, 'bad.csv');
  writeFileSync(file, content);
  const run = runCli(['analyze', file]);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stdout).toBe('');
});

test('ISO 8601 and epoch-millisecond time columns are detected', () => {
  const iso = ['t,ax,ay,az'];
  const ms = ['t,ax,ay,az'];
  for (let i = 0; i < 120; i++) {
    iso.push(`${new Date(T0 + i * 500).toISOString()},0,0,1`);
    ms.push(`${T0 + i * 500},0,0,1`);
  }
  for (const [name, rows, format] of [
    ['iso.csv', iso, 'iso8601'],
    ['ms.csv', ms, 'epoch-ms'],
  ] as const) {
    writeFileSync(join(dir, name), `${rows.join('\n')}\n`);
    const out = analysisOutputSchema.parse(
      JSON.parse(runCli(['analyze', join(dir, name), '--orientation', 'body']).stdout),
    );
    expect(out.meta.timeFormat).toBe(format);
    expect(out.meta.start).toBe(new Date(T0).toISOString());
    expect(out.epochs.every((e) => e.posture === 'left')).toBe(true);
  }
});

test('a gyroscope in gx,gy,gz (deg/s) is read and gives the angular speed', () => {
  const rows = ['t,ax,ay,az,gx,gy,gz'];
  for (let i = 0; i < 600; i++) {
    const w = 40 * Math.sin(i / 10); // rocking about the body z axis (sagittal plane), deg/s
    rows.push(`${(i / 10).toFixed(1)},0,1,0,0,0,${w.toFixed(3)}`);
  }
  writeFileSync(join(dir, 'gyro.csv'), `${rows.join('\n')}\n`);
  const out = analysisOutputSchema.parse(
    JSON.parse(runCli(['analyze', join(dir, 'gyro.csv'), '--orientation', 'body']).stdout),
  );
  expect(out.meta.gyroscope).toBe(true);
  expect(out.epochs[0]!.angularSpeedPeakDegS).toBeCloseTo(40, 0);
  writeFileSync(join(dir, 'gyro-bad.csv'), 't,ax,ay,az,gx,gy\n0,0,1,0,0,0\n');
  expect(runCli(['analyze', join(dir, 'gyro-bad.csv')]).stderr).toMatch(
    /line 1: gyroscope columns need all of gx, gy, gz/,
  );
});

test('validate compares epochs with reference labels: agreement, kappa and confusion matrix', () => {
  const analysisFile = join(dir, 'night.json');
  const file = join(dir, 'night.csv');
  writeFileSync(analysisFile, runCli(['analyze', file, '--orientation', 'body']).stdout);
  const labels = join(dir, 'night.labels.csv');
  writeFileSync(labels, night.labels);
  const text = runCli(['validate', analysisFile, '--reference', labels]);
  expect(text.status).toBe(0);
  expect(text.stdout).toMatch(/Cohen's kappa/);
  expect(text.stdout).toMatch(/confusion/);
  const json = runCli(['validate', analysisFile, '--reference', labels, '--format', 'json']);
  const report = JSON.parse(json.stdout);
  expect(report.compared.fiveClass).toBe(375 * 2);
  expect(report.fiveClass.accuracy).toBe(1);
  expect(report.fiveClass.kappa).toBe(1);
  expect(report.fiveClass.confusion[1][1]).toBe(360); // supine: 180 min of 30-s epochs

  // A reference that disagrees on the left side shows up in the matrix and the kappa.
  writeFileSync(labels, night.labels.replace(',left', ',right'));
  const wrong = JSON.parse(runCli(['validate', analysisFile, '--reference', labels, '--format', 'json']).stdout);
  expect(wrong.fiveClass.confusion[4][3]).toBe(240);
  expect(wrong.fiveClass.kappa).toBeLessThan(0.8);
  expect(wrong.lyingVsUpright.accuracy).toBe(1);
});

test.each([
  [
    ['analyze', 'x.csv', '--orientation', 'y,x,z'],
    /^restpose: --orientation="y,x,z": expected auto, body or an axis map/,
  ],
  [['analyze', 'x.csv', '--epoch', '2.5'], /^restpose: --epoch="2.5": expected whole seconds/],
  [['analyze', 'x.csv', '--rate', '500'], /^restpose: --rate="500": expected a rate in Hz from 1 to 200/],
  [['analyze', '/nonexistent/file.csv'], /^restpose: \/nonexistent\/file.csv: no such file or directory/],
  [['validate', 'x.json'], /^restpose: --reference: required/],
])('bad arguments stop with one line: %j', (args, message) => {
  const run = runCli(args);
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(message);
});
