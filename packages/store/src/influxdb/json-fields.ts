// JSON documents in InfluxDB string fields. InfluxDB 1.x limits a string field to 64 KB, so a long document is split
// over `<name>`, `<name>_1`, `<name>_2`... with the count in `<name>_parts`. The JSON is kept ASCII (\u escapes), so
// a part is never cut inside a character and its length in bytes is its length in characters.
// Every write sets `<name>_parts`: a shorter document written over a longer one leaves stale parts that are ignored.

const PART_CHARS = 32_000;

export type FieldValue = string | number | boolean;

function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function jsonFields(name: string, value: unknown): Record<string, FieldValue> {
  const text = asciiJson(value);
  const fields: Record<string, FieldValue> = {};
  const parts = Math.max(1, Math.ceil(text.length / PART_CHARS));
  for (let i = 0; i < parts; i++) {
    fields[i === 0 ? name : `${name}_${i}`] = text.slice(i * PART_CHARS, (i + 1) * PART_CHARS);
  }
  fields[`${name}_parts`] = parts;
  return fields;
}

/** The document stored by jsonFields in a row read back with SELECT *, or undefined when absent. */
export function readJsonField(row: Record<string, unknown>, name: string): unknown {
  const parts = Number(row[`${name}_parts`] ?? 0);
  if (!(parts > 0)) return undefined;
  let text = '';
  for (let i = 0; i < parts; i++) text += String(row[i === 0 ? name : `${name}_${i}`] ?? '');
  return JSON.parse(text);
}
