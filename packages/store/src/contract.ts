// The one storage contract. Callers never know which adapter they hold; one contract suite tests both.
// Times are UTC epoch ms (fractional for samples), dates YYYY-MM-DD, and every range is half-open [from, to).
import type {
  ApiToken,
  Assignment,
  AuditEntry,
  DeadLetter,
  Device,
  MorningRecord,
  NightRecord,
  PostureEpoch,
  StiffnessReport,
  Subject,
  User,
} from '@restpose/protocol';

/**
 * Raw samples of one device, column-wise; t is UTC epoch ms per sample (fractional for rates that need it, kept to
 * the microsecond). Values are finite; the sign of a zero is not kept.
 */
export interface SampleBatch {
  deviceId: string;
  t: Float64Array;
  ax: Float32Array;
  ay: Float32Array;
  az: Float32Array;
  gyro?: { gx: Float32Array; gy: Float32Array; gz: Float32Array };
}

/** Half-open UTC epoch ms range [from, to). */
export interface TimeRange {
  from: number;
  to: number;
}

/** Half-open range of calendar dates [from, to), YYYY-MM-DD. */
export interface DateRange {
  from: string;
  to: string;
}

/** Which subjects a query covers: the listed ones, a cohort's, or (neither given) every registered subject. */
export interface SubjectSelector {
  subjectIds?: readonly string[];
  cohort?: string;
}

export interface DayQuery extends SubjectSelector {
  dates: DateRange;
  /** One algorithm version; omitted: per subject and date, the most recently computed version. */
  algorithm?: string;
  /** false: records come with an empty `detail` (cheaper, for statistics over many records). Default true. */
  detail?: boolean;
}

export interface ExportQuery extends SubjectSelector {
  dates: DateRange;
  nightAlgorithm?: string;
  morningAlgorithm?: string;
  /** Subjects read per query while streaming (default 25): bounds the memory of `streamNights`. */
  subjectsPerPage?: number;
}

export type TidyValue = string | number | boolean | null;

export type TidyRow = Record<string, TidyValue>;

/** One row per subject-night: registry codes, night and morning metrics, the stiffness report of that morning. */
export interface TidyExport {
  /** Column order: fixed columns, then night_*, morning_* metrics (each sorted by name), then stiffness_*. */
  columns: string[];
  rows: TidyRow[];
}

/** The same table row by row: the columns are known before the first row, rows are read a page of subjects at a time. */
export interface TidyExportStream {
  columns: string[];
  rows: AsyncIterable<TidyRow>;
}

export interface SubjectFilter {
  cohort?: string;
  /** Subjects this user is responsible for. */
  clinicianId?: string;
}

export interface AuditQuery {
  subjectId?: string;
  actor?: string;
  range?: TimeRange;
  /** Oldest first unless 'desc'. */
  order?: 'asc' | 'desc';
  /** At most this many entries (default 1000). */
  limit?: number;
}

export interface DeadLetterQuery {
  deviceId?: string;
  range: TimeRange;
  limit?: number;
}

/** Users, tokens, subjects, devices and which device a subject wore when. */
export interface RegistryStore {
  putUser(user: User): Promise<void>;
  getUser(id: string): Promise<User | null>;
  listUsers(): Promise<User[]>;

  /** Creates or replaces the token with this hash; the user must exist. */
  putToken(token: ApiToken): Promise<void>;
  findToken(tokenHash: string): Promise<ApiToken | null>;
  listTokens(userId: string): Promise<ApiToken[]>;
  /** False when no active token has this hash. */
  revokeToken(tokenHash: string, at: number): Promise<boolean>;

  /** Creates or updates; another subject with the same study code is a StoreConflictError. */
  upsertSubject(subject: Subject): Promise<void>;
  getSubject(id: string): Promise<Subject | null>;
  listSubjects(filter?: SubjectFilter): Promise<Subject[]>;
  /**
   * Removes the subject from the registry (their derived rows and reports stay, keyed by the pseudonymous id).
   * A subject with a device assigned now is a StoreConflictError. False when there was no such subject.
   */
  deleteSubject(id: string): Promise<boolean>;

