// Records shared by the store, the services and the API: one zod schema each, types inferred from it.
import { z } from 'zod';
import { DEVICE_ID_PATTERN } from './topics.js';

export const POSTURES = ['upright', 'supine', 'prone', 'left', 'right'] as const;
export const postureSchema = z.enum(POSTURES);
export type Posture = z.infer<typeof postureSchema>;

/** UTC epoch milliseconds. */
export const epochMsSchema = z.number().int();

export const subjectIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'expected 1-64 letters, digits, "_" or "-"');
export const deviceIdSchema = z.string().regex(DEVICE_ID_PATTERN, 'expected 1-64 letters, digits, "_", "." or "-"');

export const subjectSchema = z.object({
  id: subjectIdSchema,
  /** Pseudonymous code researchers see instead of identifiers. */
  studyCode: z.string().min(1).max(64),
  cohort: z.string().min(1).max(64).nullable(),
  /** Direct identifier, shown to the subject's clinician only. */
  displayName: z.string().max(200).nullable(),
  createdAt: epochMsSchema,
});
export type Subject = z.infer<typeof subjectSchema>;

export const deviceSchema = z.object({
  id: deviceIdSchema,
  /** sha256 of the device's MQTT password (hex); the secret itself is shown once at provisioning. */
  secretHash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: epochMsSchema,
  revokedAt: epochMsSchema.nullable(),
});
export type Device = z.infer<typeof deviceSchema>;

export const assignmentSchema = z.object({
  deviceId: deviceIdSchema,
  subjectId: subjectIdSchema,
  from: epochMsSchema,
  /** Exclusive end; null while the assignment is current. */
  to: epochMsSchema.nullable(),
});
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
  algorithm: z.string().min(1),
});
export type PostureEpoch = z.infer<typeof postureEpochSchema>;

export const ROLES = ['admin', 'clinician', 'researcher', 'provisioning'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const apiTokenSchema = z.object({
  /** sha256 of the bearer token (hex); tokens themselves are never stored. */
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string().min(1).max(100),
  role: roleSchema,
  createdAt: epochMsSchema,
  revokedAt: epochMsSchema.nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;
