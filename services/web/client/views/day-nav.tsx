// Previous and next night (or morning) of a subject: links, and the ← → keys.
import type { DaySummary } from '@restpose/api';
import { useMemo } from 'preact/hooks';
import { addDays, day } from '../lib/format.js';
import { useArrowNavigation } from '../lib/keys.js';
import { href, navigate, type Route } from '../lib/router.js';
import { useApi } from '../lib/use-api.js';

const AROUND_DAYS = 90;

export function DayNav({ kind, subjectRef, date }: { kind: 'night' | 'morning'; subjectRef: string; date: string }) {
  const list = useApi<{ nights?: DaySummary[]; mornings?: DaySummary[] }>(
    `/subjects/${encodeURIComponent(subjectRef)}/${kind}s?from=${addDays(date, -AROUND_DAYS)}&to=${addDays(date, AROUND_DAYS)}`,
  );
  const { previous, next } = useMemo(() => {
    const dates = list.state === 'ok' ? ((kind === 'night' ? list.data.nights : list.data.mornings) ?? []) : [];
    const sorted = dates.map((d) => d.date).sort();
    const earlier = sorted.filter((d) => d < date).at(-1);
    const later = sorted.find((d) => d > date);
    const route = (d: string | undefined): Route | null => (d ? { view: kind, ref: subjectRef, date: d } : null);
    return { previous: route(earlier), next: route(later) };
  }, [list, kind, subjectRef, date]);
  const goPrevious = useMemo(() => (previous ? () => navigate(previous) : null), [previous]);
  const goNext = useMemo(() => (next ? () => navigate(next) : null), [next]);
  useArrowNavigation(goPrevious, goNext);
  const word = kind === 'night' ? 'night' : 'morning';
  // Until the list is in, say nothing about earlier or later days rather than "none".
  const none = (text: string) => <span class="muted">{list.state === 'ok' ? text : ''}</span>;
  return (
    <nav class="day-nav" aria-label={`Other ${word}s`}>
      {previous && 'date' in previous ? (
        <a href={href(previous)} rel="prev">
          ← Previous {word} ({day(previous.date)})
        </a>
      ) : (
        none(`No earlier ${word}`)
      )}
      <a href={href({ view: 'subject', ref: subjectRef })}>All nights and mornings</a>
      {next && 'date' in next ? (
        <a href={href(next)} rel="next">
          Next {word} ({day(next.date)}) →
        </a>
      ) : (
        none(`No later ${word}`)
      )}
    </nav>
  );
}