  upsertDevice(device: Device): Promise<void>;
  getDevice(id: string): Promise<Device | null>;
  listDevices(): Promise<Device[]>;

  /**
   * Records that a device is worn by a subject from `from`. An assignment starting at the same time is replaced;
   * the one open at `from` ends there; an overlap with a later assignment is a StoreConflictError.
   */
  assignDevice(assignment: Assignment): Promise<void>;
  /** Ends the device's open assignment at `at`; false when none is open. */
  endAssignment(deviceId: string, at: number): Promise<boolean>;
  /** Oldest first. */
  assignmentsForDevice(deviceId: string): Promise<Assignment[]>;
  assignmentsForSubject(subjectId: string): Promise<Assignment[]>;
}

/** Telemetry as it came in: samples and the payloads ingest refused. */
export interface RawStore {
  /** Idempotent: a sample is identified by device and t; writing it again keeps one (the last written). */
  writeSamples(batches: SampleBatch | readonly SampleBatch[]): Promise<void>;
  /** Ordered by t; gyro present only if every sample in the range has it. */
  readSamples(deviceId: string, range: TimeRange): Promise<SampleBatch>;

  writeDeadLetter(letter: DeadLetter): Promise<void>;
  /** Oldest first. */
  queryDeadLetters(query: DeadLetterQuery): Promise<DeadLetter[]>;
}

/** What the analysis derived; every row carries its algorithm version and re-runs replace the same version. */
export interface DerivedStore {
  /** Replaces epochs of the same subject, start and algorithm. */
  writeEpochs(epochs: readonly PostureEpoch[]): Promise<void>;
  /** Ordered by start, then algorithm; all versions unless one is named. */
  queryEpochs(subjectId: string, range: TimeRange, options?: { algorithm?: string }): Promise<PostureEpoch[]>;

  /** Replaces nights of the same subject, date and algorithm. */
  writeNights(nights: readonly NightRecord[]): Promise<void>;
  /** Ordered by subject, then date. */
  queryNights(query: DayQuery): Promise<NightRecord[]>;
  writeMornings(mornings: readonly MorningRecord[]): Promise<void>;
  queryMornings(query: DayQuery): Promise<MorningRecord[]>;
}

/** The stiffness diary: one report per subject and morning. */
export interface ReportStore {
  /**
   * Creates the report of that subject and date, or updates it (keeping the first createdAt).
   * Says which it did and returns what is stored.
   */
  upsertStiffnessReport(report: StiffnessReport): Promise<{ created: boolean; report: StiffnessReport }>;
  getStiffnessReport(subjectId: string, date: string): Promise<StiffnessReport | null>;
  /** Ordered by subject, then date. */
  queryStiffnessReports(query: SubjectSelector & { dates: DateRange }): Promise<StiffnessReport[]>;
  deleteStiffnessReport(subjectId: string, date: string): Promise<boolean>;
}

export interface AuditStore {
  /** Append-only: entries are never changed or removed. Several entries are written in one call, in order. */
  appendAudit(entries: AuditEntry | readonly AuditEntry[]): Promise<void>;
  queryAudit(query: AuditQuery): Promise<AuditEntry[]>;
}

export interface Store extends RegistryStore, RawStore, DerivedStore, ReportStore, AuditStore {
  readonly kind: 'duckdb' | 'influxdb';
  /** Resolves when the database answers; rejects with the reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The tidy table researchers analyse: one row per subject-night (see TidyExport). */
  exportNights(query: ExportQuery): Promise<TidyExport>;
  /** The tidy table without holding it: memory grows with a page of subjects, not with the table. */
  streamNights(query: ExportQuery): Promise<TidyExportStream>;
}

/** The subject a device was assigned to at time t, or null. */
export function subjectAt(assignments: readonly Assignment[], t: number): string | null {
  const hit = assignments.find((a) => a.from <= t && (a.to === null || t < a.to));
  return hit ? hit.subjectId : null;
}
