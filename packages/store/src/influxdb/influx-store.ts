// InfluxDB adapter over the 1.x HTTP API (the `influx` client): raw samples in a retention policy of their own,
// everything else kept, so that a deployment backs up one database (docs/storage.md).
//
// Current state is read back from points: registry records and reports are one point per key at a fixed time,
// rewritten on every change (InfluxDB keeps the last point written per series and time), with the whole record as a
// JSON field; deletions rewrite the point as a tombstone. Only writes and SELECTs are used after start-up.

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
import { InfluxDB, type IPoint } from 'influx';
import type { z } from 'zod';
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
import { checkTimeRange, dateRangeToMs, dateToMs } from '../dates.js';
import { StoreConflictError, StoreInputError, StoreRequestError, StoreUnavailableError } from '../errors.js';
import { normalizeSampleBatches, SampleCollector } from '../samples.js';
import { chunks, resolveSubjects } from '../selectors.js';
import { buildTidyExport, streamTidyExport } from '../tidy-export.js';
import { parseInput, parseInputs } from '../validate.js';
import { latestPerDay, sortDays } from '../versions.js';
import { anyOf, type RawResults, type Row, rowsOf } from './influxql.js';
import { type FieldValue, jsonFields, readJsonField } from './json-fields.js';
import { dayFromRow, dayPoint, epochFromRow, epochPoint, sampleBodies } from './points.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from './retry.js';
import { FOREVER_RP, MEASUREMENTS, type Measurement, RAW_RP, reportedHours, retentionHours } from './schema.js';
import { nsLiteral, UniqueTime } from './unique-time.js';

export interface InfluxStoreOptions {
  /** Base URL of the 1.x HTTP API, e.g. http://influxdb:8086. */
  url: string;
  database: string;
  username?: string;
  password?: string;
  /** How long raw samples and dead letters are kept: "90d", "12w", "720h" or "INF". */
  rawRetention: string;
  retry?: Partial<RetryPolicy>;
  /** A request not answered within this long counts as failed (and is retried). */
  requestTimeoutMs?: number;
  /** Points per line-protocol request. */
  pointsPerWrite?: number;
}

const DATABASE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const DEFAULT_LIMIT = 1000;
const SAMPLE_PAGE = 50_000;
const SUBJECTS_PER_QUERY = 100;
/** The influx client takes a host out of its pool after a failure; retries are ours, so it never should. */
const KEEP_HOST = { getDelay: () => 0, next: () => KEEP_HOST, reset: () => KEEP_HOST };
/** Tombstone of a record kept as one point per key. */
const DELETED: Record<string, FieldValue> = { deleted: true, doc: '', doc_parts: 0 };

export class InfluxStore implements Store {
  readonly kind = 'influxdb' as const;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly auditTimes = new UniqueTime();
  private readonly letterTimes = new UniqueTime();

  private constructor(
    private readonly client: InfluxDB,
    private readonly database: string,
    private readonly retry: RetryPolicy,
    private readonly pointsPerWrite: number,
    private readonly timeoutMs: number,
    /** Base URL for the sample writes, which bypass the client (see writeSamples). */
    private readonly baseUrl: string,
    private readonly credentials: { username: string; password: string } | null,
  ) {}

