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

/** Sample points grouped by the precision their timestamps need: whole ms, or µs. */
export function samplePoints(measurement: string, batches: readonly SampleBatch[]): Record<'ms' | 'u', IPoint[]> {
  const out: Record<'ms' | 'u', IPoint[]> = { ms: [], u: [] };
  for (const b of batches) {
    const precision = timePrecision(b.t);
    const tags = { device: b.deviceId };
    const g = b.gyro;
    for (let i = 0; i < b.t.length; i++) {
      const fields: Record<string, number> = {
        ax: float32Text(b.ax[i]!),
        ay: float32Text(b.ay[i]!),
        az: float32Text(b.az[i]!),
      };
      if (g) {
        fields.gx = float32Text(g.gx[i]!);
        fields.gy = float32Text(g.gy[i]!);
        fields.gz = float32Text(g.gz[i]!);
      }
      const timestamp = precision === 'ms' ? String(b.t[i]) : String(toMicros(b.t[i]!));
      out[precision].push({ measurement, tags, fields, timestamp });
    }
  }
  return out;
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
