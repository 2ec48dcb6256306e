// Embedded DuckDB adapter: one file under ./data by default, readable from R and Python.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, DuckDBTimestampValue, type DuckDBValue } from '@duckdb/node-api';
import {
  type ApiToken,
  type Assignment,
  apiTokenSchema,
  assignmentSchema,
  type Device,
  deviceSchema,
  type PostureEpoch,
  postureEpochSchema,
  type Subject,
  subjectSchema,
} from '@restpose/protocol';
import type { SampleBatch, Store, TimeRange } from '../contract.js';
import { MIGRATIONS } from './migrations.js';

export interface DuckDbStoreOptions {
  /** Database file, or ':memory:'. */
  path: string;
}

/** TIMESTAMP <-> epoch ms (fractional ms survive: DuckDB keeps microseconds). */
const ts = (column: string) => `epoch_us(${column}) / 1000.0`;
const toTs = (param: string) => `make_timestamp(CAST(round(${param} * 1000) AS BIGINT))`;

type Row = Record<string, unknown>;

export class DuckDbStore implements Store {
  readonly kind = 'duckdb' as const;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly db: DuckDBConnection,
  ) {}

  static async open(options: DuckDbStoreOptions): Promise<DuckDbStore> {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    const instance = await DuckDBInstance.create(options.path);
    const store = new DuckDbStore(instance, await instance.connect());
    await store.migrate();
    return store;
  }

  /** One connection, one statement at a time: DuckDB connections are not safe for interleaved use. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async rows(sql: string, values: DuckDBValue[] = []): Promise<Row[]> {
    return this.serial(async () => (await this.db.runAndReadAll(sql, values)).getRowObjectsJS() as Row[]);
  }

  private async exec(sql: string, values: DuckDBValue[] = []): Promise<void> {
    await this.serial(() => this.db.run(sql, values));
  }

  private async migrate(): Promise<void> {
    await this.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)');
    const applied = new Set((await this.rows('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await this.serial(async () => {
        await this.db.run('BEGIN TRANSACTION');
        try {
          await this.db.run(m.sql);
          await this.db.run('INSERT INTO schema_migrations VALUES (?, now())', [m.version]);
          await this.db.run('COMMIT');
        } catch (err) {
          await this.db.run('ROLLBACK');
          throw new Error(`DuckDB migration ${m.version} (${m.description}) failed: ${(err as Error).message}`);
        }
      });
    }
  }

  async ping(): Promise<void> {
    await this.rows('SELECT 1');
  }

  async close(): Promise<void> {
    await this.serial(async () => {
      this.db.closeSync();
      this.instance.closeSync();
    });
  }

  async upsertSubject(s: Subject): Promise<void> {
    await this.exec(
      `INSERT INTO subjects VALUES (?, ?, ?, ?, ${toTs('?')}) ON CONFLICT (id) DO UPDATE SET
         study_code = excluded.study_code, cohort = excluded.cohort, display_name = excluded.display_name`,
      [s.id, s.studyCode, s.cohort, s.displayName, s.createdAt],
    );
  }

  private static readonly subjectColumns =
    `id, study_code AS "studyCode", cohort, display_name AS "displayName", ${ts('created_at')} AS "createdAt"`;

  async getSubject(id: string): Promise<Subject | null> {
    const [row] = await this.rows(`SELECT ${DuckDbStore.subjectColumns} FROM subjects WHERE id = ?`, [id]);
    return row ? subjectSchema.parse(row) : null;
  }

  async listSubjects(): Promise<Subject[]> {
    const rows = await this.rows(`SELECT ${DuckDbStore.subjectColumns} FROM subjects ORDER BY id`);
    return rows.map((r) => subjectSchema.parse(r));
  }

  async upsertDevice(d: Device): Promise<void> {
    await this.exec(`INSERT OR REPLACE INTO devices VALUES (?, ?, ${toTs('?')}, ${toTs('?')})`, [
      d.id,
      d.secretHash,
      d.createdAt,
      d.revokedAt,
    ]);
  }

  private static readonly deviceColumns =
    `id, secret_hash AS "secretHash", ${ts('created_at')} AS "createdAt", ${ts('revoked_at')} AS "revokedAt"`;

  async getDevice(id: string): Promise<Device | null> {
    const [row] = await this.rows(`SELECT ${DuckDbStore.deviceColumns} FROM devices WHERE id = ?`, [id]);
    return row ? deviceSchema.parse(row) : null;
  }

  async listDevices(): Promise<Device[]> {
    return (await this.rows(`SELECT ${DuckDbStore.deviceColumns} FROM devices ORDER BY id`)).map((r) =>
      deviceSchema.parse(r),
    );
  }

  async assignDevice(a: Assignment): Promise<void> {
    await this.exec(
      `UPDATE assignments SET valid_to = ${toTs('?')} WHERE device_id = ? AND valid_to IS NULL AND valid_from < ${toTs('?')}`,
      [a.from, a.deviceId, a.from],
    );
    await this.exec(`INSERT OR REPLACE INTO assignments VALUES (?, ?, ${toTs('?')}, ${toTs('?')})`, [
      a.deviceId,
      a.subjectId,
      a.from,
      a.to,
    ]);
  }

  async assignmentsForDevice(deviceId: string): Promise<Assignment[]> {
    const rows = await this.rows(
      `SELECT device_id AS "deviceId", subject_id AS "subjectId", ${ts('valid_from')} AS "from", ${ts('valid_to')} AS "to"
       FROM assignments WHERE device_id = ? ORDER BY valid_from`,
      [deviceId],
    );
    return rows.map((r) => assignmentSchema.parse(r));
  }

  async putToken(t: ApiToken): Promise<void> {
    await this.exec(`INSERT OR REPLACE INTO api_tokens VALUES (?, ?, ?, ${toTs('?')}, ${toTs('?')})`, [
      t.tokenHash,
      t.name,
      t.role,
      t.createdAt,
      t.revokedAt,
    ]);
  }

  async findToken(tokenHash: string): Promise<ApiToken | null> {
    const [row] = await this.rows(
      `SELECT token_hash AS "tokenHash", name, role, ${ts('created_at')} AS "createdAt", ${ts('revoked_at')} AS "revokedAt"
       FROM api_tokens WHERE token_hash = ?`,
      [tokenHash],
    );
    return row ? apiTokenSchema.parse(row) : null;
  }

  async writeSamples(batch: SampleBatch): Promise<void> {
    const n = batch.t.length;
    if (n === 0) return;
    await this.serial(async () => {
      // The appender has no ON CONFLICT; stage the rows, then let the primary key drop repeats.
      await this.db.run('CREATE TEMP TABLE IF NOT EXISTS samples_stage AS SELECT * FROM samples LIMIT 0');
      const appender = await this.db.createAppender('samples_stage');
      const g = batch.gyro;
      for (let i = 0; i < n; i++) {
        appender.appendVarchar(batch.deviceId);
        appender.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round(batch.t[i]! * 1000))));
        appender.appendFloat(batch.ax[i]!);
        appender.appendFloat(batch.ay[i]!);
        appender.appendFloat(batch.az[i]!);
        if (g) {
          appender.appendFloat(g.gx[i]!);
          appender.appendFloat(g.gy[i]!);
          appender.appendFloat(g.gz[i]!);
        } else {
          appender.appendNull();
          appender.appendNull();
          appender.appendNull();
        }
        appender.endRow();
      }
      appender.closeSync();
      await this.db.run('BEGIN TRANSACTION');
      try {
        await this.db.run('INSERT OR IGNORE INTO samples SELECT * FROM samples_stage');
        await this.db.run('DELETE FROM samples_stage');
        await this.db.run('COMMIT');
      } catch (err) {
        await this.db.run('ROLLBACK');
        await this.db.run('DELETE FROM samples_stage');
        throw err;
      }
    });
  }

  async readSamples(deviceId: string, range: TimeRange): Promise<SampleBatch> {
    const rows = await this.rows(
      `SELECT ${ts('t')} AS t, ax, ay, az, gx, gy, gz FROM samples
       WHERE device_id = ? AND t >= ${toTs('?')} AND t < ${toTs('?')} ORDER BY t`,
      [deviceId, range.from, range.to],
    );
    const n = rows.length;
    const batch: SampleBatch = {
      deviceId,
      t: new Float64Array(n),
      ax: new Float32Array(n),
      ay: new Float32Array(n),
      az: new Float32Array(n),
    };
    const hasGyro = n > 0 && rows.every((r) => r.gx !== null);
    if (hasGyro) batch.gyro = { gx: new Float32Array(n), gy: new Float32Array(n), gz: new Float32Array(n) };
    rows.forEach((r, i) => {
      batch.t[i] = Number(r.t);
      batch.ax[i] = Number(r.ax);
      batch.ay[i] = Number(r.ay);
      batch.az[i] = Number(r.az);
      if (batch.gyro) {
        batch.gyro.gx[i] = Number(r.gx);
        batch.gyro.gy[i] = Number(r.gy);
        batch.gyro.gz[i] = Number(r.gz);
      }
    });
    return batch;
  }

  async writeEpochs(epochs: PostureEpoch[]): Promise<void> {
    if (epochs.length === 0) return;
    await this.serial(async () => {
      await this.db.run('BEGIN TRANSACTION');
      try {
        for (const e of epochs) {
          await this.db.run(`INSERT OR REPLACE INTO posture_epochs VALUES (?, ?, ${toTs('?')}, ?, ?, ?, ?, ?, ?, ?)`, [
            e.subjectId,
            e.deviceId,
            e.start,
            e.durationS,
            e.posture,
            e.confidence,
            e.sagittalDeg,
            e.frontalDeg,
            e.rollDeg,
            e.algorithm,
          ]);
        }
        await this.db.run('COMMIT');
      } catch (err) {
        await this.db.run('ROLLBACK');
        throw err;
      }
    });
  }

  async queryEpochs(subjectId: string, range: TimeRange): Promise<PostureEpoch[]> {
    const rows = await this.rows(
      `SELECT subject_id AS "subjectId", device_id AS "deviceId", ${ts('start')} AS start, duration_s AS "durationS",
              posture, confidence, sagittal_deg AS "sagittalDeg", frontal_deg AS "frontalDeg", roll_deg AS "rollDeg",
              algorithm
       FROM posture_epochs WHERE subject_id = ? AND start >= ${toTs('?')} AND start < ${toTs('?')}
       ORDER BY start, algorithm`,
      [subjectId, range.from, range.to],
    );
    return rows.map((r) => postureEpochSchema.parse(r));
  }
}
