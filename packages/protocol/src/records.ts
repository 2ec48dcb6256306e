// Records shared by the store, the services and the API: one zod schema each, types inferred from it.
import { z } from 'zod';
import { mountingSchema } from './device-config.js';
import { DEVICE_ID_PATTERN } from './topics.js';

export const POSTURES = ['upright', 'supine', 'prone', 'left', 'right'] as const;
export const postureSchema = z.enum(POSTURES);
export type Posture = z.infer<typeof postureSchema>;

/** UTC epoch milliseconds. */
export const epochMsSchema = z.number().int();
/** A calendar date, YYYY-MM-DD (a night belongs to the date of its final rise). */
export const isoDateSchema = z.iso.date({ message: 'expected a date YYYY-MM-DD' });
/** A JSON object (details of derived records, device mounting, audit details). */
export const jsonObjectSchema = z.record(z.string(), z.json());
export type JsonObject = z.infer<typeof jsonObjectSchema>;

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const ID_MESSAGE = 'expected 1-64 letters, digits, "_" or "-"';
export const subjectIdSchema = z.string().regex(ID_PATTERN, ID_MESSAGE);
export const userIdSchema = z.string().regex(ID_PATTERN, ID_MESSAGE);
export const deviceIdSchema = z.string().regex(DEVICE_ID_PATTERN, 'expected 1-64 letters, digits, "_", "." or "-"');
/** The algorithm and version that produced a derived record, e.g. "angle-rule@0.1.0". */
export const algorithmSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$/, 'expected a name@version of letters, digits, "_", ".", "@", "+", "-"');
const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 in lowercase hex');

