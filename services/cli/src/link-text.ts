// The link table as aligned text for people; `--format json` gives machines every number unrounded.
import type { LinkRow, LinkTable, Unavailable } from '@restpose/analytics';

const fixed = (v: number) => v.toFixed(3);
const pValue = (p: number) => (p >= 0.001 ? p.toFixed(3) : p.toExponential(1));
const interval = (ci: readonly [number, number], f = fixed) => `[${f(ci[0])}, ${f(ci[1])}]`;
const significant = (v: number) => v.toPrecision(3);

function why(u: Unavailable): string {
  return u.status === 'not enough data' ? `not enough data (${u.needed} more needed)` : 'no variation';
}

/** Cells of one statistic: estimate [interval], then p and q; the reason in the first cell when unavailable. */
function correlationCells(
  result: LinkRow['pearson'] | LinkRow['spearman'] | NonNullable<LinkRow['rmcorr']>,
  extra = false,
) {
  if (result.status !== 'ok') return [why(result), '', '', ...(extra ? [''] : [])];
  const estimate = 'r' in result ? result.r : result.rho;
  const cells = [`${fixed(estimate)} ${interval(result.ci)}`];
  if (extra && 'df' in result) cells.push(String(result.df));
  return [...cells, pValue(result.p), pValue(result.q)];
}

export function formatLinkTable(table: LinkTable, heading: string): string {
  const ci = `${Math.round(table.confidence * 100)}% CI`;
  const header = ['x', 'y', 'n', `pearson r [${ci}]`, 'p', 'q', `spearman rho [${ci}]`, 'p', 'q', `slope [${ci}]`];
  if (table.repeatedMeasures) header.push(`rmcorr r [${ci}]`, 'df', 'p', 'q');
  const lines = table.rows.map((row) => {
    const cells = [row.x, row.y, String(row.n), ...correlationCells(row.pearson), ...correlationCells(row.spearman)];
    cells.push(
      row.slope.status === 'ok'
        ? `${significant(row.slope.value)} ${interval(row.slope.ci, significant)}`
        : why(row.slope),
    );
    if (row.rmcorr) cells.push(...correlationCells(row.rmcorr, true));
    return cells;
  });
  const all = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...all.map((cells) => (cells[i] ?? '').length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const notes = [
    `q: Benjamini-Hochberg across the ${table.rows.length} row${table.rows.length === 1 ? '' : 's'}, per statistic; ` +
      'methods in docs/statistics.md',
  ];
  return [heading, '', render(header), ...lines.map(render), '', ...notes, ''].join('\n');
}
