// Every write is checked against the record's zod schema; a failure names the record and field.
import type { z } from 'zod';
import { StoreInputError } from './errors.js';

export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  throw new StoreInputError(`${what}${path}: ${issue.message}`);
}

export function parseInputs<T>(schema: z.ZodType<T>, values: readonly unknown[], what: string): T[] {
  return values.map((v, i) => parseInput(schema, v, `${what}[${i}]`));
}