  static async open(options: InfluxStoreOptions): Promise<InfluxStore> {
    if (!DATABASE_NAME.test(options.database)) {
      throw new StoreInputError(
        `database ${JSON.stringify(options.database)}: expected 1-64 letters, digits, "_" or "-"`,
      );
    }
    const hours = retentionHours(options.rawRetention);
    if (hours === null) {
      throw new StoreInputError(
        `rawRetention ${JSON.stringify(options.rawRetention)}: expected e.g. 90d, 12w, 720h or INF`,
      );
    }
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new StoreInputError(`url ${JSON.stringify(options.url)}: expected http(s)://host:port`);
    }
    const timeoutMs = options.requestTimeoutMs ?? 10_000;
    const client = new InfluxDB({
      hosts: [
        {
          host: url.hostname,
          port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
          protocol: url.protocol === 'https:' ? 'https' : 'http',
          path: url.pathname === '/' ? '' : url.pathname,
        },
      ],
      database: options.database,
      username: options.username,
      password: options.password,
      pool: { maxRetries: 0, requestTimeout: timeoutMs, backoff: KEEP_HOST },
    });
    const store = new InfluxStore(
      client,
      options.database,
      { ...DEFAULT_RETRY, ...options.retry },
      options.pointsPerWrite ?? 5000,
      timeoutMs,
      url.href.replace(/\/$/, ''),
      options.username ? { username: options.username, password: options.password ?? '' } : null,
    );
    await store.setup(options.rawRetention, hours);
    return store;
  }

  /** Creates the database and its retention policies, or brings the raw period in line with the configuration. */
  private async setup(rawRetention: string, hours: number): Promise<void> {
    const db = `"${this.database}"`;
    await this.select('create the database', `CREATE DATABASE ${db}`);
    const policies = await this.select('list retention policies', `SHOW RETENTION POLICIES ON ${db}`);
    const raw = policies.find((p) => p.name === RAW_RP);
    if (!raw) {
      await this.select(
        'create the raw retention policy',
        `CREATE RETENTION POLICY "${RAW_RP}" ON ${db} DURATION ${rawRetention} REPLICATION 1`,
      );
    } else if (reportedHours(String(raw.duration)) !== hours) {
      await this.select(
        'change the raw retention period',
        `ALTER RETENTION POLICY "${RAW_RP}" ON ${db} DURATION ${rawRetention}`,
      );
    }
    if (!policies.some((p) => p.name === FOREVER_RP)) {
      await this.select(
        'create the forever retention policy',
        `CREATE RETENTION POLICY "${FOREVER_RP}" ON ${db} DURATION INF REPLICATION 1 DEFAULT`,
      );
    }
  }

  /** The raw retention period as InfluxDB reports it, in hours (0 for INF). */
  async rawRetentionHours(): Promise<number> {
    const policies = await this.select('list retention policies', `SHOW RETENTION POLICIES ON "${this.database}"`);
    return reportedHours(String(policies.find((p) => p.name === RAW_RP)?.duration));
  }

  // Plumbing

  private async select(
    what: string,
    query: string,
    params: Record<string, string | number> = {},
    epoch: 'ms' | 'u' = 'ms',
  ): Promise<Row[]> {
    const raw = await withRetry(what, this.retry, () =>
      this.client.queryRaw(query, { database: this.database, precision: epoch, placeholders: params, method: 'POST' }),
    );
    return rowsOf(raw as RawResults, (message) => new StoreRequestError(`InfluxDB refused ${what}: ${message}`, 400));
  }

  private from(m: Measurement): string {
    return `"${this.database}"."${m.rp}"."${m.name}"`;
  }

  /**
   * Posts the points in requests of pointsPerWrite, two at a time: while InfluxDB takes one, the client encodes the
   * next. On failure, waits for the other request before reporting the first error.
   */
  private async write(what: string, m: Measurement, points: IPoint[], precision: 'ms' | 'u' | 'n' = 'ms') {
    await this.twoInFlight(
      what,
      chunks(points, this.pointsPerWrite).map(
        (part) => () => this.client.writePoints(part, { database: this.database, retentionPolicy: m.rp, precision }),
      ),
    );
  }

  /** Runs the requests in order, each with retries, the next one sent while the previous is answered. */
  private async twoInFlight(what: string, requests: Array<() => Promise<void>>): Promise<void> {
    let previous: Promise<void> = Promise.resolve();
    for (const send of requests) {
      const request = withRetry(what, this.retry, send);
      request.catch(() => undefined); // handled below; this keeps a failure while waiting from being "unhandled"
      try {
        await previous;
      } catch (err) {
        await request.catch(() => undefined);
        throw err;
      }
      previous = request;
    }
    await previous;
  }

  /** Runs read-modify-write work one at a time within this process. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async putDoc(what: string, m: Measurement, tags: Record<string, string>, doc: unknown, extra = {}) {
    await this.write(what, m, [
      { measurement: m.name, tags, fields: { ...extra, ...jsonFields('doc', doc) }, timestamp: '0' },
    ]);
  }

  private async tombstone(what: string, m: Measurement, tags: Record<string, string>, timestamp = '0') {
    await this.write(what, m, [{ measurement: m.name, tags, fields: DELETED, timestamp }]);
  }

  /** Records of a measurement kept as JSON documents, skipping tombstones. */
  private async docs<T>(
    what: string,
    m: Measurement,
    schema: z.ZodType<T>,
    where = '',
    params: Record<string, string> = {},
  ): Promise<T[]> {
    const rows = await this.select(what, `SELECT * FROM ${this.from(m)}${where ? ` WHERE ${where}` : ''}`, params);
    return rows.flatMap((row) => {
      const doc = row.deleted === true ? undefined : readJsonField(row, 'doc');
      return doc === undefined ? [] : [schema.parse(doc)];
    });
  }

  async ping(): Promise<void> {
    const [host] = await this.client.ping(this.timeoutMs);
    if (!host?.online) throw new StoreUnavailableError(`InfluxDB at ${host?.url.host ?? '?'} does not answer /ping`);
  }

  async close(): Promise<void> {
    await this.queue;
  }

  // Registry

  async putUser(input: User): Promise<void> {
    const u = parseInput(userSchema, input, 'user');
    await this.putDoc('write user', MEASUREMENTS.users, { id: u.id }, u);
  }

  async getUser(id: string): Promise<User | null> {
    const [u] = await this.docs('read user', MEASUREMENTS.users, userSchema, '"id" = $id', { id });
    return u ?? null;
  }

  async listUsers(): Promise<User[]> {
    const users = await this.docs('list users', MEASUREMENTS.users, userSchema);
    return users.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async putToken(input: ApiToken): Promise<void> {
    const t = parseInput(apiTokenSchema, input, 'token');
    if (!(await this.getUser(t.userId))) throw new StoreConflictError(`token.userId: user ${t.userId} does not exist`);
    await this.putDoc('write token', MEASUREMENTS.tokens, { token_hash: t.tokenHash }, t, { user_id: t.userId });
  }

  async findToken(tokenHash: string): Promise<ApiToken | null> {
    const [t] = await this.docs('read token', MEASUREMENTS.tokens, apiTokenSchema, '"token_hash" = $h', {
      h: tokenHash,
    });
    return t ?? null;
  }

  async listTokens(userId: string): Promise<ApiToken[]> {
    const tokens = await this.docs('list tokens', MEASUREMENTS.tokens, apiTokenSchema, '"user_id" = $u', {
      u: userId,
    });
    return tokens.sort((a, b) => a.createdAt - b.createdAt || (a.tokenHash < b.tokenHash ? -1 : 1));
  }

  async revokeToken(tokenHash: string, at: number): Promise<boolean> {
    return this.exclusive(async () => {
      const token = await this.findToken(tokenHash);
      if (!token || token.revokedAt !== null) return false;
      await this.putDoc(
        'revoke token',
        MEASUREMENTS.tokens,
        { token_hash: tokenHash },
        { ...token, revokedAt: at },
        {
          user_id: token.userId,
        },
      );
      return true;
    });
  }

  async upsertSubject(input: Subject): Promise<void> {
    const s = parseInput(subjectSchema, input, 'subject');
    return this.exclusive(async () => {
      const clash = (await this.listSubjects()).find((o) => o.studyCode === s.studyCode && o.id !== s.id);
      if (clash)
        throw new StoreConflictError(`subject.studyCode: ${s.studyCode} is already used by subject ${clash.id}`);
      await this.putDoc('write subject', MEASUREMENTS.subjects, { id: s.id }, s, { deleted: false });
    });
  }

  async getSubject(id: string): Promise<Subject | null> {
    const [s] = await this.docs('read subject', MEASUREMENTS.subjects, subjectSchema, '"id" = $id', { id });
    return s ?? null;
  }

  async listSubjects(filter: SubjectFilter = {}): Promise<Subject[]> {
    const subjects = await this.docs('list subjects', MEASUREMENTS.subjects, subjectSchema);
    return subjects
      .filter((s) => filter.cohort === undefined || s.cohort === filter.cohort)
      .filter((s) => filter.clinicianId === undefined || s.clinicianIds.includes(filter.clinicianId))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async deleteSubject(id: string): Promise<boolean> {
    return this.exclusive(async () => {
      if (!(await this.getSubject(id))) return false;
      const open = (await this.assignmentsForSubject(id)).find((a) => a.to === null);
      if (open) throw new StoreConflictError(`subject ${id}: device ${open.deviceId} is assigned; end that first`);
      await this.tombstone('delete subject', MEASUREMENTS.subjects, { id });
      return true;
    });
  }

  async upsertDevice(input: Device): Promise<void> {
    const d = parseInput(deviceSchema, input, 'device');
    await this.putDoc('write device', MEASUREMENTS.devices, { id: d.id }, d);
  }

  async getDevice(id: string): Promise<Device | null> {
    const [d] = await this.docs('read device', MEASUREMENTS.devices, deviceSchema, '"id" = $id', { id });
    return d ?? null;
  }

  async listDevices(): Promise<Device[]> {
    const devices = await this.docs('list devices', MEASUREMENTS.devices, deviceSchema);
    return devices.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  private async putAssignments(rows: Assignment[]): Promise<void> {
    const m = MEASUREMENTS.assignments;
    const points = rows.map((a) => ({
      measurement: m.name,
      tags: { device: a.deviceId },
      fields: { subject: a.subjectId, ...jsonFields('doc', a) },
      timestamp: String(a.from),
    }));
    await this.write('write assignments', m, points);
  }

  private static byStart(a: Assignment, b: Assignment): number {
    return a.from - b.from || (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0);
  }

  async assignDevice(input: Assignment): Promise<void> {
    const a = parseInput(assignmentSchema, input, 'assignment');
    return this.exclusive(async () => {
      if (!(await this.getDevice(a.deviceId))) {
        throw new StoreConflictError(`assignment.deviceId: device ${a.deviceId} does not exist`);
      }
      if (!(await this.getSubject(a.subjectId))) {
        throw new StoreConflictError(`assignment.subjectId: subject ${a.subjectId} does not exist`);
      }
      await this.putAssignments(planAssignment(await this.assignmentsForDevice(a.deviceId), a));
    });
  }

  async endAssignment(deviceId: string, at: number): Promise<boolean> {
    return this.exclusive(async () => {
      const ended = planEnd(await this.assignmentsForDevice(deviceId), at);
      if (ended) await this.putAssignments([ended]);
      return ended !== null;
    });
  }

  async assignmentsForDevice(deviceId: string): Promise<Assignment[]> {
    const rows = await this.docs('read assignments', MEASUREMENTS.assignments, assignmentSchema, '"device" = $d', {
      d: deviceId,
    });
    return rows.sort(InfluxStore.byStart);
  }

  async assignmentsForSubject(subjectId: string): Promise<Assignment[]> {
    const rows = await this.docs('read assignments', MEASUREMENTS.assignments, assignmentSchema, '"subject" = $s', {
      s: subjectId,
    });
    return rows.sort(InfluxStore.byStart);
  }

  // Raw

  async writeSamples(input: SampleBatch | readonly SampleBatch[]): Promise<void> {
    const m = MEASUREMENTS.samples;
    const bodies = sampleBodies(m.name, normalizeSampleBatches(input), this.pointsPerWrite);
    await this.twoInFlight(
      'write samples',
      bodies.map(
        ({ precision, body }) =>
          () =>
            this.postLines(m, body, precision),
      ),
    );
  }

  /** POSTs line protocol to /write; failures look like the client's, so the retry policy classifies them alike. */
  private async postLines(m: Measurement, body: Uint8Array, precision: 'ms' | 'u'): Promise<void> {
    const query = new URLSearchParams({ db: this.database, rp: m.rp, precision });
    if (this.credentials) {
      query.set('u', this.credentials.username);
      query.set('p', this.credentials.password);
    }
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/write?${query}`, {
        method: 'POST',
        // Bodies are Buffers over plain ArrayBuffers; the DOM typing some dependencies pull in wants that said.
        body: body as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
      const code = (err as Error).name === 'TimeoutError' ? 'ETIMEDOUT' : (cause?.code ?? 'ECONNRESET');
      throw Object.assign(new Error(`${(err as Error).message}: ${cause?.message ?? code}`), { code });
    }
    if (res.status === 204) return;
    const text = await res.text();
    throw Object.assign(new Error(`A ${res.status} ${res.statusText} error occurred: ${text}`), {
      res: { statusCode: res.status },
    });
  }

  async readSamples(deviceId: string, range: TimeRange): Promise<SampleBatch> {
    checkTimeRange(range);
    const collector = new SampleCollector();
    const end = nsLiteral(range.to);
    let cursor = nsLiteral(range.from);
    for (;;) {
      const rows = await this.select(
        'read samples',
        `SELECT * FROM ${this.from(MEASUREMENTS.samples)} WHERE "device" = $d AND time >= ${cursor} AND time < ${end}
         ORDER BY time ASC LIMIT ${SAMPLE_PAGE}`,
        { d: deviceId },
        'u',
      );
      const gyro = (v: unknown) => (typeof v === 'number' ? v : null);
      for (const r of rows) {
        collector.push(
          Number(r.time) / 1000,
          Number(r.ax),
          Number(r.ay),
          Number(r.az),
          gyro(r.gx),
          gyro(r.gy),
          gyro(r.gz),
        );
      }
      if (rows.length < SAMPLE_PAGE) break;
      cursor = ((BigInt(rows[rows.length - 1]!.time as number) + 1n) * 1000n).toString();
    }
    return collector.batch(deviceId);
  }

  async writeDeadLetter(input: DeadLetter): Promise<void> {
    const d = parseInput(deadLetterSchema, input, 'deadLetter');
    const m = MEASUREMENTS.deadLetters;
    const point: IPoint = {
      measurement: m.name,
      tags: d.deviceId === null ? {} : { device: d.deviceId },
      fields: { received_at: d.receivedAt, code: d.code, ...jsonFields('letter', d) },
      timestamp: this.letterTimes.next(d.receivedAt),
    };
    await this.write('write dead letter', m, [point], 'n');
  }

  async queryDeadLetters(query: DeadLetterQuery): Promise<DeadLetter[]> {
    checkTimeRange(query.range);
    const params: Record<string, string> = {};
    const device = query.deviceId === undefined ? '' : ' AND "device" = $d';
    if (query.deviceId !== undefined) params.d = query.deviceId;
    const rows = await this.select(
      'read dead letters',
      `SELECT * FROM ${this.from(MEASUREMENTS.deadLetters)}
       WHERE time >= ${nsLiteral(query.range.from)} AND time < ${nsLiteral(query.range.to)}${device}
       ORDER BY time ASC LIMIT ${Math.max(1, Math.floor(query.limit ?? DEFAULT_LIMIT))}`,
      params,
    );
    return rows.map((r) => deadLetterSchema.parse(readJsonField(r, 'letter')));
  }

  // Derived

  async writeEpochs(input: readonly PostureEpoch[]): Promise<void> {
    const epochs = parseInputs(postureEpochSchema, input, 'epochs');
    const m = MEASUREMENTS.epochs;
    const points = epochs.map((e) => epochPoint(m.name, e));
    await this.write('write epochs', m, points);
  }

  async queryEpochs(
    subjectId: string,
    range: TimeRange,
    options: { algorithm?: string } = {},
  ): Promise<PostureEpoch[]> {
    checkTimeRange(range);
    const params: Record<string, string> = { s: subjectId };
    if (options.algorithm !== undefined) params.a = options.algorithm;
    const rows = await this.select(
      'read epochs',
      `SELECT * FROM ${this.from(MEASUREMENTS.epochs)} WHERE "subject" = $s
       AND time >= ${nsLiteral(range.from)} AND time < ${nsLiteral(range.to)}${options.algorithm === undefined ? '' : ' AND "algorithm" = $a'}`,
      params,
    );
    const epochs = rows.map(epochFromRow);
    return epochs.sort((a, b) => a.start - b.start || (a.algorithm < b.algorithm ? -1 : 1));
  }

  private async writeDays(kind: 'nights' | 'mornings', input: readonly NightRecord[]): Promise<void> {
    const records = parseInputs(kind === 'nights' ? nightRecordSchema : morningRecordSchema, input, kind);
    const m = MEASUREMENTS[kind];
    const points = records.map((r) => dayPoint(m.name, r));
    await this.write(`write ${kind}`, m, points);
  }

  private async queryDays(kind: 'nights' | 'mornings', query: DayQuery): Promise<NightRecord[]> {
    const { from, to } = dateRangeToMs(query.dates);
    const records: NightRecord[] = [];
    for (const subjectIds of chunks(await resolveSubjects(this, query), SUBJECTS_PER_QUERY)) {
      const params: Record<string, string> = {};
      const subjects = anyOf('subject', subjectIds, params);
      if (query.algorithm !== undefined) params.algorithm = query.algorithm;
      const rows = await this.select(
        `read ${kind}`,
        `SELECT * FROM ${this.from(MEASUREMENTS[kind])} WHERE (${subjects}) AND time >= ${from}ms AND time < ${to}ms
         ${query.algorithm === undefined ? '' : 'AND "algorithm" = $algorithm'}`,
        params,
      );
      records.push(...rows.map((r) => dayFromRow(r, query.detail !== false)));
    }
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
    return this.exclusive(async () => {
      const existing = await this.getStiffnessReport(r.subjectId, r.date);
      const report = { ...r, createdAt: existing?.createdAt ?? r.createdAt };
      const m = MEASUREMENTS.stiffness;
      const fields = {
        severity: r.severity,
        duration_min: r.durationMin,
        deleted: false,
        ...jsonFields('doc', report),
      };
      await this.write('write stiffness report', m, [
        { measurement: m.name, tags: { subject: r.subjectId }, fields, timestamp: String(dateToMs(r.date)) },
      ]);
      return { created: !existing, report };
    });
  }

  async getStiffnessReport(subjectId: string, date: string): Promise<StiffnessReport | null> {
    const [r] = await this.docs(
      'read stiffness report',
      MEASUREMENTS.stiffness,
      stiffnessReportSchema,
      `"subject" = $s AND time = ${dateToMs(date)}ms`,
      { s: subjectId },
    );
    return r ?? null;
  }

  async queryStiffnessReports(query: SubjectSelector & { dates: DateRange }): Promise<StiffnessReport[]> {
    const { from, to } = dateRangeToMs(query.dates);
    const reports: StiffnessReport[] = [];
    for (const subjectIds of chunks(await resolveSubjects(this, query), SUBJECTS_PER_QUERY)) {
      const params: Record<string, string> = {};
      const where = `(${anyOf('subject', subjectIds, params)}) AND time >= ${from}ms AND time < ${to}ms`;
      reports.push(
        ...(await this.docs('read stiffness reports', MEASUREMENTS.stiffness, stiffnessReportSchema, where, params)),
      );
    }
    return reports.sort((a, b) =>
      a.subjectId !== b.subjectId ? (a.subjectId < b.subjectId ? -1 : 1) : a.date < b.date ? -1 : 1,
    );
  }

  async deleteStiffnessReport(subjectId: string, date: string): Promise<boolean> {
    return this.exclusive(async () => {
      if (!(await this.getStiffnessReport(subjectId, date))) return false;
      await this.tombstone(
        'delete stiffness report',
        MEASUREMENTS.stiffness,
        { subject: subjectId },
        String(dateToMs(date)),
      );
      return true;
    });
  }

  // Audit

  async appendAudit(input: AuditEntry | readonly AuditEntry[]): Promise<void> {
    const entries = Array.isArray(input)
      ? parseInputs(auditEntrySchema, input, 'audit')
      : [parseInput(auditEntrySchema, input, 'audit')];
    if (entries.length === 0) return;
    const m = MEASUREMENTS.audit;
    const points = entries.map((e) => ({
      measurement: m.name,
      tags: { actor: e.actor },
      fields: { action: e.action, subject: e.subjectId ?? '', ...jsonFields('doc', e) },
      timestamp: this.auditTimes.next(e.at),
    }));
    await this.write('append audit entries', m, points, 'n');
  }

  async queryAudit(query: AuditQuery): Promise<AuditEntry[]> {
    const params: Record<string, string> = {};
    const where: string[] = [];
    if (query.subjectId !== undefined) {
      params.s = query.subjectId;
      where.push('"subject" = $s');
    }
    if (query.actor !== undefined) {
      params.a = query.actor;
      where.push('"actor" = $a');
    }
    if (query.range) {
      checkTimeRange(query.range);
      where.push(`time >= ${nsLiteral(query.range.from)} AND time < ${nsLiteral(query.range.to)}`);
    }
    const rows = await this.select(
      'read audit log',
      `SELECT * FROM ${this.from(MEASUREMENTS.audit)}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}
       ORDER BY time ${query.order === 'desc' ? 'DESC' : 'ASC'} LIMIT ${Math.max(1, Math.floor(query.limit ?? DEFAULT_LIMIT))}`,
      params,
    );
    return rows.map((r) => auditEntrySchema.parse(readJsonField(r, 'doc')));
  }

  exportNights(query: ExportQuery): Promise<TidyExport> {
    return buildTidyExport(this, query);
  }

  streamNights(query: ExportQuery): Promise<TidyExportStream> {
    return streamTidyExport(this, query);
  }
}
