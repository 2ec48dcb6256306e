// The rules of device assignment history, applied the same way by every adapter.
import type { Assignment } from '@restpose/protocol';
import { StoreConflictError } from './errors.js';

const overlaps = (a: Assignment, b: Assignment) => (b.to === null || a.from < b.to) && (a.to === null || b.from < a.to);

/**
 * What to write so that `next` joins the device's history: the assignment open at next.from ends there, one that
 * starts at the same time is replaced, and anything still overlapping is a conflict. Returns the rows to upsert
 * (keyed by device and from).
 */
export function planAssignment(history: readonly Assignment[], next: Assignment): Assignment[] {
  const writes: Assignment[] = [];
  for (const a of history) {
    if (a.from === next.from) continue;
    if (a.from < next.from && (a.to === null || a.to > next.from)) {
      const ended = { ...a, to: next.from };
      if (next.to !== null && (a.to === null || a.to > next.to)) {
        throw new StoreConflictError(
          `assignment of ${next.deviceId} from ${new Date(next.from).toISOString()}: falls inside the assignment ` +
            `to ${a.subjectId} starting ${new Date(a.from).toISOString()}`,
        );
      }
      writes.push(ended);
    } else if (overlaps(a, next)) {
      throw new StoreConflictError(
        `assignment of ${next.deviceId} from ${new Date(next.from).toISOString()}: overlaps the later assignment ` +
          `to ${a.subjectId} starting ${new Date(a.from).toISOString()}`,
      );
    }
  }
  writes.push(next);
  return writes;
}

/** The open assignment ended at `at`, or null when none is open. */
export function planEnd(history: readonly Assignment[], at: number): Assignment | null {
  const open = history.find((a) => a.to === null);
  if (!open) return null;
  if (at <= open.from) {
    throw new StoreConflictError(
      `end of ${open.deviceId}'s assignment: expected a time after its start ${new Date(open.from).toISOString()}`,
    );
  }
  return { ...open, to: at };
}
