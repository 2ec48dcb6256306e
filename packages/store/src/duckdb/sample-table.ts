// Raw samples in DuckDB: appended column-wise into a staging table, then merged into `samples` by an anti-join over
// the written time window, which row-group min/max statistics on t narrow to a few row groups. New samples cost one
// join; repeats with new values replace the stored ones. There is no primary key: its index made inserts five times
// slower and tripled memory at 21.6 M rows (`pnpm bench duckdb-dedup`, docs/storage.md).
import {
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBTimestampValue,
  type DuckDBVector,
  FLOAT,
  TIMESTAMP,
  VARCHAR,
} from '@duckdb/node-api';
import type { SampleBatch, TimeRange } from '../contract.js';
import { SampleCollector, toMicros } from '../samples.js';
import { tsValue } from './connection.js';

const STAGE = 'samples_stage';
const COLUMNS =
  'device_id VARCHAR NOT NULL, t TIMESTAMP NOT NULL, ax REAL NOT NULL, ay REAL NOT NULL, az REAL NOT NULL, gx REAL, gy REAL, gz REAL';
const TYPES = [VARCHAR, TIMESTAMP, FLOAT, FLOAT, FLOAT, FLOAT, FLOAT, FLOAT];
const CHUNK_ROWS = 2048;
const VALUES = ['ax', 'ay', 'az', 'gx', 'gy', 'gz'];

async function stage(db: DuckDBConnection, batches: readonly SampleBatch[]): Promise<void> {
  await db.run(`CREATE TEMP TABLE IF NOT EXISTS ${STAGE} (${COLUMNS})`);
  await db.run(`DELETE FROM ${STAGE}`);
  const appender = await db.createAppender(STAGE);
  const chunk = DuckDBDataChunk.create(TYPES, CHUNK_ROWS);
  const vectors: DuckDBVector[] = TYPES.map((_, i) => chunk.getColumnVector(i));
  let rows = 0;
  const flush = () => {
    chunk.rowCount = rows;
    for (const v of vectors) v.flush();
    appender.appendDataChunk(chunk);
    chunk.reset();
    rows = 0;
  };
  for (const b of batches) {
    const g = b.gyro;
    for (let i = 0; i < b.t.length; i++) {
      vectors[0]!.setItem(rows, b.deviceId);
      vectors[1]!.setItem(rows, new DuckDBTimestampValue(BigInt(toMicros(b.t[i]!))));
      // + 0 turns -0 into 0, as InfluxDB's line protocol does, so both adapters read back the same.
      vectors[2]!.setItem(rows, b.ax[i]! + 0);
      vectors[3]!.setItem(rows, b.ay[i]! + 0);
      vectors[4]!.setItem(rows, b.az[i]! + 0);
      vectors[5]!.setItem(rows, g ? g.gx[i]! + 0 : null);
      vectors[6]!.setItem(rows, g ? g.gy[i]! + 0 : null);
      vectors[7]!.setItem(rows, g ? g.gz[i]! + 0 : null);
      if (++rows === CHUNK_ROWS) flush();
    }
  }
  if (rows > 0) flush();
  appender.closeSync();
}

/** Writes batches that hold each (device, t) once (normalizeSampleBatches); runs inside a transaction. */
export async function mergeSamples(db: DuckDBConnection, batches: readonly SampleBatch[]): Promise<void> {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const b of batches) {
    lo = Math.min(lo, b.t[0]!);
    hi = Math.max(hi, b.t[b.t.length - 1]!);
  }
  if (!(lo <= hi)) return;
  await stage(db, batches);
  const staged = batches.reduce((n, b) => n + b.t.length, 0);
  const window = 'x.t BETWEEN ? AND ?';
  const bounds = [tsValue(lo), tsValue(hi)];
  const insertNew = `INSERT INTO samples SELECT s.* FROM ${STAGE} s
    ANTI JOIN (SELECT device_id, t FROM samples x WHERE ${window}) x USING (device_id, t)`;
  const inserted = (await db.run(insertNew, bounds)).rowsChanged;
  if (inserted < staged) {
    // Some samples were there already: exact repeats stay, those with new values replace the stored ones.
    const changed = VALUES.map((c) => `x.${c} IS DISTINCT FROM s.${c}`).join(' OR ');
    await db.run(
      `DELETE FROM samples x USING ${STAGE} s
       WHERE x.device_id = s.device_id AND x.t = s.t AND ${window} AND (${changed})`,
      bounds,
    );
    await db.run(insertNew, bounds);
  }
  await db.run(`DELETE FROM ${STAGE}`);
}

export async function selectSamples(db: DuckDBConnection, deviceId: string, range: TimeRange): Promise<SampleBatch> {
  const result = await db.run(
    `SELECT epoch_us(t) / 1000.0 AS t, ax, ay, az, gx, gy, gz FROM samples
     WHERE device_id = ? AND t >= ? AND t < ? ORDER BY t`,
    [deviceId, tsValue(range.from), tsValue(range.to)],
  );
  const collector = new SampleCollector();
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const [t, ax, ay, az, gx, gy, gz] = Array.from({ length: 7 }, (_, c) => chunk.getColumnVector(c)) as Array<
      DuckDBVector<number>
    >;
    for (let i = 0; i < chunk.rowCount; i++) {
      collector.push(
        t!.getItem(i)!,
        ax!.getItem(i)!,
        ay!.getItem(i)!,
        az!.getItem(i)!,
        gx!.getItem(i),
        gy!.getItem(i),
        gz!.getItem(i),
      );
    }
  }
  return collector.batch(deviceId);
}
