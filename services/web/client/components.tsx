// Small pieces every view uses: loading and error states, the flag list with its evidence, legends and links.
import type { SubjectSummary } from '@restpose/api';
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { day, num } from './lib/format.js';
import { POSTURE_ROWS, POSTURE_STYLE } from './lib/posture.js';
import { type Loaded, useApi } from './lib/use-api.js';

export type Flag = SubjectSummary['flags'][number];

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorNote({ message }: { message: string }) {
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

/** Renders a loaded resource, or its loading or error state. */
export function Load<T>({
  loaded,
  what,
  children,
}: {
  loaded: Loaded<T>;
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  if (loaded.state === 'loading') return <Loading what={what} />;
  if (loaded.state === 'error') return <ErrorNote message={`Could not load ${what}: ${loaded.message}`} />;
  return <>{children(loaded.data)}</>;
}

/** Sets the document title, so a screen reader and the tab say where the user is. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · restpose`;
  }, [title]);
}

const SEVERITY_LABEL: Record<Flag['severity'], string> = { high: 'High', moderate: 'Moderate', low: 'Low' };
const KIND_LABEL: Record<string, string> = {
  'red-flag': 'Red flag',
  'prolonged-stiffness': 'Prolonged stiffness',
  'inflammatory-pattern': 'Inflammatory pattern (hint)',
};
export const flagKind = (kind: string): string => KIND_LABEL[kind] ?? kind;

/** The red-flag questions of a stiffness report, in words. */
export const RED_FLAG_WORDS: Record<string, string> = {
  nightPainUnchangedByMovement: 'night pain that does not change with movement',
  progressiveNeurologicalSymptoms: 'progressive neurological symptoms',
  unexplainedWeightLoss: 'unexplained weight loss',
  fever: 'fever',
};

/** The measures a flag's evidence names (analytics' input fields), in words. */
const EVIDENCE_MEASURE: Record<string, string> = {
  ...RED_FLAG_WORDS,
  stiffnessDurationMin: 'reported stiffness duration (min)',
  timeToLoosenMin: 'measured time to loosen (min)',
  wakeSecondHalfMin: 'awake after the night’s midpoint (min)',
  outOfBedSecondHalf: 'out of bed after the night’s midpoint',
};

/** A flag's severity as a badge: a word and a shape, not colour alone. */
export function SeverityBadge({ severity }: { severity: Flag['severity'] }) {
  const mark = { high: '▲', moderate: '◆', low: '●' }[severity];
  return (
    <span class={`badge badge-${severity}`}>
      <span aria-hidden="true">{mark} </span>
      {SEVERITY_LABEL[severity]}
    </span>
  );
}

export function FlagList({ flags, note }: { flags: readonly Flag[]; note?: string }) {
  if (flags.length === 0) return <p class="muted">No open flags in the last 28 days.</p>;
  return (
    <div class="flags">
      {note && <p class="muted">Flags are {note}.</p>}
      {flags.map((f) => (
        <article class={`flag flag-${f.severity}`} key={`${f.kind}-${f.summary}`}>
          <h3>
            <SeverityBadge severity={f.severity} /> {flagKind(f.kind)}
          </h3>
          <p>{f.summary}</p>
          <p class="muted">Since {day(f.since)}</p>
          <table class="compact">
            <caption class="visually-hidden">Evidence for {flagKind(f.kind)}</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Source</th>
                <th scope="col">Measure</th>
                <th scope="col">Value</th>
                <th scope="col">Threshold</th>
              </tr>
            </thead>
            <tbody>
              {f.evidence.map((e) => (
                <tr key={`${e.date}-${e.measure}`}>
                  <td>
                    <time dateTime={e.date}>{day(e.date)}</time>
                  </td>
                  <td>{e.source === 'report' ? 'reported' : 'device'}</td>
                  <td title={e.measure}>{EVIDENCE_MEASURE[e.measure] ?? e.measure}</td>
                  <td>{typeof e.value === 'boolean' ? (e.value ? 'yes' : 'no') : num(e.value, 0)}</td>
                  <td>{e.threshold === undefined || e.threshold === null ? '–' : String(e.threshold)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      ))}
    </div>
  );
}

export function Swatch({ color, pattern }: { color: string; pattern?: 'hatch' | 'cross' | 'turn' }) {
  if (pattern === 'turn') return <span class="swatch-turn" aria-hidden="true" />;
  return (
    <span class={`swatch${pattern ? ` swatch-${pattern}` : ''}`} style={{ '--swatch': color }} aria-hidden="true" />
  );
}

export function PostureLegend({ children }: { children?: ComponentChildren }) {
  return (
    <ul class="legend" aria-label="Legend">
      {POSTURE_ROWS.map((p) => (
        <li key={p}>
          <Swatch color={POSTURE_STYLE[p].color} /> {POSTURE_STYLE[p].label}
        </li>
      ))}
      {children}
    </ul>
  );
}

export function Section({ title, id, children }: { title: string; id?: string; children: ComponentChildren }) {
  const headingId = `${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-heading`;
  return (
    <section aria-labelledby={headingId} class="panel">
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

/** A subject's open flags with their evidence (admins and clinicians). */
export function SubjectFlags({ base }: { base: string }) {
  const flags = useApi<{ flags: Flag[]; note: string }>(`${base}/flags`);
  return (
    <Section title="Flags for clinical review" id="flags">
      <Load loaded={flags} what="the flags">
        {(data) => <FlagList flags={data.flags} note={data.note} />}
      </Load>
    </Section>
  );
}
