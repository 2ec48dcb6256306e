// Reads an analysis input CSV: a header naming t, ax, ay, az (g) and optionally gx, gy, gz (deg/s), one sample per
// line. The time column may be ISO 8601, epoch milliseconds or seconds (detected from the first row). Every
// problem is reported with its line and column; nothing is guessed.
import { createReadStream } from 'node:fs';
import type { Recording } from '@restpose/signal';
import { CsvError, parse } from 'csv-parse';

export type TimeFormat = 'iso8601' | 'epoch-ms' | 'seconds';

export class InputError extends Error {}

export interface CsvRecording extends Recording {
  timeFormat: TimeFormat;
}

const REQUIRED = ['t', 'ax', 'ay', 'az'] as const;
const GYRO = ['gx', 'gy', 'gz'] as const;
/** Numbers at least this large are epoch milliseconds (1973 onwards); smaller ones are seconds. */
const MS_THRESHOLD = 1e11;

class Column {
  data: Float64Array | Float32Array;
  length = 0;
  constructor(private readonly double: boolean) {
    this.data = double ? new Float64Array(65_536) : new Float32Array(65_536);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = this.double ? new Float64Array(this.length * 2) : new Float32Array(this.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  done<T extends Float64Array | Float32Array>(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/** UTC ms of a time cell; `secondsOrigin` is the UTC ms that t = 0 stands for in a seconds column. */
export function parseTime(raw: string, format: TimeFormat, secondsOrigin = 0): number {
  if (format === 'iso8601') {
    // Without a zone designator a time is read as UTC, not the machine's local time.
    const text = /(Z|[+-]\d\d:?\d\d)$/i.test(raw) ? raw : `${raw}Z`;
    return Date.parse(text);
  }
  const v = raw.trim() === '' ? Number.NaN : Number(raw);
  return format === 'epoch-ms' ? v : secondsOrigin + v * 1000;
}

export function detectFormat(raw: string): TimeFormat {
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(raw)) return 'iso8601';
  const v = Number(raw);
  return Number.isFinite(v) && Math.abs(v) >= MS_THRESHOLD ? 'epoch-ms' : 'seconds';
}

export async function readAnalysisCsv(
  file: string,
  options: { secondsOrigin?: number; onBytes?: (bytesRead: number) => void } = {},
): Promise<CsvRecording> {
  const { secondsOrigin = 0, onBytes } = options;
  const source = createReadStream(file);
  const parser = source.pipe(
    parse({ info: true, trim: true, skip_empty_lines: true, comment: '#', relax_column_count: false }),
  );
  source.on('error', (err) => parser.destroy(err));
  let index: Record<string, number> | null = null;
  let names: string[] = [];
  let gyro = false;
  let format: TimeFormat | null = null;
  let lastT = Number.NEGATIVE_INFINITY;
  const t = new Column(true);
  const axes = [new Column(false), new Column(false), new Column(false)];
  const gyros = [new Column(false), new Column(false), new Column(false)];
  const where = (line: number, col: number) => `${file}: line ${line}, column ${col + 1} (${names[col]})`;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!index) {
        names = record.map((h) => h.toLowerCase());
        index = Object.fromEntries(names.map((h, i) => [h, i]));
        const missing = REQUIRED.filter((c) => index![c] === undefined);
        if (missing.length) {
          throw new InputError(
            `${file}: line ${info.lines}: header lacks ${missing.join(', ')} (expected t,ax,ay,az[,gx,gy,gz])`,
          );
        }
        const someGyro = GYRO.filter((c) => index![c] !== undefined);
        if (someGyro.length > 0 && someGyro.length < 3) {
          throw new InputError(`${file}: line ${info.lines}: gyroscope columns need all of gx, gy, gz`);
        }
        gyro = someGyro.length === 3;
        continue;
      }
      const ti = index.t!;
      format ??= detectFormat(record[ti]!);
      const time = parseTime(record[ti]!, format, secondsOrigin);
      if (!Number.isFinite(time)) {
        throw new InputError(`${where(info.lines, ti)}: expected a time (${format}), got "${record[ti]}"`);
      }
      if (time < lastT) {
        throw new InputError(`${where(info.lines, ti)}: time goes backwards (${record[ti]})`);
      }
      lastT = time;
      t.push(time);
      const cols = gyro ? [...REQUIRED.slice(1), ...GYRO] : REQUIRED.slice(1);
      cols.forEach((c, k) => {
        const ci = index![c]!;
        const raw = record[ci]!;
        const v = raw === '' ? Number.NaN : Number(raw);
        if (!Number.isFinite(v)) {
          throw new InputError(`${where(info.lines, ci)}: expected a number, got "${raw}"`);
        }
        const limit = k < 3 ? 32 : 5000;
        if (Math.abs(v) > limit) {
          throw new InputError(
            `${where(info.lines, ci)}: ${v} is outside +-${limit} ${k < 3 ? 'g' : 'deg/s'}; is the unit right?`,
          );
        }
        (k < 3 ? axes[k] : gyros[k - 3])!.push(v);
      });
      if (onBytes && t.length % 100_000 === 0) onBytes(source.bytesRead);
    }
  } catch (err) {
    if (err instanceof CsvError) {
      const e = err as CsvError & { lines?: number; index?: number };
      const col = e.index !== undefined ? `, column ${e.index + 1}` : '';
      throw new InputError(`${file}: line ${e.lines ?? '?'}${col}: ${err.message}`);
    }
    if (err instanceof InputError) throw err;
    throw new InputError(`${file}: ${(err as Error).message}`);
  }
  if (!index) throw new InputError(`${file}: empty file (expected a header t,ax,ay,az)`);
  if (t.length === 0) throw new InputError(`${file}: no samples after the header`);
  const rec: CsvRecording = {
    timeFormat: format!,
    t: t.done(),
    ax: axes[0]!.done(),
    ay: axes[1]!.done(),
    az: axes[2]!.done(),
  };
  if (gyro) Object.assign(rec, { gx: gyros[0]!.done(), gy: gyros[1]!.done(), gz: gyros[2]!.done() });
  return rec;
}
