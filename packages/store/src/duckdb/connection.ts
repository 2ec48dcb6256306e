// One DuckDB connection used one statement at a time (connections are not safe for interleaved use),
// with helpers for parameters and transactions.
import {
  type DuckDBConnection,
  DuckDBDateValue,
  DuckDBInstance,
  DuckDBTimestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import { dateToMs } from '../dates.js';

export type Row = Record<string, unknown>;

/** TIMESTAMP column as epoch ms (fractional ms survive: DuckDB keeps microseconds). */
export const msOf = (column: string) => `epoch_us(${column}) / 1000.0`;

export function tsValue(ms: number): DuckDBTimestampValue;
export function tsValue(ms: number | null): DuckDBTimestampValue | null;
export function tsValue(ms: number | null): DuckDBTimestampValue | null {
  return ms === null ? null : new DuckDBTimestampValue(BigInt(Math.round(ms * 1000)));
}

export function dateValue(date: string): DuckDBDateValue {
  return new DuckDBDateValue(dateToMs(date) / 86_400_000);
}

export class SerialConnection {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly db: DuckDBConnection,
  ) {}

  static async open(path: string): Promise<SerialConnection> {
    const instance = await DuckDBInstance.create(path);
    return new SerialConnection(instance, await instance.connect());
  }

  /** Runs `work` alone on the connection. */
  serial<T>(work: (db: DuckDBConnection) => Promise<T>): Promise<T> {
    const next = this.queue.then(
      () => work(this.db),
      () => work(this.db),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Runs `work` alone, inside a transaction that is rolled back if it throws. */
  transaction<T>(work: (db: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.serial(async (db) => {
      await db.run('BEGIN TRANSACTION');
      try {
        const result = await work(db);
        await db.run('COMMIT');
        return result;
      } catch (err) {
        await db.run('ROLLBACK');
        throw err;
      }
    });
  }

  rows(sql: string, values: DuckDBValue[] = []): Promise<Row[]> {
    return this.serial(async (db) => (await db.runAndReadAll(sql, values)).getRowObjectsJS() as Row[]);
  }

  async exec(sql: string, values: DuckDBValue[] = []): Promise<void> {
    await this.serial((db) => db.run(sql, values));
  }

  close(): Promise<void> {
    return this.serial(async (db) => {
      db.closeSync();
      this.instance.closeSync();
    });
  }
}

/** Reads rows inside a transaction or other serial work. */
export async function readRows(db: DuckDBConnection, sql: string, values: DuckDBValue[] = []): Promise<Row[]> {
  return (await db.runAndReadAll(sql, values)).getRowObjectsJS() as Row[];
}
