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

/** A night or morning from a row read with epoch=ms. */
export function dayFromRow(r: Row): NightRecord {
  return nightRecordSchema.parse({
    subjectId: r.subject,
    date: msToDate(Number(r.time)),
    algorithm: r.algorithm,
    start: r.start_ms,
    end: r.end_ms,
    computedAt: r.computed_at_ms,
    metrics: readJsonField(r, 'metrics'),
    detail: readJsonField(r, 'detail'),
  });
}

/** Float32 values as line-protocol text; the same values recur (int16 counts times a few scales), so remember them. */
const floatTexts = new Map<number, string>();
function floatText(x: number): string {
  let text = floatTexts.get(x);
  if (text === undefined) {
    if (floatTexts.size >= 500_000) floatTexts.clear();
    text = String(float32Text(x));
    floatTexts.set(x, text);
  }
  return text;
}

/**
 * Sample points as line-protocol request bodies of at most `perBody` lines, grouped by the time precision they need.
 * Written directly rather than through the client's point objects: encoding is most of the cost of a sample write.
 * Device ids are validated before (letters, digits, "_", "." and "-" need no escaping in a tag value).
 */
export function sampleBodies(
  measurement: string,
  batches: readonly SampleBatch[],
  perBody: number,
): Array<{ precision: 'ms' | 'u'; body: string }> {
  const bodies: Array<{ precision: 'ms' | 'u'; body: string }> = [];
  const open: Record<'ms' | 'u', { lines: string[] }> = { ms: { lines: [] }, u: { lines: [] } };
  const flush = (precision: 'ms' | 'u') => {
    const { lines } = open[precision];
    if (lines.length > 0) bodies.push({ precision, body: lines.join('\n') });
    open[precision].lines = [];
  };
  for (const b of batches) {
    const precision = timePrecision(b.t);
    const key = `${measurement},device=${b.deviceId} `;
    const g = b.gyro;
    for (let i = 0; i < b.t.length; i++) {
      let line = `${key}ax=${floatText(b.ax[i]!)},ay=${floatText(b.ay[i]!)},az=${floatText(b.az[i]!)}`;
      if (g) line += `,gx=${floatText(g.gx[i]!)},gy=${floatText(g.gy[i]!)},gz=${floatText(g.gz[i]!)}`;
      line += ` ${precision === 'ms' ? b.t[i]! : toMicros(b.t[i]!)}`;
      const { lines } = open[precision];
      lines.push(line);
      if (lines.length >= perBody) flush(precision);
    }
  }
  flush('ms');
  flush('u');
  return bodies;
}
