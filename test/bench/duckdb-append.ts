// Appends sample batches to a DuckDB table of the samples layout by DuckDB's own fastest path: data chunks through
// the appender, no checks, no deduplication. The benches use it as the database's ceiling and to prefill tables.
import {
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBTimestampValue,
  FLOAT,
  TIMESTAMP,
  VARCHAR,
} from '@duckdb/node-api';
import type { SampleBatch } from '@restpose/store';

export const SAMPLE_COLUMNS = 'device_id VARCHAR, t TIMESTAMP, ax REAL, ay REAL, az REAL, gx REAL, gy REAL, gz REAL';

export async function appendSamples(
  db: DuckDBConnection,
  table: string,
  batches: readonly SampleBatch[],
): Promise<void> {
  const types = [VARCHAR, TIMESTAMP, FLOAT, FLOAT, FLOAT, FLOAT, FLOAT, FLOAT];
  const appender = await db.createAppender(table);
  const chunk = DuckDBDataChunk.create(types, 2048);
  const vectors = types.map((_, i) => chunk.getColumnVector(i));
  let rows = 0;
  const flush = () => {
    chunk.rowCount = rows;
    for (const v of vectors) v.flush();
    appender.appendDataChunk(chunk);
    chunk.reset();
    rows = 0;
  };
  for (const b of batches) {
    for (let i = 0; i < b.t.length; i++) {
      vectors[0]!.setItem(rows, b.deviceId);
      vectors[1]!.setItem(rows, new DuckDBTimestampValue(BigInt(Math.round(b.t[i]! * 1000))));
      vectors[2]!.setItem(rows, b.ax[i]!);
      vectors[3]!.setItem(rows, b.ay[i]!);
      vectors[4]!.setItem(rows, b.az[i]!);
      for (let c = 5; c < 8; c++) vectors[c]!.setItem(rows, null);
      if (++rows === 2048) flush();
    }
  }
  if (rows > 0) flush();
  appender.closeSync();
}
