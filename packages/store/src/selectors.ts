// Turns a subject selector (ids, a cohort, or everyone) into the list of subject ids a query covers.
import type { RegistryStore, SubjectSelector } from './contract.js';

export async function resolveSubjects(
  registry: Pick<RegistryStore, 'listSubjects'>,
  selector: SubjectSelector,
): Promise<string[]> {
  let ids: string[];
  if (selector.cohort !== undefined || selector.subjectIds === undefined) {
    const registered = (await registry.listSubjects({ cohort: selector.cohort })).map((s) => s.id);
    ids = selector.subjectIds ? registered.filter((id) => selector.subjectIds!.includes(id)) : registered;
  } else {
    ids = [...selector.subjectIds];
  }
  return [...new Set(ids)].sort();
}

/** Splits a list into pieces of at most `size`, to keep queries short. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
