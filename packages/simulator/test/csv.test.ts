// Files in the analysis input format: the samples read back to the same counts, the label files follow the
// majority rule, the truth file is the truth, and the same recording writes the same bytes.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPerson,
  epochLabels,
  indexOfDate,
  parseSamplesCsv,
  planNightOnly,
  recordingTruthSchema,
  simulateRecording,
  writeRecordingFiles,
} from '../src/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'restpose-sim-csv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Half an hour around lights off: sitting, lying down, the first turns.
const make = () => {
  const { night } = planNightOnly(8, createPerson(8), indexOfDate('2025-01-01'));
  return simulateRecording({
    seed: 8,
    rateHz: 50,
    span: { startMs: night.lightsOff - 10 * 60_000, endMs: night.lightsOff + 20 * 60_000 },
    sensor: { gyro: true, rangeG: 8 },
  });
};

test('the sample file reads back to the exact counts, with t in seconds from the first sample', () => {
  const rec = make();
  const files = writeRecordingFiles(dir, 'a', rec);
  const parsed = parseSamplesCsv(readFileSync(files.csv, 'utf8'));
  expect(parsed.t.length).toBe(rec.sampleCount);
  const g = rec.accScaleMg / 1000;
  const d = rec.gyroScaleMdps! / 1000;
  let worstT = 0;
  let worstCount = 0;
  let worstGyro = 0;
  for (let i = 0; i < rec.sampleCount; i++) {
    worstT = Math.max(worstT, Math.abs(parsed.t[i]! - i / 50));
    worstCount = Math.max(worstCount, Math.abs(Math.round(parsed.ax[i]! / g) - rec.samples.ax[i]!));
    worstCount = Math.max(worstCount, Math.abs(Math.round(parsed.az[i]! / g) - rec.samples.az[i]!));
    worstGyro = Math.max(worstGyro, Math.abs(Math.round(parsed.gyro!.gy[i]! / d) - rec.samples.gy![i]!));
  }
  expect(worstT).toBeLessThan(1e-9);
  expect(worstCount).toBe(0);
  expect(worstGyro).toBe(0);
});

test('label files hold one row per whole epoch by the majority rule; the truth file is the truth', () => {
  const rec = make();
  const files = writeRecordingFiles(dir, 'b', rec, { epochS: 30 });
  const labels = readFileSync(files.labels, 'utf8').trim().split('\n');
  expect(labels[0]).toBe('t,label');
  const expected = epochLabels(rec, 30);
  expect(labels.slice(1)).toEqual(expected.map((l) => `${l.t},${l.label}`));
  expect(expected.length).toBe(Math.floor(rec.sampleCount / (30 * 50)));
  // The half hour spans sitting (upright) and lying.
  expect(new Set(expected.map((l) => l.label)).size).toBeGreaterThan(1);
  const epochs = readFileSync(files.epochs, 'utf8').trim().split('\n');
  expect(epochs[0]).toBe('t,label,activity,in_bed,asleep,transition');
  expect(epochs).toHaveLength(labels.length);
  expect(epochs.some((l) => l.endsWith(',lying,1,0,0') || l.endsWith(',lying,1,1,0'))).toBe(true);
  const truth = recordingTruthSchema.parse(JSON.parse(readFileSync(files.truth, 'utf8')));
  expect(truth).toEqual(rec.truth);
});

test('the same recording writes the same bytes; epoch-ms time starts at the first sample', () => {
  const hash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
  const one = writeRecordingFiles(dir, 'c1', make());
  const two = writeRecordingFiles(dir, 'c2', make());
  for (const k of ['csv', 'labels', 'epochs', 'truth'] as const) expect(hash(two[k])).toBe(hash(one[k]));
  const rec = make();
  const ms = writeRecordingFiles(dir, 'd', rec, { time: 'epoch-ms' });
  const parsed = parseSamplesCsv(readFileSync(ms.csv, 'utf8'));
  expect(parsed.t[0]).toBe(rec.startMs);
  expect(parsed.t[50]).toBe(rec.startMs + 1000);
});

test('a malformed sample file is refused with the line named', () => {
  expect(() => parseSamplesCsv('t,x,y,z\n0,1,2,3\n')).toThrow(/line 1: expected the header/);
  expect(() => parseSamplesCsv('t,ax,ay,az\n0,1,2,3\n0.02,1,oops,3\n')).toThrow(/line 3: expected 4 numbers/);
});
