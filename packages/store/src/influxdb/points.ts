// Records as InfluxDB points and back (the layout is in schema.ts and docs/storage.md).

import { type NightRecord, nightRecordSchema, type PostureEpoch, postureEpochSchema } from '@restpose/protocol';
import type { IPoint } from 'influx';
import type { SampleBatch } from '../contract.js';
import { dateToMs, msToDate } from '../dates.js';
import { timePrecision, toMicros } from '../samples.js';
import type { Row } from './influxql.js';
import { jsonFields, readJsonField } from './json-fields.js';

/** Shortest decimal that reads back as the same float32, so line protocol stays short and exact. */
export function float32Text(x: number): number {
  for (let digits = 6; digits < 9; digits++) {
    const v = Number(x.toPrecision(digits)) + 0; // + 0: the sign of zero is not kept (line protocol writes 0)
    if (Math.fround(v) === x) return v;
  }
  return x;
}

export function epochPoint(measurement: string, e: PostureEpoch): IPoint {
  return {
    measurement,
    tags: { subject: e.subjectId, algorithm: e.algorithm },
    fields: {
      device: e.deviceId,
      duration_s: e.durationS,
      posture: e.posture,
      confidence: e.confidence,
      sagittal_deg: e.sagittalDeg,
      frontal_deg: e.frontalDeg,
      roll_deg: e.rollDeg,
    },
    timestamp: String(e.start),
  };
}

/** An epoch from a row read with epoch=ms. */
export function epochFromRow(r: Row): PostureEpoch {
  return postureEpochSchema.parse({
    subjectId: r.subject,
    deviceId: r.device,
    start: r.time,
    durationS: r.duration_s,
    posture: r.posture,
    confidence: r.confidence,
    sagittalDeg: r.sagittal_deg,
    frontalDeg: r.frontal_deg,
    rollDeg: r.roll_deg,
    algorithm: r.algorithm,
  });
}

/** A night or morning at the UTC midnight of its date. */
export function dayPoint(measurement: string, r: NightRecord): IPoint {
  return {
    measurement,
    tags: { subject: r.subjectId, algorithm: r.algorithm },
    fields: {
      start_ms: r.start,
      end_ms: r.end,
      computed_at_ms: r.computedAt,
      ...jsonFields('metrics', r.metrics),
      ...jsonFields('detail', r.detail),
    },
    timestamp: String(dateToMs(r.date)),
  };
}

/** A night or morning from a row read with epoch=ms; without `withDetail` its detail is left unread (empty). */
export function dayFromRow(r: Row, withDetail = true): NightRecord {
  return nightRecordSchema.parse({
    subjectId: r.subject,
    date: msToDate(Number(r.time)),
    algorithm: r.algorithm,
    start: r.start_ms,
    end: r.end_ms,
    computedAt: r.computed_at_ms,
    metrics: readJsonField(r, 'metrics'),
    detail: withDetail ? readJsonField(r, 'detail') : {},
  });
}

/** Float32 values as line-protocol bytes; the same values recur (int16 counts times a few scales), so remember them. */
const floatBytes = new Map<number, Buffer>();
function floatText(x: number): Buffer {
  let bytes = floatBytes.get(x);
  if (bytes === undefined) {
    if (floatBytes.size >= 65_536) floatBytes.clear();
    bytes = Buffer.from(String(float32Text(x)), 'latin1');
    floatBytes.set(x, bytes);
  }
  return bytes;
}

const FIELD_PREFIXES = ['ax=', ',ay=', ',az=', ',gx=', ',gy=', ',gz='].map((f) => Buffer.from(f, 'latin1'));

/** A growing byte buffer for one request body: no string per line, so encoding leaves almost no garbage. */
class BodyWriter {
  private buf: Buffer | null = null;
  private pos = 0;
  lines = 0;

  constructor(private readonly capacity: number) {}

  private reserve(n: number): void {
    if (!this.buf) this.buf = Buffer.allocUnsafe(Math.max(this.capacity, n));
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  bytes(b: Buffer): void {
    this.reserve(b.length);
    const buf = this.buf!;
    // Byte by byte: these are a few bytes each, where copy()'s call overhead dominates.
    for (let i = 0; i < b.length; i++) buf[this.pos++] = b[i]!;
  }

  /** A non-negative integer in decimal. */
  integer(n: number): void {
    this.reserve(20);
    this.pos += this.buf!.write(String(n), this.pos, 'latin1');
  }

  byte(c: number): void {
    this.reserve(1);
    this.buf![this.pos++] = c;
  }

  take(): Buffer {
    const out = this.buf!.subarray(0, this.pos);
    this.buf = null;
    this.pos = 0;
    this.lines = 0;
    return out;
  }
}

/**
 * Sample points as line-protocol request bodies of at most `perBody` lines, grouped by the time precision they need.
 * Written as bytes rather than through the client's point objects: encoding is most of the cost of a sample write.
 * Device ids are validated before (letters, digits, "_", "." and "-" need no escaping in a tag value).
 */
export function sampleBodies(
  measurement: string,
  batches: readonly SampleBatch[],
  perBody: number,
): Array<{ precision: 'ms' | 'u'; body: Buffer }> {
  const bodies: Array<{ precision: 'ms' | 'u'; body: Buffer }> = [];
  const writers = { ms: new BodyWriter(perBody * 72), u: new BodyWriter(perBody * 75) };
  for (const b of batches) {
    const precision = timePrecision(b.t);
    const w = writers[precision];
    const key = Buffer.from(`${measurement},device=${b.deviceId} `, 'latin1');
    const columns = b.gyro ? [b.ax, b.ay, b.az, b.gyro.gx, b.gyro.gy, b.gyro.gz] : [b.ax, b.ay, b.az];
    for (let i = 0; i < b.t.length; i++) {
      if (w.lines > 0) w.byte(10);
      w.bytes(key);
      for (let c = 0; c < columns.length; c++) {
        w.bytes(FIELD_PREFIXES[c]!);
        w.bytes(floatText(columns[c]![i]!));
      }
      w.byte(32);
      w.integer(precision === 'ms' ? b.t[i]! : toMicros(b.t[i]!));
      if (++w.lines >= perBody) bodies.push({ precision, body: w.take() });
    }
  }
  for (const precision of ['ms', 'u'] as const) {
    if (writers[precision].lines > 0) bodies.push({ precision, body: writers[precision].take() });
  }
  return bodies;
}
