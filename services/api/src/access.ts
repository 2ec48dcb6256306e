// Who may see which subject, and how a subject is shown to each role. Clinicians see their own patients with
// identifiers; researchers see study codes only and name subjects by study code; admins see everything.
import type { Role, Subject } from '@restpose/protocol';
import type { Store } from '@restpose/store';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAccess } from './audit.js';
import { type Principal, principalOf } from './auth.js';
import { HttpError } from './errors.js';

export const subjectOut = z.object({
  id: z.string().optional().describe('absent for researchers, who use the study code'),
  studyCode: z.string(),
  cohort: z.string().nullable(),
  displayName: z.string().nullable().optional().describe('for admins and the subject’s clinicians only'),
  clinicianIds: z.array(z.string()).optional().describe('for admins only'),
});
export type SubjectOut = z.infer<typeof subjectOut>;

export const subjectParams = z.object({
  id: z.string().min(1).max(64).describe('subject id; researchers use the study code'),
});

export function subjectView(subject: Subject, role: Role): SubjectOut {
  const { id, studyCode, cohort, displayName, clinicianIds } = subject;
  switch (role) {
    case 'admin':
      return { id, studyCode, cohort, displayName, clinicianIds };
    case 'clinician':
      return { id, studyCode, cohort, displayName };
    case 'provisioning':
      return { id, studyCode, cohort };
    case 'researcher':
      return { studyCode, cohort };
  }
}

/** The subjects a principal may list: a clinician's own patients, everyone for the other roles. */
export function visibleSubjects(store: Store, principal: Principal, cohort?: string): Promise<Subject[]> {
  const filter = principal.role === 'clinician' ? { clinicianId: principal.userId, cohort } : { cohort };
  return store.listSubjects(filter);
}

async function findSubject(store: Store, principal: Principal, ref: string): Promise<Subject> {
  switch (principal.role) {
    case 'admin': {
      const subject = await store.getSubject(ref);
      if (!subject) throw new HttpError(404, `subject ${ref} does not exist`);
      return subject;
    }
    case 'clinician': {
      // Unknown and someone else's answer alike, so a clinician cannot probe which ids exist.
      const subject = await store.getSubject(ref);
      if (subject?.clinicianIds.includes(principal.userId)) return subject;
      throw new HttpError(403, `subject ${ref} is not one of your patients`);
    }
    case 'researcher': {
      const subject = (await store.listSubjects()).find((s) => s.studyCode === ref);
      if (!subject) throw new HttpError(404, `no subject has study code ${ref}`);
      return subject;
    }
    case 'provisioning':
      throw new HttpError(403, 'provisioning tokens read no health data');
  }
}

/**
 * The subject a request names, if the caller may see it. A refusal is audited (who tried which subject) before the
 * 403 goes out.
 */
export async function subjectFor(store: Store, request: FastifyRequest, ref: string): Promise<Subject> {
  const principal = principalOf(request);
  try {
    return await findSubject(store, principal, ref);
  } catch (err) {
    if (err instanceof HttpError && err.statusCode === 403) {
      const known = principal.role === 'clinician' ? await store.getSubject(ref) : null;
      await recordAccess(store, request, 'access.denied', known ? [known.id] : [], { ref });
    }
    throw err;
  }
}
