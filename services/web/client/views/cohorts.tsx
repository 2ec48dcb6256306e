// Researchers' views: the cohorts, and for one cohort its study codes, the posture-stiffness links table (effect
// sizes with confidence intervals and q-values; rmcorr is the one to read across people) and the tidy exports.
import type { CohortLinks, CohortList, CohortSubjects } from '@restpose/api';
import { useMemo, useState } from 'preact/hooks';
import { Load, Section, useTitle } from '../components.js';
import { apiDownload } from '../lib/api.js';
import { metricLabel } from '../lib/catalogue.js';
import { href } from '../lib/router.js';
import { useApi } from '../lib/use-api.js';
import { Effect, isComputed, type LinkRow, QValue, Unavailable } from '../stats.js';
import { subjectRef } from './patients.js';

export function CohortsView() {
  useTitle('Cohorts');
  const cohorts = useApi<CohortList>('/cohorts');
  return (
    <>
      <h1>Cohorts</h1>
      <Load loaded={cohorts} what="the cohorts">
        {(data) =>
          data.cohorts.length === 0 ? (
            <p class="muted">No cohorts yet: subjects are put in a cohort when they are registered.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Cohort</th>
                  <th scope="col">Subjects</th>
                </tr>
              </thead>
              <tbody>
                {data.cohorts.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">
                      <a href={href({ view: 'cohort', id: c.id })}>{c.id}</a>
                    </th>
                    <td>{c.subjects}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Load>
    </>
  );
}

export function CohortView({ id }: { id: string }) {
  useTitle(`Cohort ${id}`);
  const base = `/cohorts/${encodeURIComponent(id)}`;
  const subjects = useApi<CohortSubjects>(base);
  const links = useApi<CohortLinks>(`${base}/links`);
  return (
    <>
      <h1>
        Cohort <span class="subtitle">{id}</span>
      </h1>
      <Section title="Export" id="export">
        <p class="muted">
          One row per subject-night: night metrics, the morning after and its stiffness report, study codes only.
        </p>
        <ExportButtons cohort={id} />
      </Section>
      <Section title="Night posture and morning stiffness" id="links">
        <Load loaded={links} what="the links (this can take a few seconds for a large cohort)">
          {(data) => <LinksTable data={data} />}
        </Load>
      </Section>
      <Section title="Subjects" id="subjects">
        <Load loaded={subjects} what="the subjects">
          {(data) => (
            <ul class="inline codes">
              {data.subjects.map((s) => (
                <li key={s.studyCode}>
                  <a href={href({ view: 'subject', ref: subjectRef(s) })}>{s.studyCode}</a>
                </li>
              ))}
            </ul>
          )}
        </Load>
      </Section>
    </>
  );
}

function ExportButtons({ cohort }: { cohort: string }) {
  const [status, setStatus] = useState<string | null>(null);
  const download = async (format: 'csv' | 'ndjson') => {
    setStatus(`Preparing the ${format.toUpperCase()} export…`);
    try {
      const { blob, filename } = await apiDownload(`/exports/nights.${format}?cohort=${encodeURIComponent(cohort)}`);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setStatus(`Downloaded ${filename} (${Math.max(1, Math.round(blob.size / 1024))} KB).`);
    } catch (err) {
      setStatus(`The export failed: ${(err as Error).message}`);
    }
  };
  return (
    <div class="toolbar">
      <button type="button" onClick={() => download('csv')}>
        Download CSV (R, spreadsheets)
      </button>
      <button type="button" onClick={() => download('ndjson')}>
        Download NDJSON (Python)
      </button>
      <span role="status" class="muted">
        {status}
      </span>
    </div>
  );
}

/** Rows whose within-person association was computed first, by its q-value. */
function byRmcorrQ(a: LinkRow, b: LinkRow): number {
  const q = (r: LinkRow) => (isComputed(r.rmcorr) ? r.rmcorr.q : Number.POSITIVE_INFINITY);
  return q(a) - q(b);
}

function LinksTable({ data }: { data: CohortLinks }) {
  const rows = useMemo(() => (data.repeatedMeasures ? [...data.rows].sort(byRmcorrQ) : data.rows), [data]);
  const ci = `${Math.round(data.confidence * 100)}% CI`;
  return (
    <>
      <p class="muted">
        {data.observations} subject-nights of {data.subjects} subjects, {data.from} to {data.to}; algorithms{' '}
        {[...data.algorithms.night, ...data.algorithms.morning].join(', ') || 'none'}. Read the repeated-measures
        correlation (within people, night to night); pooled r mixes differences between people. q is the
        Benjamini-Hochberg q-value across the table; ★ marks q &lt; 0.05.
      </p>
      <div class="table-scroll">
        <table class="links" data-testid="links-table">
          <thead>
            <tr>
              <th scope="col">Night metric</th>
              <th scope="col">Morning outcome</th>
              <th scope="col">n</th>
              <th scope="col">rmcorr r [{ci}]</th>
              <th scope="col">rmcorr q</th>
              <th scope="col">Pearson r [{ci}]</th>
              <th scope="col">Pearson q</th>
              <th scope="col">Spearman ρ [{ci}]</th>
              <th scope="col">Spearman q</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.x}~${r.y}`} data-testid="link-row">
                <th scope="row" title={r.x}>
                  {metricLabel(r.x)}
                </th>
                <td title={r.y}>{metricLabel(r.y)}</td>
                <td>{r.n}</td>
                {!r.rmcorr ? (
                  <td colSpan={2} class="muted">
                    one subject
                  </td>
                ) : isComputed(r.rmcorr) ? (
                  <>
                    <td>
                      <Effect value={r.rmcorr.r} result={r.rmcorr} />
                    </td>
                    <td data-testid="rmcorr-q">
                      <QValue q={r.rmcorr.q} />
                    </td>
                  </>
                ) : (
                  <td colSpan={2}>
                    <Unavailable result={r.rmcorr} />
                  </td>
                )}
                {isComputed(r.pearson) ? (
                  <>
                    <td>
                      <Effect value={r.pearson.r} result={r.pearson} />
                    </td>
                    <td>
                      <QValue q={r.pearson.q} />
                    </td>
                  </>
                ) : (
                  <td colSpan={2}>
                    <Unavailable result={r.pearson} />
                  </td>
                )}
                {isComputed(r.spearman) ? (
                  <>
                    <td>
                      <Effect value={r.spearman.rho} result={r.spearman} />
                    </td>
                    <td>
                      <QValue q={r.spearman.q} />
                    </td>
                  </>
                ) : (
                  <td colSpan={2}>
                    <Unavailable result={r.spearman} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
