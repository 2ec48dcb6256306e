// Embedded DuckDB adapter: one file under ./data by default, readable from R and Python (docs/storage.md).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { blobValue, type DuckDBConnection } from '@duckdb/node-api';
import {
  type ApiToken,
  type Assignment,
  type AuditEntry,
  apiTokenSchema,
  assignmentSchema,
  auditEntrySchema,
  type DeadLetter,
  type Device,
  deadLetterSchema,
  deviceSchema,
  type MorningRecord,
  morningRecordSchema,
  type NightRecord,
  nightRecordSchema,
  type PostureEpoch,
  postureEpochSchema,
  type StiffnessReport,
  type Subject,
  stiffnessReportSchema,
  subjectSchema,
  type User,
  userSchema,
} from '@restpose/protocol';
import { planAssignment, planEnd } from '../assignments.js';
import type {
  AuditQuery,
  DateRange,
  DayQuery,
  DeadLetterQuery,
  ExportQuery,
  SampleBatch,
  Store,
  SubjectFilter,
  SubjectSelector,
  TidyExport,
  TidyExportStream,
  TimeRange,
} from '../contract.js';
import { checkTimeRange } from '../dates.js';
import { StoreConflictError, StoreUnavailableError } from '../errors.js';
import { normalizeSampleBatches } from '../samples.js';
import { chunks, resolveSubjects } from '../selectors.js';
import { buildTidyExport, streamTidyExport } from '../tidy-export.js';
import { parseInput, parseInputs } from '../validate.js';
import { latestPerDay, sortDays } from '../versions.js';
import { dateValue, msOf, type Row, readRows, SerialConnection, tsValue } from './connection.js';
import { MIGRATIONS } from './migrations.js';
import { mergeSamples, selectSamples } from './sample-table.js';
import {
  ASSIGNMENT_COLUMNS,
  DEVICE_COLUMNS,
  EPOCH_COLUMNS,
  insertRows,
  json,
  parseJson,
  REPORT_COLUMNS,
  SUBJECT_COLUMNS,
  SUBJECTS_AND_DATES,
  subjectsAndDates,
  TOKEN_COLUMNS,
  toReport,
  USER_COLUMNS,
  VARCHAR_LIST,
} from './sql.js';

export interface DuckDbStoreOptions {
  /** Database file, or ':memory:'. */
  path: string;
}

type DayKind = 'nights' | 'mornings';
const DAY_SCHEMAS = { nights: nightRecordSchema, mornings: morningRecordSchema };
const METRICS_TABLES = { nights: 'night_metrics', mornings: 'morning_metrics' };
const DEFAULT_LIMIT = 1000;

export class DuckDbStore implements Store {
  readonly kind = 'duckdb' as const;

  private constructor(private readonly db: SerialConnection) {}

