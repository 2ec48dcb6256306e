// One subject at a glance: open flags with their evidence (clinicians and admins), the nights and mornings of the
// last four weeks, the stiffness diary, and the posture of the last 24 hours (live data, before any night is final).
import type { DaySummary, EpochList, ReportList, SubjectOut } from '@restpose/api';
import type { Role } from '@restpose/protocol';
import { useMemo } from 'preact/hooks';
import { NightBand } from '../charts/night-band.js';
import { Load, Section, SubjectFlags, useTitle } from '../components.js';
import { day, metric, minutes, num, percent } from '../lib/format.js';
import { postureSeries } from '../lib/posture.js';
import { href } from '../lib/router.js';
import { useApi } from '../lib/use-api.js';
import { subjectName } from './patients.js';

const NO_MARKS = { turns: [], outOfBed: [], nonWear: [] };

export function SubjectView({ subjectRef, role }: { subjectRef: string; role: Role }) {
  const base = `/subjects/${encodeURIComponent(subjectRef)}`;
  const subject = useApi<{ subject: SubjectOut }>(base);
  const name = subject.state === 'ok' ? subjectName(subject.data.subject) : subjectRef;
  useTitle(name);
  return (
    <>
      <h1>{name}</h1>
      {subject.state === 'ok' && (
        <p class="lede">
          Study code {subject.data.subject.studyCode}
          {subject.data.subject.cohort ? `, cohort ${subject.data.subject.cohort}` : ''}.{' '}
          <a href={href({ view: 'trends', ref: subjectRef })}>Stiffness against the nights, week by week →</a>
        </p>
      )}
      {role !== 'researcher' && <SubjectFlags base={base} />}
      <div class="columns">
        <Nights base={base} subjectRef={subjectRef} />
        <Mornings base={base} subjectRef={subjectRef} />
      </div>
      <Diary base={base} />
      <RecentPosture base={base} />
    </>
  );
}

function Nights({ base, subjectRef }: { base: string; subjectRef: string }) {
  const nights = useApi<{ nights: DaySummary[] }>(`${base}/nights`);
  return (
    <Section title="Nights, last 28 days" id="nights">
      <Load loaded={nights} what="the nights">
        {(data) =>
          data.nights.length === 0 ? (
            <p class="muted">No night has been analysed yet. The posture of the last 24 hours is below.</p>
          ) : (
            <table data-testid="nights-table">
              <thead>
                <tr>
                  <th scope="col">Night of</th>
                  <th scope="col">In bed</th>
                  <th scope="col">Supine</th>
                  <th scope="col">Longest still</th>
                  <th scope="col">Turns</th>
                </tr>
              </thead>
              <tbody>
                {[...data.nights].reverse().map((n) => (
                  <tr key={n.date}>
                    <th scope="row">
                      <a href={href({ view: 'night', ref: subjectRef, date: n.date })}>{day(n.date)}</a>
                    </th>
                    <td>{minutes(n.metrics.time_in_bed_min)}</td>
                    <td>{percent(n.metrics.share_supine)}</td>
                    <td>{minutes(n.metrics.longest_immobile_bout_min)}</td>
                    <td>{metric(n.metrics.turns_per_hour, '1/h')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Load>
    </Section>
  );
}

function Mornings({ base, subjectRef }: { base: string; subjectRef: string }) {
  const mornings = useApi<{ mornings: DaySummary[] }>(`${base}/mornings`);
  return (
    <Section title="Mornings, last 28 days" id="mornings">
      <Load loaded={mornings} what="the mornings">
        {(data) =>
          data.mornings.length === 0 ? (
            <p class="muted">No morning has been analysed yet.</p>
          ) : (
            <table data-testid="mornings-table">
              <thead>
                <tr>
                  <th scope="col">Morning of</th>
                  <th scope="col">Time to loosen</th>
                  <th scope="col">Range, first 30 min</th>
                </tr>
              </thead>
              <tbody>
                {[...data.mornings].reverse().map((m) => (
                  <tr key={m.date}>
                    <th scope="row">
                      <a href={href({ view: 'morning', ref: subjectRef, date: m.date })}>{day(m.date)}</a>
                    </th>
                    <td>{metric(m.metrics.time_to_loosen_min, 'min')}</td>
                    <td>{metric(m.metrics.rom_first_30min_deg, 'deg')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Load>
    </Section>
  );
}

function Diary({ base }: { base: string }) {
  const reports = useApi<ReportList>(`${base}/reports`);
  return (
    <Section title="Stiffness diary, last 28 days" id="diary">
      <Load loaded={reports} what="the diary">
        {(data) =>
          data.reports.length === 0 ? (
            <p class="muted">No stiffness reports.</p>
          ) : (
            <div class="table-scroll">
              <table class="compact">
                <thead>
                  <tr>
                    <th scope="col">Morning of</th>
                    <th scope="col">Severity (0-10)</th>
                    <th scope="col">Duration</th>
                    <th scope="col">Pain (0-10)</th>
                    <th scope="col">Red flags</th>
                  </tr>
                </thead>
                <tbody>
                  {[...data.reports].reverse().map((r) => (
                    <tr key={r.date}>
                      <th scope="row">{day(r.date)}</th>
                      <td>{r.severity}</td>
                      <td>{minutes(r.durationMin)}</td>
                      <td>{num(r.pain, 0)}</td>
                      <td>{Object.values(r.redFlags).some((v) => v === true) ? 'yes' : 'none'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Load>
    </Section>
  );
}

function RecentPosture({ base }: { base: string }) {
  const epochs = useApi<EpochList>(`${base}/epochs`);
  // One posture algorithm: the latest epoch's (a re-analysis leaves epochs of several side by side).
  const recent = useMemo(() => {
    if (epochs.state !== 'ok') return null;
    const algorithm = epochs.data.epochs.at(-1)?.algorithm;
    const chosen = epochs.data.epochs.filter((e) => e.algorithm === algorithm);
    return { algorithm, count: chosen.length, series: postureSeries(chosen) };
  }, [epochs]);
  return (
    <Section title="Posture, last 24 hours" id="recent">
      <Load loaded={epochs} what="the recent posture">
        {() =>
          recent && recent.count > 0 ? (
            <>
              <p class="muted">
                {recent.count.toLocaleString()} epochs from {recent.algorithm}, as the device streams them, before any
                night is final.{' '}
                <button type="button" class="link" onClick={epochs.reload}>
                  Refresh
                </button>
              </p>
              <NightBand series={recent.series} marks={NO_MARKS} label="The last 24 hours" />
            </>
          ) : (
            <p class="muted">No posture epochs in the last 24 hours.</p>
          )
        }
      </Load>
    </Section>
  );
}
