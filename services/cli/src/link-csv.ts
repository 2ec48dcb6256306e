// Reads a tidy CSV (one row per observation) into link-table observations, with errors that name the line and column.
import type { LinkObservation } from '@restpose/analytics';
import { parse } from 'csv-parse/sync';

export class CsvInputError extends Error {}

/** Cells that mean "missing", compared case-insensitively after trimming. */
export const MISSING_CELLS = ['', 'NA', 'N/A', 'NaN', 'null'];
const missing = new Set(MISSING_CELLS.map((c) => c.toLowerCase()));
const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export interface LinkColumns {
  subject?: string | undefined;
  x: readonly string[];
  y: readonly string[];
}

interface Row {
  record: string[];
  info: { lines: number };
}

export function readLinkCsv(text: string, columns: LinkColumns): LinkObservation[] {
  let rows: Row[];
  try {
    rows = parse(text, { bom: true, info: true, skip_empty_lines: true, trim: true }) as unknown as Row[];
  } catch (err) {
    throw new CsvInputError((err as Error).message);
  }
  const [header, ...data] = rows;
  if (!header) throw new CsvInputError('the file is empty; expected a header line naming the columns');
  const names = header.record;
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new CsvInputError(`the header names column "${duplicate}" twice`);

  const indexOf = (flag: string, name: string) => {
    const i = names.indexOf(name);
    if (i < 0) {
      throw new CsvInputError(
        `--${flag}: no column "${name}"; the columns are ${names.map((n) => `"${n}"`).join(', ')}`,
      );
    }
    return i;
  };
  const subjectIndex = columns.subject === undefined ? undefined : indexOf('subject', columns.subject);
  const numeric = new Map<string, number>();
  for (const [flag, list] of [
    ['x', columns.x],
    ['y', columns.y],
  ] as const) {
    for (const name of list) numeric.set(name, indexOf(flag, name));
  }

  return data.map(({ record, info }) => {
    const at = (name: string) => `line ${info.lines}, column "${name}"`;
    const values: Record<string, number | null> = {};
    for (const [name, i] of numeric) {
      const cell = record[i]!;
      if (missing.has(cell.toLowerCase())) values[name] = null;
      else if (decimal.test(cell)) values[name] = Number(cell);
      else throw new CsvInputError(`${at(name)}: "${cell}" is not a number (leave it empty or write NA if missing)`);
    }
    if (subjectIndex === undefined) return { values };
    const subject = record[subjectIndex]!;
    if (missing.has(subject.toLowerCase())) throw new CsvInputError(`${at(columns.subject!)}: the subject is missing`);
    return { subject, values };
  });
}