export const ROLES = ['admin', 'clinician', 'researcher', 'provisioning'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const userSchema = z.object({
  id: userIdSchema,
  name: z.string().min(1).max(200),
  role: roleSchema,
  createdAt: epochMsSchema,
  /** Set when the user may no longer sign in; their tokens stop working too. */
  disabledAt: epochMsSchema.nullable(),
});
export type User = z.infer<typeof userSchema>;

export const apiTokenSchema = z.object({
  /** sha256 of the bearer token (hex); tokens themselves are never stored. */
  tokenHash: sha256HexSchema,
  /** The user the token acts for; the user's role applies. */
  userId: userIdSchema,
  /** What the token is for, e.g. "laptop" or "export script". */
  label: z.string().min(1).max(100),
  createdAt: epochMsSchema,
  revokedAt: epochMsSchema.nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

export const subjectSchema = z.object({
  id: subjectIdSchema,
  /** Pseudonymous code researchers see instead of identifiers. */
  studyCode: z.string().min(1).max(64),
  cohort: z.string().min(1).max(64).nullable(),
  /** Direct identifier, shown to the subject's clinician only. */
  displayName: z.string().max(200).nullable(),
  /** Users (clinicians) responsible for the subject. */
  clinicianIds: z.array(userIdSchema).max(50),
  createdAt: epochMsSchema,
});
export type Subject = z.infer<typeof subjectSchema>;

export const deviceSchema = z.object({
  id: deviceIdSchema,
  /** sha256 of the device's MQTT password (hex); the secret itself is shown once at provisioning. */
  secretHash: sha256HexSchema,
  /** How the device sits on the body (axis mapping or rotation to the body frame); null: estimate from data. */
  /** Configured device-to-body rotation; null: estimated from the data. */
  mounting: mountingSchema.nullable(),
  createdAt: epochMsSchema,
  revokedAt: epochMsSchema.nullable(),
});
export type Device = z.infer<typeof deviceSchema>;

export const assignmentSchema = z
  .object({
    deviceId: deviceIdSchema,
    subjectId: subjectIdSchema,
    from: epochMsSchema,
    /** Exclusive end; null while the assignment is current. */
    to: epochMsSchema.nullable(),
  })
  .refine((a) => a.to === null || a.to > a.from, { message: 'expected to after from', path: ['to'] });
export type Assignment = z.infer<typeof assignmentSchema>;

export const postureEpochSchema = z.object({
  subjectId: subjectIdSchema,
  deviceId: deviceIdSchema,
  start: epochMsSchema,
  durationS: z.number().positive(),
  posture: postureSchema,
  /** 0-1: how sure the classifier is of the label. */
  confidence: z.number().min(0).max(1),
  /** Body-frame angles in degrees (DESIGN.md conventions), means over the epoch. */
  sagittalDeg: z.number(),
  frontalDeg: z.number(),
  rollDeg: z.number(),
  /** The algorithm and version that produced the label. */
  algorithm: algorithmSchema,
});
export type PostureEpoch = z.infer<typeof postureEpochSchema>;

/** Column names of a record in the tidy export, next to night_<metric> and morning_<metric>. */
export const RESERVED_METRIC_NAMES = ['algorithm', 'start', 'end'] as const;
/** Metric names become export columns (prefixed night_ or morning_), so they are snake_case identifiers. */
export const metricNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'expected a snake_case metric name')
  .refine(
    (name) => !(RESERVED_METRIC_NAMES as readonly string[]).includes(name),
    'expected a name other than algorithm, start or end',
  );

/**
 * A night or a morning as the analysis engine summarised it. The store keeps metrics generically (it does not know
 * their names); one record per subject, date and algorithm version, re-analysis replaces the same version.
 */
export const dayRecordSchema = z
  .object({
    subjectId: subjectIdSchema,
    /** Calendar date of the final rise. */
    date: isoDateSchema,
    algorithm: algorithmSchema,
    /** Night: in bed to final rise; morning: the analysed window after rising. */
    start: epochMsSchema,
    end: epochMsSchema,
    /** When the analysis ran; the latest computed version wins when a query names none. */
    computedAt: epochMsSchema,
    /** null: the metric could not be computed for this record. */
    metrics: z.record(metricNameSchema, z.number().refine(Number.isFinite, 'expected a finite number').nullable()),
    /** Timeline, turns, bouts, range-of-motion windows...: whatever the engine keeps for display. */
    detail: jsonObjectSchema,
  })
  .refine((r) => r.end > r.start, { message: 'expected end after start', path: ['end'] });
export const nightRecordSchema = dayRecordSchema;
export type NightRecord = z.infer<typeof nightRecordSchema>;
export const morningRecordSchema = dayRecordSchema;
export type MorningRecord = z.infer<typeof morningRecordSchema>;

export const REPORT_SOURCES = ['patient-app', 'clinician'] as const;
const score0to10 = z.number().min(0, 'expected 0 to 10').max(10, 'expected 0 to 10');

/** One morning's stiffness diary entry: BASDAI questions 5 and 6, pain, and the red-flag questions. */
export const stiffnessReportSchema = z.object({
  subjectId: subjectIdSchema,
  /** The morning reported on. */
  date: isoDateSchema,
  /** BASDAI Q5: severity of morning stiffness, 0 (none) to 10 (very severe). */
  severity: score0to10,
  /** BASDAI Q6: how long it lasted, in minutes (the questionnaire's scale ends at 120, "2 h or more"). */
  durationMin: z.number().min(0, 'expected minutes from 0').max(1440, 'expected at most 1440 minutes'),
  pain: score0to10.nullable(),
  note: z.string().max(2000).nullable(),
  /** Answers that call for medical review; null when not asked. */
  redFlags: z.object({
    nightPainUnchangedByMovement: z.boolean().nullable(),
    progressiveNeurologicalSymptoms: z.boolean().nullable(),
    unexplainedWeightLoss: z.boolean().nullable(),
    fever: z.boolean().nullable(),
  }),
  source: z.enum(REPORT_SOURCES),
  createdAt: epochMsSchema,
  updatedAt: epochMsSchema,
});
export type StiffnessReport = z.infer<typeof stiffnessReportSchema>;

/** Append-only record of who did what; `actor` is a user id or a service name such as "ingest". */
export const auditEntrySchema = z.object({
  at: epochMsSchema,
  actor: z.string().min(1).max(64),
  action: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'expected a lowercase action such as "subject.update"'),
  subjectId: subjectIdSchema.nullable(),
  detail: jsonObjectSchema,
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** A payload ingest refused, kept with its reason so that nothing a device sent is silently lost. */
export const deadLetterSchema = z.object({
  receivedAt: epochMsSchema,
  /** null when the topic did not name a valid device. */
  deviceId: deviceIdSchema.nullable(),
  topic: z.string().max(1024),
  code: z.string().min(1).max(64),
  reason: z.string().max(2000),
  /** The payload bytes, base64. */
  payload: z.base64({ message: 'expected base64' }),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
