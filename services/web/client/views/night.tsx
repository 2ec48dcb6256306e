// One night: the posture band across it (with turns, out-of-bed episodes, missing data and non-wear), time in each
// position, the night's metrics, turns and episodes, and how good the data was.
import type { NightDetail } from '@restpose/api';
import type { NightMetricName } from '@restpose/protocol';
import { useMemo } from 'preact/hooks';
import { NightBand } from '../charts/night-band.js';
import { Load, Section, Swatch, useTitle } from '../components.js';
import { NIGHT_METRIC_NAMES, NIGHT_METRICS } from '../lib/catalogue.js';
import * as detail from '../lib/detail.js';
import { clock, day, metric, minutes, num, percent } from '../lib/format.js';
import { type Interval, POSTURE_STYLE, type PositionTime, positionsFromEpochs, postureSeries } from '../lib/posture.js';
import { href } from '../lib/router.js';
import { useApi } from '../lib/use-api.js';
import { DayNav } from './day-nav.js';
import { subjectName } from './patients.js';

export function NightView({ subjectRef, date }: { subjectRef: string; date: string }) {
  useTitle(`Night of ${date}`);
  const night = useApi<NightDetail>(`/subjects/${encodeURIComponent(subjectRef)}/nights/${date}`);
  return (
    <>
      <DayNav kind="night" subjectRef={subjectRef} date={date} />
      <Load loaded={night} what={`the night of ${date}`}>
        {(data) => <Night data={data} subjectRef={subjectRef} />}
      </Load>
    </>
  );
}

function Night({ data, subjectRef }: { data: NightDetail; subjectRef: string }) {
  const { night } = data;
  const parts = useMemo(() => {
    const marks = {
      turns: detail.turns(data.turns),
      outOfBed: detail.intervals(data.outOfBedEpisodes),
      nonWear: detail.intervals(data.quality?.nonWear),
    };
    const positions = detail.positions(data.detail);
    return {
      series: postureSeries(data.epochs),
      marks,
      span: { start: Date.parse(night.start) / 1000, end: Date.parse(night.end) / 1000 },
      positions: positions ?? positionsFromEpochs(data.epochs),
      positionsSource: positions ? 'analysis' : 'epochs',
      quality: detail.quality(data.quality, data.detail),
      sleep: detail.sleepEstimate(data.detail),
    } as const;
  }, [data, night]);
  const resolution = data.epochs[0]?.durationS;
  return (
    <>
      <h1>
        Night of {day(night.date)} <span class="subtitle">{subjectName(data.subject)}</span>
      </h1>
      <p class="lede">
        In bed {clock(night.start)} to the final rise at {clock(night.end)} ({minutes(night.metrics.time_in_bed_min)}
        ). <a href={href({ view: 'morning', ref: subjectRef, date: night.date })}>The morning after →</a>
      </p>
      <Section title="Posture through the night" id="band">
        <p class="muted">
          {data.epochs.length.toLocaleString()} epochs
          {resolution ? ` of ${resolution} s` : ''} from {data.postureAlgorithm ?? 'an unknown algorithm'}; the night
          from {night.algorithm}.
        </p>
        <NightBand series={parts.series} marks={parts.marks} span={parts.span} label={`Night of ${night.date}`} />
      </Section>
      <div class="columns">
        <Section title="Time per position" id="positions">
          <PositionTable rows={parts.positions} source={parts.positionsSource} />
        </Section>
        <Section title="Night metrics" id="metrics">
          <MetricTable metrics={night.metrics} />
          {parts.sleep && (
            <p class="muted">
              Sleep is estimated from sustained inactivity, not measured: {minutes(parts.sleep.totalSleepMinutes)} (
              {percent(parts.sleep.sleepEfficiency)} of the time in bed).
            </p>
          )}
        </Section>
      </div>
      <div class="columns">
        <Section title="Turns and time out of bed" id="events">
          <EventLists turns={parts.marks.turns} outOfBed={parts.marks.outOfBed} />
        </Section>
        <Section title="Data quality" id="quality">
          <QualityList quality={parts.quality} epochGaps={parts.series.gaps} />
        </Section>
      </div>
    </>
  );
}

