// Link statistics as text: an effect with its confidence interval, p and q; or why it could not be computed.
import type { CohortLinks } from '@restpose/api';
import { num, pValue } from './lib/format.js';

export type LinkRow = CohortLinks['rows'][number];
type Unavailable = { status: 'not enough data' | 'no variation'; needed?: number | undefined; message: string };
type Computed = { status: 'ok'; ci: [number, number]; p?: number; q?: number };

export function isComputed<T extends { status: string }>(s: T | undefined): s is Extract<T, { status: 'ok' }> {
  return s?.status === 'ok';
}

export function Unavailable({ result }: { result: Unavailable }) {
  return (
    <span class="muted" title={result.message}>
      {result.status}
      {result.needed ? ` (${result.needed} more)` : ''}
    </span>
  );
}

/** "0.46 [0.42, 0.50]" with the statistic's symbol; the q-value in its own cell when asked. */
export function Effect({ value, result }: { value: number; result: Computed }) {
  return (
    <>
      {num(value, 2)}{' '}
      <span class="ci">
        [{num(result.ci[0], 2)}, {num(result.ci[1], 2)}]
      </span>
    </>
  );
}

export function QValue({ q }: { q: number | undefined }) {
  if (q === undefined) return '–';
  // A marker besides the number, so significance does not rest on colour.
  if (q >= 0.05) return pValue(q);
  return (
    <strong class="significant">
      {pValue(q)} <span aria-hidden="true">★</span>
      <span class="visually-hidden"> (below 0.05)</span>
    </strong>
  );
}
