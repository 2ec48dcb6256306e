// One morning: range of motion over the first two hours against the person's reference, time to loosen, the time to
// sit up, and the stiffness reported for that morning beside it.
import type { MorningDetail } from '@restpose/api';
import { useMemo } from 'preact/hooks';
import { Chart } from '../charts/chart.js';
import { DIRECTIONS, directionOptions, romData, sagittalOptions, THRESHOLD } from '../charts/rom.js';
import { Load, RED_FLAG_WORDS, Section, Swatch, useTitle } from '../components.js';
import * as detail from '../lib/detail.js';
import { clock, day, minutes, num, percent } from '../lib/format.js';
import { href } from '../lib/router.js';
import { useApi } from '../lib/use-api.js';
import { DayNav } from './day-nav.js';
import { subjectName } from './patients.js';

export function MorningView({ subjectRef, date }: { subjectRef: string; date: string }) {
  useTitle(`Morning of ${date}`);
  const morning = useApi<MorningDetail>(`/subjects/${encodeURIComponent(subjectRef)}/mornings/${date}`);
  return (
    <>
      <DayNav kind="morning" subjectRef={subjectRef} date={date} />
      <Load loaded={morning} what={`the morning of ${date}`}>
        {(data) => <Morning data={data} subjectRef={subjectRef} />}
      </Load>
    </>
  );
}

function Morning({ data, subjectRef }: { data: MorningDetail; subjectRef: string }) {
  const { morning, report } = data;
  const parts = useMemo(() => {
    const windows = detail.romWindows(data.windows);
    const reference = detail.romReference(data.reference);
    return {
      windows,
      reference,
      data: romData(windows),
      sagittal: sagittalOptions(reference, data.timeToLoosenMin),
      directions: directionOptions(reference, data.timeToLoosenMin),
    };
  }, [data]);
  const reasons = [detail.text(data.detail, 'timeToLoosenReason'), detail.text(data.detail, 'referenceReason')];
  const firstUpright =
    detail.numberOr(data.detail.timeToFirstUprightSeconds) ?? morning.metrics.time_to_first_upright_s;
  return (
    <>
      <h1>
        Morning of {day(morning.date)} <span class="subtitle">{subjectName(data.subject)}</span>
      </h1>
      <p class="lede">
        Final rise at {clock(morning.start)}.{' '}
        <a href={href({ view: 'night', ref: subjectRef, date: morning.date })}>← The night before</a>
      </p>
      <div class="columns wide-left">
        <Section title="Loosening up" id="loosen">
          <p class="big" data-testid="time-to-loosen" data-value={data.timeToLoosenMin ?? ''}>
            {data.timeToLoosenMin === null ? (
              <>Did not loosen within two hours{reasons[0] ? `: ${reasons[0]}` : ''}</>
            ) : (
              <>
                Loosened after <strong>{minutes(data.timeToLoosenMin)}</strong>
              </>
            )}
          </p>
          <p class="muted">
            Time to loosen: the first 5-minute window whose sagittal range reaches {percent(THRESHOLD)} of the person’s
            reference (their range 3 to 5 hours after rising
            {parts.reference?.sagittalRangeDeg != null ? `: ${num(parts.reference.sagittalRangeDeg, 0)}°` : ''}).
            {parts.reference === null && reasons[1] ? ` No reference: ${reasons[1]}.` : ''}
          </p>
          <Chart
            options={parts.sagittal}
            data={parts.data.sagittal}
            height={240}
            label="Sagittal range of motion per 5-minute window against the reference, with the time to loosen"
            testId="rom-chart"
          />
          <ul class="legend" aria-label="Legend">
            <li>
              <Swatch color="#1a1a1a" /> Sagittal range (flexion + extension)
            </li>
            <li>
              <Swatch color="#0072b2" /> Reference and 90% of it (dashed)
            </li>
            <li>
              <span class="swatch-vline" aria-hidden="true" /> Time to loosen
            </li>
          </ul>
        </Section>
        <Section title="Reported that morning" id="report">
          <Report report={report} firstUpright={firstUpright} />
        </Section>
      </div>
      <Section title="Flexion, extension and lateral bending" id="directions">
        <Chart
          options={parts.directions}
          data={parts.data.directions}
          height={260}
          label="Flexion, extension, left and right lateral bending per 5-minute window, with the reference of each"
          testId="direction-chart"
        />
        <ul class="legend" aria-label="Legend">
          {DIRECTIONS.map((d) => (
            <li key={d.key}>
              <Swatch color={d.color} /> {d.label}
            </li>
          ))}
          <li class="muted">Thin dotted lines: the reference of each direction</li>
        </ul>
        <details>
          <summary>The windows as a table</summary>
          <WindowTable windows={parts.windows} />
        </details>
      </Section>
    </>
  );
}

function Report({
  report,
  firstUpright,
}: {
  report: MorningDetail['report'];
  firstUpright: number | null | undefined;
}) {
  const sittingUp = (
    <>
      <dt>Sitting up took</dt>
      <dd>{firstUpright == null ? 'not measured' : `${num(firstUpright, 0)} s`}</dd>
    </>
  );
  if (!report)
    return (
      <>
        <p class="muted">No stiffness report for this morning.</p>
        <dl class="report">{sittingUp}</dl>
      </>
    );
  const flags = Object.entries(report.redFlags).filter(([, v]) => v === true);
  return (
    <dl class="report" data-testid="report">
      <dt>Stiffness severity (BASDAI 5)</dt>
      <dd>
        <strong>{report.severity}</strong> / 10
      </dd>
      <dt>Stiffness duration (BASDAI 6)</dt>
      <dd>{report.durationMin >= 120 ? '2 hours or more' : minutes(report.durationMin)}</dd>
      <dt>Pain</dt>
      <dd>{report.pain === null ? 'not reported' : `${report.pain} / 10`}</dd>
      <dt>Red flags</dt>
      <dd>{flags.length === 0 ? 'none reported' : flags.map(([k]) => RED_FLAG_WORDS[k] ?? k).join('; ')}</dd>
      {report.note && (
        <>
          <dt>Note</dt>
          <dd>{report.note}</dd>
        </>
      )}
      <dt>Source</dt>
      <dd>{report.source}</dd>
      {sittingUp}
    </dl>
  );
}

function WindowTable({ windows }: { windows: readonly detail.RomWindow[] }) {
  return (
    <table class="compact">
      <thead>
        <tr>
          <th scope="col">Minutes</th>
          <th scope="col">Sagittal range</th>
          <th scope="col">Of reference</th>
          {DIRECTIONS.map((d) => (
            <th scope="col" key={d.key}>
              {d.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {windows.map((w) => (
          <tr key={w.minutesFromRise}>
            <th scope="row">{w.minutesFromRise}</th>
            <td>{num(w.sagittalRangeDeg)}°</td>
            <td>{percent(w.shareOfReference)}</td>
            {DIRECTIONS.map((d) => (
              <td key={d.key}>{num(w[d.key])}°</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
