// Files in the analysis input format, with the ground truth beside them:
//   <name>.csv         t,ax,ay,az[,gx,gy,gz]   (t in seconds from the first sample, or epoch ms; g; deg/s)
//   <name>.labels.csv  t,label                 per epoch, for `restpose validate --reference`
//   <name>.epochs.csv  t,label,activity,in_bed,asleep,transition   per epoch, majority of samples
//   <name>.truth.json  the RecordingTruth (recordingTruthSchema)
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIVITIES } from './plan.js';
import { epochLabels, type Recording } from './recording.js';
import { FLAG_ASLEEP, FLAG_IN_BED, FLAG_TRANSITION } from './render.js';

export type CsvTime = 'seconds' | 'epoch-ms';

export interface CsvOptions {
  /** Seconds from the first sample (default) or UTC epoch ms, both on the recording's own clock. */
  time?: CsvTime;
  /** Epoch length of the label files, seconds (default 30). */
  epochS?: number;
}

export interface WrittenFiles {
  csv: string;
  labels: string;
  epochs: string;
  truth: string;
}

/** Writes the four files of a recording into `dir`; returns their paths. */
export function writeRecordingFiles(dir: string, name: string, rec: Recording, options: CsvOptions = {}): WrittenFiles {
  const files = {
    csv: join(dir, `${name}.csv`),
    labels: join(dir, `${name}.labels.csv`),
    epochs: join(dir, `${name}.epochs.csv`),
    truth: join(dir, `${name}.truth.json`),
  };
  writeSamplesCsv(files.csv, rec, options.time ?? 'seconds');
  const epochS = options.epochS ?? 30;
  const time = timeFormatter(rec, options.time ?? 'seconds');
  const labels = epochLabels(rec, epochS);
  writeFileSync(files.labels, `t,label\n${labels.map((l) => `${time(l.t)},${l.label}`).join('\n')}\n`);
  writeFileSync(files.epochs, epochTruthCsv(rec, epochS, time));
  writeFileSync(files.truth, `${JSON.stringify(rec.truth, null, 1)}\n`);
  return files;
}

/** Digits enough to tell consecutive samples apart: seconds with at least 2 decimals, or epoch ms. */
function timeFormat(rec: Recording, time: CsvTime): { decimals: number; epochMs: boolean } {
  return { decimals: Math.max(3, Math.ceil(Math.log10(rec.rateHz)) + 1), epochMs: time === 'epoch-ms' };
}

function timeFormatter(rec: Recording, time: CsvTime): (seconds: number) => string {
  const { decimals, epochMs } = timeFormat(rec, time);
  const trim = (text: string) => (text.includes('.') ? text.replace(/\.?0+$/, '') : text);
  if (!epochMs) return (s) => trim(s.toFixed(decimals));
  return (s) => trim((rec.startMs + s * 1000).toFixed(Math.max(0, decimals - 3)));
}

const { abs, floor, round } = Math;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/**
 * Writes ASCII fixed-point numbers straight into a reusable buffer: formatting millions of numbers with toFixed
 * and string concatenation spent most of its time in garbage collection. Rounds half away from zero like toFixed.
 */
class AsciiWriter {
  private readonly buf = Buffer.allocUnsafe(1 << 22);
  private pos = 0;

  constructor(private readonly fd: number) {}

