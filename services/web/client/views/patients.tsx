// The patient list a clinician opens with: flagged patients first (the API's order: most severe flag, then number
// of flags), each with last night's summary, last morning's time to loosen and the latest reported stiffness.
import type { PatientList, SubjectSummary } from '@restpose/api';
import { flagKind, Load, SeverityBadge, useTitle } from '../components.js';
import { day, metric, minutes, percent } from '../lib/format.js';
import { href } from '../lib/router.js';
import { useApi } from '../lib/use-api.js';

export function subjectName(s: SubjectSummary['subject']): string {
  return s.displayName ? `${s.displayName} (${s.studyCode})` : s.studyCode;
}

/** How the dashboard names a subject in URLs: the id, or for researchers (who never see ids) the study code. */
export const subjectRef = (s: { id?: string | undefined; studyCode: string }): string => s.id ?? s.studyCode;

export function PatientsView() {
  useTitle('Patients');
  const patients = useApi<PatientList>('/patients');
  return (
    <>
      <h1>Patients</h1>
      <Load loaded={patients} what="the patient list">
        {(data) =>
          data.patients.length === 0 ? (
            <p class="muted">No patients yet. An administrator assigns patients to clinicians.</p>
          ) : (
            <div class="table-scroll">
              <table class="patients">
                <caption>
                  {data.patients.length} patients, flagged first; the last 28 days up to {day(data.asOf)}. Flags are{' '}
                  {data.note}.
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Patient</th>
                    <th scope="col">Flags</th>
                    <th scope="col">Last night</th>
                    <th scope="col">Time in bed</th>
                    <th scope="col">Supine</th>
                    <th scope="col">Longest still</th>
                    <th scope="col">Time to loosen</th>
                    <th scope="col">Latest stiffness</th>
                  </tr>
                </thead>
                <tbody>
                  {data.patients.map((p) => (
                    <PatientRow key={p.subject.studyCode} patient={p} />
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Load>
    </>
  );
}

function PatientRow({ patient: p }: { patient: SubjectSummary }) {
  const night = p.lastNight?.metrics ?? {};
  const report = p.latestReport;
  return (
    <tr data-testid="patient-row">
      <th scope="row">
        <a href={href({ view: 'subject', ref: subjectRef(p.subject) })}>{subjectName(p.subject)}</a>
      </th>
      <td>
        {p.flags.length === 0 ? (
          <span class="muted">none</span>
        ) : (
          <ul class="inline">
            {p.flags.map((f) => (
              <li key={f.kind + f.summary} title={f.summary}>
                <SeverityBadge severity={f.severity} /> {flagKind(f.kind)}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>{p.lastNight ? day(p.lastNight.date) : <span class="muted">no night yet</span>}</td>
      <td>{minutes(night.time_in_bed_min)}</td>
      <td>{percent(night.share_supine)}</td>
      <td>{minutes(night.longest_immobile_bout_min)}</td>
      <td>{metric(p.lastMorning?.metrics.time_to_loosen_min, 'min')}</td>
      <td>
        {report ? (
          <>
            {report.severity}/10 for {minutes(report.durationMin)} <span class="muted">({day(report.date)})</span>
          </>
        ) : (
          <span class="muted">no report</span>
        )}
      </td>
    </tr>
  );
}