function PositionTable({ rows, source }: { rows: readonly PositionTime[]; source: 'analysis' | 'epochs' }) {
  return (
    <table data-testid="position-table">
      <caption class="muted">
        {source === 'analysis'
          ? 'From the night’s analysis (bouts of at least a minute).'
          : 'Counted from the posture epochs (the analysis kept no per-position figures).'}
      </caption>
      <thead>
        <tr>
          <th scope="col">Position</th>
          <th scope="col">Time</th>
          <th scope="col">Share</th>
          <th scope="col">Longest bout</th>
          <th scope="col">Bouts</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.posture} data-posture={r.posture}>
            <th scope="row">
              <Swatch color={POSTURE_STYLE[r.posture].color} /> {POSTURE_STYLE[r.posture].label}
            </th>
            <td data-minutes={r.minutes.toFixed(1)}>{minutes(r.minutes)}</td>
            <td>{percent(r.share)}</td>
            <td>{r.longestBoutMinutes === null ? '–' : minutes(r.longestBoutMinutes)}</td>
            <td>{r.bouts ?? '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MetricTable({ metrics }: { metrics: Record<string, number | null> }) {
  const known = NIGHT_METRIC_NAMES.filter((n) => n in metrics);
  const others = Object.keys(metrics)
    .filter((n) => !(n in NIGHT_METRICS))
    .sort();
  return (
    <table data-testid="night-metrics">
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {known.map((n: NightMetricName) => (
          <tr key={n}>
            <th scope="row" title={n}>
              {NIGHT_METRICS[n].description}
            </th>
            <td class="value">{metric(metrics[n], NIGHT_METRICS[n].unit)}</td>
          </tr>
        ))}
        {others.map((n) => (
          <tr key={n}>
            <th scope="row">{n.replaceAll('_', ' ')}</th>
            <td>{num(metrics[n], 2)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EventLists({ turns, outOfBed }: { turns: readonly detail.TurnMark[]; outOfBed: readonly Interval[] }) {
  return (
    <>
      <h3>
        {turns.length} {turns.length === 1 ? 'turn' : 'turns'}
      </h3>
      {turns.length > 0 && (
        <p class="times">
          {turns.map((t) => (
            <span key={t.start}>
              {clock(t.start * 1000)}
              {t.degrees !== null
                ? ` (${t.degrees > 0 ? 'towards the left' : 'towards the right'} ${Math.abs(Math.round(t.degrees))}°)`
                : ''}
            </span>
          ))}
        </p>
      )}
      <h3>
        {outOfBed.length} out-of-bed {outOfBed.length === 1 ? 'episode' : 'episodes'}
      </h3>
      {outOfBed.length > 0 && (
        <ul>
          {outOfBed.map((e) => (
            <li key={e.start}>
              {clock(e.start * 1000)} to {clock(e.end * 1000)} ({minutes((e.end - e.start) / 60)})
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function QualityList({ quality: q, epochGaps }: { quality: detail.Quality; epochGaps: readonly Interval[] }) {
  const gapMinutes = (list: readonly Interval[]) => minutes(list.reduce((s, g) => s + (g.end - g.start) / 60, 0));
  return (
    <dl class="quality" data-testid="quality">
      <dt>Missing data</dt>
      <dd>
        {q.missingMinutes === null ? 'not reported' : minutes(q.missingMinutes)}
        {q.gaps.length > 0 && ` (${q.gaps.length} gaps in the recording, ${gapMinutes(q.gaps)})`}
      </dd>
      <dt>Stretches without epochs</dt>
      <dd>{epochGaps.length === 0 ? 'none' : `${epochGaps.length}, ${gapMinutes(epochGaps)} in all`}</dd>
      <dt>Not worn</dt>
      <dd>{q.nonWearMinutes === null ? 'not reported' : minutes(q.nonWearMinutes)}</dd>
      <dt>Mounting</dt>
      <dd>
        {q.mounting
          ? `${q.mounting.source ?? 'unknown source'}, confidence ${percent(q.mounting.confidence)}`
          : 'not reported'}
      </dd>
      <dt>Calibration</dt>
      <dd>
        {q.calibration
          ? q.calibration.applied
            ? 'applied'
            : `not applied: ${q.calibration.reason ?? 'no reason given'}`
          : 'not reported'}
      </dd>
    </dl>
  );
}
