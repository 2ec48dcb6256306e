// Stiffness against the nights, week by week: a chosen night metric and a next-morning outcome over time, their
// scatter with the fitted line and the link statistics, and the flags with their evidence.
import type { Trends } from '@restpose/api';
import type { NightMetricName, Role } from '@restpose/protocol';
import { useMemo } from 'preact/hooks';
import { Chart } from '../charts/chart.js';
import { scatterData, scatterOptions, timelineData, timelineOptions } from '../charts/trends.js';
import { Load, Section, SubjectFlags, useTitle } from '../components.js';
import { metricLabel, NIGHT_METRIC_NAMES, NIGHT_METRICS, OUTCOMES, type OutcomeName } from '../lib/catalogue.js';
import { addDays, num, pValue, todayUtc } from '../lib/format.js';
import { href, navigate, type Route } from '../lib/router.js';
import { useApi } from '../lib/use-api.js';
import { Effect, isComputed, QValue, Unavailable } from '../stats.js';
import { subjectName } from './patients.js';

const WEEKS = [4, 8, 12, 26, 52];
const DEFAULTS = { metric: 'longest_immobile_bout_min', outcome: 'stiffness_duration_min', weeks: '12' };

type TrendsRoute = Extract<Route, { view: 'trends' }>;

export function TrendsView({ route, role }: { route: TrendsRoute; role: Role }) {
  const metric = (route.metric && route.metric in NIGHT_METRICS ? route.metric : DEFAULTS.metric) as NightMetricName;
  const outcome = (route.outcome && route.outcome in OUTCOMES ? route.outcome : DEFAULTS.outcome) as OutcomeName;
  const weeks = WEEKS.includes(Number(route.weeks)) ? Number(route.weeks) : Number(DEFAULTS.weeks);
  const to = todayUtc();
  const from = addDays(to, -(weeks * 7 - 1));
  const base = `/subjects/${encodeURIComponent(route.ref)}`;
  const trends = useApi<Trends>(`${base}/trends?metric=${metric}&outcome=${outcome}&from=${from}&to=${to}`);
  useTitle('Trends');
  const set = (change: Partial<TrendsRoute>) =>
    navigate({ ...route, metric, outcome, weeks: String(weeks), ...change });

  return (
    <>
      <p>
        <a href={href({ view: 'subject', ref: route.ref })}>← Back to the nights and mornings</a>
      </p>
      <h1>
        Trends <span class="subtitle">{trends.state === 'ok' ? subjectName(trends.data.subject) : route.ref}</span>
      </h1>
      <form class="controls" onSubmit={(e) => e.preventDefault()} aria-label="What to compare">
        <label>
          Night metric
          <select value={metric} onChange={(e) => set({ metric: e.currentTarget.value })}>
            {NIGHT_METRIC_NAMES.map((n) => (
              <option key={n} value={n}>
                {NIGHT_METRICS[n].description} ({NIGHT_METRICS[n].unit})
              </option>
            ))}
          </select>
        </label>
        <label>
          Morning outcome
          <select value={outcome} onChange={(e) => set({ outcome: e.currentTarget.value })}>
            {Object.entries(OUTCOMES).map(([n, label]) => (
              <option key={n} value={n}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Period
          <select value={String(weeks)} onChange={(e) => set({ weeks: e.currentTarget.value })}>
            {WEEKS.map((w) => (
              <option key={w} value={String(w)}>
                last {w} weeks
              </option>
            ))}
          </select>
        </label>
      </form>
      <Load loaded={trends} what="the trends">
        {(data) => <TrendCharts data={data} />}
      </Load>
      {role !== 'researcher' && <SubjectFlags base={base} />}
    </>
  );
}

function TrendCharts({ data }: { data: Trends }) {
  const charts = useMemo(
    () => ({
      timeline: { options: timelineOptions(data), data: timelineData(data) },
      scatter: { options: scatterOptions(data), data: scatterData(data) },
    }),
    [data],
  );
  if (data.points.length === 0) {
    return (
      <p class="muted">
        No night in this period has both {metricLabel(data.metric.name)} and {metricLabel(data.outcome.name)}.
      </p>
    );
  }
  return (
    <>
      <Section title="Week by week" id="timeline">
        <p class="muted">
          Each night as a point ({data.metric.description}, left axis; {data.outcome.description} the next morning,
          right axis) and the weekly means as lines. Drag across the chart to zoom, double-click to reset.
        </p>
        <Chart
          options={charts.timeline.options}
          data={charts.timeline.data}
          height={280}
          label={`${metricLabel(data.metric.name)} and ${metricLabel(data.outcome.name)} over time`}
          testId="trend-timeline"
        />
      </Section>
      <div class="columns">
        <Section title="The outcome against the metric" id="scatter">
          <Chart
            options={charts.scatter.options}
            data={charts.scatter.data}
            height={280}
            label={`${metricLabel(data.outcome.name)} against ${metricLabel(data.metric.name)}, one point per night, with the fitted line`}
            testId="trend-scatter"
          />
        </Section>
        <Section title="How strongly they go together" id="link">
          <LinkStats data={data} />
        </Section>
      </div>
    </>
  );
}

function LinkStats({ data }: { data: Trends }) {
  const { link } = data;
  return (
    <>
      <table data-testid="link-stats">
        <caption class="muted">
          {link.n} nights with both values; 95% confidence intervals in brackets. One person’s nights: an association,
          not a cause.
        </caption>
        <thead>
          <tr>
            <th scope="col">Statistic</th>
            <th scope="col">Value [95% CI]</th>
            <th scope="col">p</th>
            <th scope="col">q</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Pearson r</th>
            {isComputed(link.pearson) ? (
              <>
                <td>
                  <Effect value={link.pearson.r} result={link.pearson} />
                </td>
                <td>{pValue(link.pearson.p)}</td>
                <td>
                  <QValue q={link.pearson.q} />
                </td>
              </>
            ) : (
              <td colSpan={3}>
                <Unavailable result={link.pearson} />
              </td>
            )}
          </tr>
          <tr>
            <th scope="row">Spearman ρ</th>
            {isComputed(link.spearman) ? (
              <>
                <td>
                  <Effect value={link.spearman.rho} result={link.spearman} />
                </td>
                <td>{pValue(link.spearman.p)}</td>
                <td>
                  <QValue q={link.spearman.q} />
                </td>
              </>
            ) : (
              <td colSpan={3}>
                <Unavailable result={link.spearman} />
              </td>
            )}
          </tr>
          <tr>
            <th scope="row">
              Slope ({data.outcome.unit} per {data.metric.unit})
            </th>
            {isComputed(link.slope) ? (
              <td colSpan={3}>
                <Effect value={link.slope.value} result={link.slope} />, intercept {num(link.slope.intercept, 2)}, R²{' '}
                {num(link.slope.r2, 2)}
              </td>
            ) : (
              <td colSpan={3}>
                <Unavailable result={link.slope} />
              </td>
            )}
          </tr>
        </tbody>
      </table>
      <p class="muted">Algorithms: {[...data.algorithms.night, ...data.algorithms.morning].join(', ') || 'none'}.</p>
    </>
  );
}