  text(s: string): void {
    if (this.pos + s.length * 3 > this.buf.length) this.flush();
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** A non-negative integer (below 2^53). */
  private integer(n: number): void {
    const buf = this.buf;
    let digits = 1;
    while (digits < 16 && n >= POW10[digits]!) digits++;
    if (digits > 9) digits = String(n).length;
    for (let d = digits - 1; d >= 0; d--) {
      const q = floor(n / 10);
      buf[this.pos + d] = 48 + (n - q * 10);
      n = q;
    }
    this.pos += digits;
  }

  /** `value` with `decimals` (at most 9) digits; with `trim`, trailing zeros and a bare point are left out. */
  fixed(value: number, decimals: number, trim = false): void {
    if (this.pos + 48 > this.buf.length) this.flush();
    const scale = POW10[decimals]!;
    let scaled = round(abs(value) * scale);
    if (scaled !== 0 && value < 0) this.buf[this.pos++] = 45; // '-'
    const whole = floor(scaled / scale);
    this.integer(whole);
    scaled -= whole * scale;
    let digits = decimals;
    if (trim) {
      while (digits > 0 && scaled % 10 === 0) {
        scaled /= 10;
        digits--;
      }
    }
    if (digits === 0) return;
    this.buf[this.pos++] = 46; // '.'
    for (let d = digits - 1; d >= 0; d--) {
      const q = floor(scaled / 10);
      this.buf[this.pos + d] = 48 + (scaled - q * 10);
      scaled = q;
    }
    this.pos += digits;
  }

  flush(): void {
    writeSync(this.fd, this.buf, 0, this.pos);
    this.pos = 0;
  }
}

/** The sample file: acceleration in g with 6 decimals (finer than any int16 count), rate in deg/s with 4. */
export function writeSamplesCsv(path: string, rec: Recording, time: CsvTime = 'seconds'): void {
  const { ax, ay, az, gx, gy, gz } = rec.samples;
  const g = rec.accScaleMg / 1000;
  const d = rec.gyroScaleMdps !== null ? rec.gyroScaleMdps / 1000 : 0;
  const columns = gx && gy && gz ? [ax, ay, az, gx, gy, gz] : [ax, ay, az];
  const scales = [g, g, g, d, d, d];
  const places = [6, 6, 6, 4, 4, 4];
  const { decimals, epochMs } = timeFormat(rec, time);
  const fd = openSync(path, 'w');
  try {
    const out = new AsciiWriter(fd);
    out.text(columns.length === 6 ? 't,ax,ay,az,gx,gy,gz\n' : 't,ax,ay,az\n');
    for (let i = 0; i < rec.sampleCount; i++) {
      const seconds = i / rec.rateHz;
      if (epochMs) out.fixed(rec.startMs + seconds * 1000, decimals - 3, true);
      else out.fixed(seconds, decimals, true);
      for (let c = 0; c < columns.length; c++) {
        out.byte(44); // ','
        out.fixed(columns[c]![i]! * scales[c]!, places[c]!);
      }
      out.byte(10);
    }
    out.flush();
  } finally {
    closeSync(fd);
  }
}

function epochTruthCsv(rec: Recording, epochS: number, time: (s: number) => string): string {
  const truth = rec.samples.truth!;
  const per = Math.round(epochS * rec.rateHz);
  const labels = epochLabels(rec, epochS);
  const lines = ['t,label,activity,in_bed,asleep,transition'];
  const counts = new Uint32Array(ACTIVITIES.length);
  labels.forEach((l, e) => {
    const start = e * per;
    counts.fill(0);
    let inBed = 0;
    let asleep = 0;
    let transition = 0;
    for (let i = start; i < start + per; i++) {
      counts[truth.activity[i]!]!++;
      const f = truth.flags[i]!;
      if (f & FLAG_IN_BED) inBed++;
      if (f & FLAG_ASLEEP) asleep++;
      if (f & FLAG_TRANSITION) transition++;
    }
    let activity = 0;
    for (let a = 1; a < counts.length; a++) if (counts[a]! > counts[activity]!) activity = a;
    const half = per / 2;
    lines.push(
      `${time(l.t)},${l.label},${ACTIVITIES[activity]},${inBed > half ? 1 : 0},${asleep > half ? 1 : 0},${transition > 0 ? 1 : 0}`,
    );
  });
  return `${lines.join('\n')}\n`;
}

export interface ParsedCsv {
  t: Float64Array;
  ax: Float32Array;
  ay: Float32Array;
  az: Float32Array;
  gyro?: { gx: Float32Array; gy: Float32Array; gz: Float32Array };
}

/** Reads a sample file written by writeSamplesCsv (for round trips and tests; the analysis has its own reader). */
export function parseSamplesCsv(text: string): ParsedCsv {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = lines[0]?.split(',') ?? [];
  const withGyro = header.length === 7;
  if (header.slice(0, 4).join(',') !== 't,ax,ay,az' || (header.length !== 4 && !withGyro)) {
    throw new Error(`line 1: expected the header t,ax,ay,az[,gx,gy,gz], got ${lines[0]}`);
  }
  const n = lines.length - 1;
  const out: ParsedCsv = {
    t: new Float64Array(n),
    ax: new Float32Array(n),
    ay: new Float32Array(n),
    az: new Float32Array(n),
  };
  if (withGyro) out.gyro = { gx: new Float32Array(n), gy: new Float32Array(n), gz: new Float32Array(n) };
  for (let i = 0; i < n; i++) {
    const cells = lines[i + 1]!.split(',').map(Number);
    if (cells.length !== header.length || cells.some(Number.isNaN))
      throw new Error(`line ${i + 2}: expected ${header.length} numbers`);
    out.t[i] = cells[0]!;
    out.ax[i] = cells[1]!;
    out.ay[i] = cells[2]!;
    out.az[i] = cells[3]!;
    if (out.gyro) {
      out.gyro.gx[i] = cells[4]!;
      out.gyro.gy[i] = cells[5]!;
      out.gyro.gz[i] = cells[6]!;
    }
  }
  return out;
}