  static async open(options: DuckDbStoreOptions): Promise<DuckDbStore> {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    const connection = await SerialConnection.open(options.path).catch((err: Error) => {
      // Typically another process holds the file (DuckDB allows one writer process).
      throw new StoreUnavailableError(`DuckDB file ${options.path}: ${err.message}`, { cause: err });
    });
    const store = new DuckDbStore(connection);
    try {
      await store.migrate();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    await this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)',
    );
    const applied = new Set(
      (await this.db.rows('SELECT version FROM schema_migrations')).map((r) => Number(r.version)),
    );
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await this.db
        .transaction(async (db) => {
          await db.run(m.sql);
          await db.run('INSERT INTO schema_migrations VALUES (?, now())', [m.version]);
        })
        .catch((err: Error) => {
          throw new Error(`DuckDB migration ${m.version} (${m.description}) failed: ${err.message}`);
        });
    }
  }

  /** Versions of the migrations applied to this file. */
  async schemaVersions(): Promise<number[]> {
    return (await this.db.rows('SELECT version FROM schema_migrations ORDER BY version')).map((r) => Number(r.version));
  }

  async ping(): Promise<void> {
    await this.db.rows('SELECT 1');
  }

  close(): Promise<void> {
    return this.db.close();
  }

  // Registry

  async putUser(input: User): Promise<void> {
    const u = parseInput(userSchema, input, 'user');
    await this.db.exec('INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?, ?)', [
      u.id,
      u.name,
      u.role,
      tsValue(u.createdAt),
      tsValue(u.disabledAt),
    ]);
  }

  async getUser(id: string): Promise<User | null> {
    const [row] = await this.db.rows(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`, [id]);
    return row ? userSchema.parse(row) : null;
  }

  async listUsers(): Promise<User[]> {
    return (await this.db.rows(`SELECT ${USER_COLUMNS} FROM users ORDER BY id`)).map((r) => userSchema.parse(r));
  }

  async putToken(input: ApiToken): Promise<void> {
    const t = parseInput(apiTokenSchema, input, 'token');
    await this.db.transaction(async (db) => {
      if ((await readRows(db, 'SELECT 1 FROM users WHERE id = ?', [t.userId])).length === 0) {
        throw new StoreConflictError(`token.userId: user ${t.userId} does not exist`);
      }
      await db.run('INSERT OR REPLACE INTO api_tokens VALUES (?, ?, ?, ?, ?)', [
        t.tokenHash,
        t.userId,
        t.label,
        tsValue(t.createdAt),
        tsValue(t.revokedAt),
      ]);
    });
  }

  async findToken(tokenHash: string): Promise<ApiToken | null> {
    const [row] = await this.db.rows(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = ?`, [tokenHash]);
    return row ? apiTokenSchema.parse(row) : null;
  }

  async listTokens(userId: string): Promise<ApiToken[]> {
    const rows = await this.db.rows(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = ? ORDER BY created_at, token_hash`,
      [userId],
    );
    return rows.map((r) => apiTokenSchema.parse(r));
  }

  async revokeToken(tokenHash: string, at: number): Promise<boolean> {
    const rows = await this.db.rows(
      'UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL RETURNING token_hash',
      [tsValue(at), tokenHash],
    );
    return rows.length > 0;
  }

  async upsertSubject(input: Subject): Promise<void> {
    const s = parseInput(subjectSchema, input, 'subject');
    await this.db.transaction(async (db) => {
      const [clash] = await readRows(db, 'SELECT id FROM subjects WHERE study_code = ? AND id <> ?', [
        s.studyCode,
        s.id,
      ]);
      if (clash)
        throw new StoreConflictError(`subject.studyCode: ${s.studyCode} is already used by subject ${clash.id}`);
      await db.run(
        `INSERT INTO subjects (id, study_code, cohort, display_name, created_at, clinician_ids)
         VALUES (?, ?, ?, ?, ?, ${VARCHAR_LIST})
         ON CONFLICT (id) DO UPDATE SET study_code = excluded.study_code, cohort = excluded.cohort,
           display_name = excluded.display_name, clinician_ids = excluded.clinician_ids`,
        [s.id, s.studyCode, s.cohort, s.displayName, tsValue(s.createdAt), json(s.clinicianIds)],
      );
    });
  }

  async getSubject(id: string): Promise<Subject | null> {
    const [row] = await this.db.rows(`SELECT ${SUBJECT_COLUMNS} FROM subjects WHERE id = ?`, [id]);
    return row ? subjectSchema.parse(row) : null;
  }

  async listSubjects(filter: SubjectFilter = {}): Promise<Subject[]> {
    const rows = await this.db.rows(
      `SELECT ${SUBJECT_COLUMNS} FROM subjects
       WHERE (? IS NULL OR cohort = ?) AND (? IS NULL OR list_contains(clinician_ids, ?)) ORDER BY id`,
      [filter.cohort ?? null, filter.cohort ?? null, filter.clinicianId ?? null, filter.clinicianId ?? null],
    );
    return rows.map((r) => subjectSchema.parse(r));
  }

  async deleteSubject(id: string): Promise<boolean> {
    return this.db.transaction(async (db) => {
      const [open] = await readRows(db, 'SELECT device_id FROM assignments WHERE subject_id = ? AND valid_to IS NULL', [
        id,
      ]);
      if (open) throw new StoreConflictError(`subject ${id}: device ${open.device_id} is assigned; end that first`);
      return (await readRows(db, 'DELETE FROM subjects WHERE id = ? RETURNING id', [id])).length > 0;
    });
  }

  async upsertDevice(input: Device): Promise<void> {
    const d = parseInput(deviceSchema, input, 'device');
    await this.db.exec(
      'INSERT OR REPLACE INTO devices (id, secret_hash, created_at, revoked_at, mounting) VALUES (?, ?, ?, ?, ?)',
      [d.id, d.secretHash, tsValue(d.createdAt), tsValue(d.revokedAt), d.mounting === null ? null : json(d.mounting)],
    );
  }

  private static toDevice(row: Row): Device {
    return deviceSchema.parse({ ...row, mounting: parseJson(row.mounting) });
  }

  async getDevice(id: string): Promise<Device | null> {
    const [row] = await this.db.rows(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = ?`, [id]);
    return row ? DuckDbStore.toDevice(row) : null;
  }

  async listDevices(): Promise<Device[]> {
    return (await this.db.rows(`SELECT ${DEVICE_COLUMNS} FROM devices ORDER BY id`)).map(DuckDbStore.toDevice);
  }

  private static async history(db: DuckDBConnection, deviceId: string): Promise<Assignment[]> {
    const rows = await readRows(
      db,
      `SELECT ${ASSIGNMENT_COLUMNS} FROM assignments WHERE device_id = ? ORDER BY valid_from`,
      [deviceId],
    );
    return rows.map((r) => assignmentSchema.parse(r));
  }

  private static async putAssignments(db: DuckDBConnection, rows: Assignment[]): Promise<void> {
    for (const a of rows) {
      await db.run('INSERT OR REPLACE INTO assignments VALUES (?, ?, ?, ?)', [
        a.deviceId,
        a.subjectId,
        tsValue(a.from),
        tsValue(a.to),
      ]);
    }
  }

  async assignDevice(input: Assignment): Promise<void> {
    const a = parseInput(assignmentSchema, input, 'assignment');
    await this.db.transaction(async (db) => {
      if ((await readRows(db, 'SELECT 1 FROM devices WHERE id = ?', [a.deviceId])).length === 0) {
        throw new StoreConflictError(`assignment.deviceId: device ${a.deviceId} does not exist`);
      }
      if ((await readRows(db, 'SELECT 1 FROM subjects WHERE id = ?', [a.subjectId])).length === 0) {
        throw new StoreConflictError(`assignment.subjectId: subject ${a.subjectId} does not exist`);
      }
      await DuckDbStore.putAssignments(db, planAssignment(await DuckDbStore.history(db, a.deviceId), a));
    });
  }

  async endAssignment(deviceId: string, at: number): Promise<boolean> {
    return this.db.transaction(async (db) => {
      const ended = planEnd(await DuckDbStore.history(db, deviceId), at);
      if (ended) await DuckDbStore.putAssignments(db, [ended]);
      return ended !== null;
    });
  }

  async assignmentsForDevice(deviceId: string): Promise<Assignment[]> {
    return this.db.serial((db) => DuckDbStore.history(db, deviceId));
  }

  async assignmentsForSubject(subjectId: string): Promise<Assignment[]> {
    const rows = await this.db.rows(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM assignments WHERE subject_id = ? ORDER BY valid_from, device_id`,
      [subjectId],
    );
    return rows.map((r) => assignmentSchema.parse(r));
  }

  // Raw

  async writeSamples(input: SampleBatch | readonly SampleBatch[]): Promise<void> {
    const batches = normalizeSampleBatches(input);
    if (batches.length === 0) return;
    await this.db.transaction((db) => mergeSamples(db, batches));
  }

  async readSamples(deviceId: string, range: TimeRange): Promise<SampleBatch> {
    checkTimeRange(range);
    return this.db.serial((db) => selectSamples(db, deviceId, range));
  }

  async writeDeadLetter(input: DeadLetter): Promise<void> {
    const d = parseInput(deadLetterSchema, input, 'deadLetter');
    await this.db.exec(
      `INSERT INTO dead_letters (received_at, device_id, topic, code, reason, payload) VALUES (?, ?, ?, ?, ?, ?)`,
      [tsValue(d.receivedAt), d.deviceId, d.topic, d.code, d.reason, blobValue(Buffer.from(d.payload, 'base64'))],
    );
  }

  async queryDeadLetters(query: DeadLetterQuery): Promise<DeadLetter[]> {
    checkTimeRange(query.range);
    const rows = await this.db.rows(
      `SELECT ${msOf('received_at')} AS "receivedAt", device_id AS "deviceId", topic, code, reason, payload
       FROM dead_letters WHERE (? IS NULL OR device_id = ?) AND received_at >= ? AND received_at < ?
       ORDER BY received_at, seq LIMIT ?`,
      [
        query.deviceId ?? null,
        query.deviceId ?? null,
        tsValue(query.range.from),
        tsValue(query.range.to),
        query.limit ?? DEFAULT_LIMIT,
      ],
    );
    return rows.map((r) =>
      deadLetterSchema.parse({ ...r, payload: Buffer.from(r.payload as Uint8Array).toString('base64') }),
    );
  }

  // Derived

  async writeEpochs(input: readonly PostureEpoch[]): Promise<void> {
    const epochs = parseInputs(postureEpochSchema, input, 'epochs');
    if (epochs.length === 0) return;
    const rows = epochs.map((e) => [
      e.subjectId,
      e.deviceId,
      tsValue(e.start),
      e.durationS,
      e.posture,
      e.confidence,
      e.sagittalDeg,
      e.frontalDeg,
      e.rollDeg,
      e.algorithm,
    ]);
    await this.db.transaction((db) => insertRows(db, 'INSERT OR REPLACE INTO posture_epochs VALUES', rows));
  }

  async queryEpochs(
    subjectId: string,
    range: TimeRange,
    options: { algorithm?: string } = {},
  ): Promise<PostureEpoch[]> {
    checkTimeRange(range);
    const rows = await this.db.rows(
      `SELECT ${EPOCH_COLUMNS} FROM posture_epochs
       WHERE subject_id = ? AND start >= ? AND start < ? AND (? IS NULL OR algorithm = ?)
       ORDER BY start, algorithm`,
      [subjectId, tsValue(range.from), tsValue(range.to), options.algorithm ?? null, options.algorithm ?? null],
    );
    return rows.map((r) => postureEpochSchema.parse(r));
  }

  private async writeDays(kind: DayKind, input: readonly NightRecord[]): Promise<void> {
    // Later records of the same key win, as if each were written after the one before.
    const latest = new Map<string, NightRecord>();
    for (const r of parseInputs(DAY_SCHEMAS[kind], input, kind)) {
      latest.set(`${r.subjectId}\u0000${r.date}\u0000${r.algorithm}`, r);
    }
    const records = [...latest.values()];
    if (records.length === 0) return;
    const keyOf = (r: NightRecord) => [r.subjectId, dateValue(r.date), r.algorithm];
    // A whole batch in a few statements: a year of nights is written in one call when an analysis is re-run.
    await this.db.transaction(async (db) => {
      const heads = records.map((r) => [
        ...keyOf(r),
        tsValue(r.start),
        tsValue(r.end),
        tsValue(r.computedAt),
        json(r.detail),
      ]);
      await insertRows(db, `INSERT OR REPLACE INTO ${kind} VALUES`, heads);
      for (const part of chunks(records, 200)) {
        await db.run(
          `DELETE FROM ${METRICS_TABLES[kind]} WHERE (subject_id, date, algorithm) IN (${part.map(() => '(?, ?, ?)').join(', ')})`,
          part.flatMap(keyOf),
        );
      }
      const metrics = records.flatMap((r) =>
        Object.entries(r.metrics).map(([name, value]) => [...keyOf(r), name, value]),
      );
      await insertRows(db, `INSERT INTO ${METRICS_TABLES[kind]} VALUES`, metrics);
    });
  }

  private async queryDays(kind: DayKind, query: DayQuery): Promise<NightRecord[]> {
    const subjectIds = await resolveSubjects(this, query);
    if (subjectIds.length === 0) return [];
    const where = `${SUBJECTS_AND_DATES} AND (? IS NULL OR algorithm = ?)`;
    const algorithm = query.algorithm ?? null;
    const params = [...subjectsAndDates(subjectIds, query.dates), algorithm, algorithm];
    // One row per record: the long-form metrics gathered into a JSON object by the database, which is much faster
    // than a row per metric for a cohort's year of nights.
    const rows = await this.db.rows(
      `SELECT h.subject_id, CAST(h.date AS VARCHAR) AS date, h.algorithm, ${msOf('h.start_at')} AS start,
         ${msOf('h.end_at')} AS "end", ${msOf('h.computed_at')} AS computed_at,
         ${query.detail === false ? "'{}'" : 'h.detail'} AS detail, m.metrics
       FROM (SELECT * FROM ${kind} WHERE ${where}) h LEFT JOIN (
         SELECT subject_id, date, algorithm, CAST(json_group_object(metric, value) AS VARCHAR) AS metrics
         FROM ${METRICS_TABLES[kind]} WHERE ${where} GROUP BY subject_id, date, algorithm
       ) m ON m.subject_id = h.subject_id AND m.date = h.date AND m.algorithm = h.algorithm`,
      [...params, ...params],
    );
    const records = rows.map((r) =>
      DAY_SCHEMAS[kind].parse({
        subjectId: r.subject_id,
        date: r.date,
        algorithm: r.algorithm,
        start: r.start,
        end: r.end,
        computedAt: r.computed_at,
        metrics: r.metrics === null ? {} : JSON.parse(String(r.metrics)),
        detail: parseJson(r.detail),
      }),
    );
    return query.algorithm === undefined ? latestPerDay(records) : sortDays(records);
  }

  writeNights(nights: readonly NightRecord[]): Promise<void> {
    return this.writeDays('nights', nights);
  }

  queryNights(query: DayQuery): Promise<NightRecord[]> {
    return this.queryDays('nights', query);
  }

  writeMornings(mornings: readonly MorningRecord[]): Promise<void> {
    return this.writeDays('mornings', mornings);
  }

  queryMornings(query: DayQuery): Promise<MorningRecord[]> {
    return this.queryDays('mornings', query);
  }

  // Reports

  async upsertStiffnessReport(input: StiffnessReport): Promise<{ created: boolean; report: StiffnessReport }> {
    const r = parseInput(stiffnessReportSchema, input, 'report');
    return this.db.transaction(async (db) => {
      const [existing] = await readRows(
        db,
        `SELECT ${msOf('created_at')} AS created_at FROM stiffness_reports WHERE subject_id = ? AND date = ?`,
        [r.subjectId, dateValue(r.date)],
      );
      const report = { ...r, createdAt: existing ? Number(existing.created_at) : r.createdAt };
      const f = report.redFlags;
      await db.run('INSERT OR REPLACE INTO stiffness_reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        report.subjectId,
        dateValue(report.date),
        report.severity,
        report.durationMin,
        report.pain,
        report.note,
        f.nightPainUnchangedByMovement,
        f.progressiveNeurologicalSymptoms,
        f.unexplainedWeightLoss,
        f.fever,
        report.source,
        tsValue(report.createdAt),
        tsValue(report.updatedAt),
      ]);
      return { created: !existing, report };
    });
  }

  async getStiffnessReport(subjectId: string, date: string): Promise<StiffnessReport | null> {
    const [row] = await this.db.rows(
      `SELECT ${REPORT_COLUMNS} FROM stiffness_reports WHERE subject_id = ? AND date = ?`,
      [subjectId, dateValue(date)],
    );
    return row ? toReport(row) : null;
  }

  async queryStiffnessReports(query: SubjectSelector & { dates: DateRange }): Promise<StiffnessReport[]> {
    const subjectIds = await resolveSubjects(this, query);
    if (subjectIds.length === 0) return [];
    const rows = await this.db.rows(
      `SELECT ${REPORT_COLUMNS} FROM stiffness_reports
       WHERE ${SUBJECTS_AND_DATES} ORDER BY subject_id, date`,
      subjectsAndDates(subjectIds, query.dates),
    );
    return rows.map(toReport);
  }

  async deleteStiffnessReport(subjectId: string, date: string): Promise<boolean> {
    const rows = await this.db.rows('DELETE FROM stiffness_reports WHERE subject_id = ? AND date = ? RETURNING 1', [
      subjectId,
      dateValue(date),
    ]);
    return rows.length > 0;
  }

  // Audit

  async appendAudit(input: AuditEntry | readonly AuditEntry[]): Promise<void> {
    const entries = Array.isArray(input)
      ? parseInputs(auditEntrySchema, input, 'audit')
      : [parseInput(auditEntrySchema, input, 'audit')];
    if (entries.length === 0) return;
    // One statement keeps the entries in order (seq) and all-or-nothing.
    await this.db.transaction((db) =>
      insertRows(
        db,
        'INSERT INTO audit_log (occurred_at, actor, action, subject_id, detail) VALUES',
        entries.map((e) => [tsValue(e.at), e.actor, e.action, e.subjectId, json(e.detail)]),
      ),
    );
  }

  async queryAudit(query: AuditQuery): Promise<AuditEntry[]> {
    if (query.range) checkTimeRange(query.range);
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    const rows = await this.db.rows(
      `SELECT ${msOf('occurred_at')} AS at, actor, action, subject_id AS "subjectId", detail FROM audit_log
       WHERE (? IS NULL OR subject_id = ?) AND (? IS NULL OR actor = ?)
         AND (? IS NULL OR occurred_at >= ?) AND (? IS NULL OR occurred_at < ?)
       ORDER BY occurred_at ${order}, seq ${order} LIMIT ?`,
      [
        query.subjectId ?? null,
        query.subjectId ?? null,
        query.actor ?? null,
        query.actor ?? null,
        tsValue(query.range?.from ?? null),
        tsValue(query.range?.from ?? null),
        tsValue(query.range?.to ?? null),
        tsValue(query.range?.to ?? null),
        query.limit ?? DEFAULT_LIMIT,
      ],
    );
    return rows.map((r) => auditEntrySchema.parse({ ...r, detail: parseJson(r.detail) }));
  }

  exportNights(query: ExportQuery): Promise<TidyExport> {
    return buildTidyExport(this, query);
  }

  streamNights(query: ExportQuery): Promise<TidyExportStream> {
    return streamTidyExport(this, query);
  }
}
