// SQL fragments and row mappings of the DuckDB adapter: columns selected under the contract's field names, times as
// epoch ms, lists and JSON bound as text.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { type StiffnessReport, stiffnessReportSchema } from '@restpose/protocol';
import type { DateRange } from '../contract.js';
import { dateToMs } from '../dates.js';
import { msOf, type Row } from './connection.js';

export const USER_COLUMNS = `id, name, role, ${msOf('created_at')} AS "createdAt", ${msOf('disabled_at')} AS "disabledAt"`;
export const TOKEN_COLUMNS = `token_hash AS "tokenHash", user_id AS "userId", label, ${msOf('created_at')} AS "createdAt",
  ${msOf('revoked_at')} AS "revokedAt"`;
export const SUBJECT_COLUMNS = `id, study_code AS "studyCode", cohort, display_name AS "displayName",
  clinician_ids AS "clinicianIds", ${msOf('created_at')} AS "createdAt"`;
export const DEVICE_COLUMNS = `id, secret_hash AS "secretHash", mounting, ${msOf('created_at')} AS "createdAt",
  ${msOf('revoked_at')} AS "revokedAt"`;
export const ASSIGNMENT_COLUMNS = `device_id AS "deviceId", subject_id AS "subjectId", ${msOf('valid_from')} AS "from",
  ${msOf('valid_to')} AS "to"`;
export const EPOCH_COLUMNS = `subject_id AS "subjectId", device_id AS "deviceId", ${msOf('start')} AS start,
  duration_s AS "durationS", posture, confidence, sagittal_deg AS "sagittalDeg", frontal_deg AS "frontalDeg",
  roll_deg AS "rollDeg", algorithm`;
export const REPORT_COLUMNS = `subject_id, CAST(date AS VARCHAR) AS date, severity, duration_min, pain, note,
  red_flag_night_pain, red_flag_neurological, red_flag_weight_loss, red_flag_fever, source,
  ${msOf('created_at')} AS created_at, ${msOf('updated_at')} AS updated_at`;

/** A list of strings bound as its JSON text (the binder cannot type an empty JS list). */
export const VARCHAR_LIST = 'CAST(CAST(? AS JSON) AS VARCHAR[])';
export const SUBJECTS_AND_DATES = `list_contains(${VARCHAR_LIST}, subject_id) AND date >= ? AND date < ?`;

export function subjectsAndDates(subjectIds: string[], dates: DateRange): DuckDBValue[] {
  dateToMs(dates.from);
  dateToMs(dates.to);
  return [json(subjectIds), dates.from, dates.to];
}

/** Multi-row VALUES statements of a few hundred rows each. */
export async function insertRows(db: DuckDBConnection, insertInto: string, rows: DuckDBValue[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    const part = rows.slice(i, i + 200);
    const tuple = `(${part[0]!.map(() => '?').join(', ')})`;
    await db.run(`${insertInto} ${part.map(() => tuple).join(', ')}`, part.flat());
  }
}

export const json = (value: unknown) => JSON.stringify(value);
export const parseJson = (value: unknown) => (value === null ? null : JSON.parse(String(value)));

export function toReport(r: Row): StiffnessReport {
  return stiffnessReportSchema.parse({
    subjectId: r.subject_id,
    date: r.date,
    severity: r.severity,
    durationMin: r.duration_min,
    pain: r.pain,
    note: r.note,
    redFlags: {
      nightPainUnchangedByMovement: r.red_flag_night_pain,
      progressiveNeurologicalSymptoms: r.red_flag_neurological,
      unexplainedWeightLoss: r.red_flag_weight_loss,
      fever: r.red_flag_fever,
    },
    source: r.source,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
}
