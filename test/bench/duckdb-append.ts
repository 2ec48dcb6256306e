// Appends rows to a DuckDB table by DuckDB's own fastest path: data chunks through the appender, no checks, no
// deduplication. The benches use it as the database's ceiling and to prefill tables.
import {
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBTimestampValue,
  type DuckDBType,
  type DuckDBValue,
  FLOAT,
  TIMESTAMP,
  VARCHAR,
} from '@duckdb/node-api';
import type { SampleBatch } from '@restpose/store';

export const SAMPLE_COLUMNS = 'device_id VARCHAR, t TIMESTAMP, ax REAL, ay REAL, az REAL, gx REAL, gy REAL, gz REAL';

/** Appends rows (values in the order of the table's columns, of the given types); returns how many. */
export async function appendRows(
  db: DuckDBConnection,
  table: string,
  types: DuckDBType[],
  values: Iterable<DuckDBValue[]>,
): Promise<number> {
  const appender = await db.createAppender(table);
  const chunk = DuckDBDataChunk.create(types, 2048);
  const vectors = types.map((_, i) => chunk.getColumnVector(i));
  let rows = 0;
  let total = 0;
  const flush = () => {
    chunk.rowCount = rows;
    for (const v of vectors) v.flush();
    appender.appendDataChunk(chunk);
    chunk.reset();
    total += rows;
    rows = 0;
  };
  for (const row of values) {
    for (let c = 0; c < row.length; c++) vectors[c]!.setItem(rows, row[c]!);
    if (++rows === 2048) flush();
  }
  if (rows > 0) flush();
  appender.closeSync();
  return total;
}

export async function appendSamples(
  db: DuckDBConnection,
  table: string,
  batches: readonly SampleBatch[],
): Promise<void> {
  const types = [VARCHAR, TIMESTAMP, FLOAT, FLOAT, FLOAT, FLOAT, FLOAT, FLOAT];
  function* rows(): Generator<DuckDBValue[]> {
    for (const b of batches) {
      for (let i = 0; i < b.t.length; i++) {
        const t = new DuckDBTimestampValue(BigInt(Math.round(b.t[i]! * 1000)));
        yield [b.deviceId, t, b.ax[i]!, b.ay[i]!, b.az[i]!, null, null, null];
      }
    }
  }
  await appendRows(db, table, types, rows());
}
