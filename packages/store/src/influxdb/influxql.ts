// Small helpers for InfluxQL over the 1.x HTTP API: result rows, and selections with bound parameters.

export type Row = Record<string, unknown>;
export type RawResults = {
  results?: Array<{ error?: string; series?: Array<{ columns: string[]; values: unknown[][] }> }>;
};

/** The rows of the first statement's series, as objects keyed by column; throws the statement's error. */
export function rowsOf(raw: RawResults, onError: (message: string) => Error): Row[] {
  const result = raw.results?.[0];
  if (result?.error) throw onError(result.error);
  return (result?.series ?? []).flatMap((s) =>
    s.values.map((values) => Object.fromEntries(s.columns.map((c, i) => [c, values[i]]))),
  );
}

/** `"tag" = $tag0 OR "tag" = $tag1 ...`, adding the values to the bound parameters. */
export function anyOf(tag: string, values: readonly string[], params: Record<string, string>): string {
  return values
    .map((v, i) => {
      params[`${tag}${i}`] = v;
      return `"${tag}" = $${tag}${i}`;
    })
    .join(' OR ');
}
