// The one storage contract. Callers never know which adapter they hold; one contract suite tests both.
import type { ApiToken, Assignment, Device, PostureEpoch, Subject } from '@restpose/protocol';

/** Raw samples of one device, column-wise; t is UTC epoch ms per sample (fractional for rates that need it). */
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

export interface Store {
  readonly kind: 'duckdb' | 'influxdb';
  /** Resolves when the database answers; rejects with the reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;

  upsertSubject(subject: Subject): Promise<void>;
  getSubject(id: string): Promise<Subject | null>;
  listSubjects(): Promise<Subject[]>;

  upsertDevice(device: Device): Promise<void>;
  getDevice(id: string): Promise<Device | null>;
  listDevices(): Promise<Device[]>;
  /** Starts an assignment and ends the device's open one at `assignment.from`. */
  assignDevice(assignment: Assignment): Promise<void>;
  assignmentsForDevice(deviceId: string): Promise<Assignment[]>;

  putToken(token: ApiToken): Promise<void>;
  findToken(tokenHash: string): Promise<ApiToken | null>;

  /** Idempotent: the same device and timestamp stored twice is kept once. */
  writeSamples(batch: SampleBatch): Promise<void>;
  readSamples(deviceId: string, range: TimeRange): Promise<SampleBatch>;

  /** Replaces epochs of the same subject, start and algorithm. */
  writeEpochs(epochs: PostureEpoch[]): Promise<void>;
  queryEpochs(subjectId: string, range: TimeRange): Promise<PostureEpoch[]>;
}

/** The subject a device was assigned to at time t, or null. */
export function subjectAt(assignments: Assignment[], t: number): string | null {
  const hit = assignments.find((a) => a.from <= t && (a.to === null || t < a.to));
  return hit ? hit.subjectId : null;
}
