// Trends of one subject: a night metric and a next-morning outcome across weeks (each night as a point, weekly means
// as lines, two y axes), and the outcome against the metric as a scatter with the fitted least-squares line.
import type { Trends } from '@restpose/api';
import type uPlot from 'uplot';
import { axisLabel, metricLabel } from '../lib/catalogue.js';
import { axis, dateAxis, INK } from './canvas.js';

const METRIC_COLOR = '#0072b2';
const OUTCOME_COLOR = '#c24e00';
const DAY_S = 86_400;

const noon = (date: string) => Date.parse(`${date}T12:00:00Z`) / 1000;

/** Names on screen: the catalogue's description, not the code name. */
function names(t: Trends) {
  const metric = metricLabel(t.metric.name);
  const outcome = metricLabel(t.outcome.name);
  return { metric, outcome, metricAxis: axisLabel(`${metric} (${t.metric.unit})`), outcomeAxis: axisLabel(outcome) };
}

export function timelineData(t: Trends): uPlot.AlignedData {
  // Weekly means sit mid-week (Thursday); nights at noon of their date.
  const xs = [...new Set([...t.points.map((p) => noon(p.date)), ...t.weeks.map((w) => noon(w.week) + 3 * DAY_S)])];
  xs.sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const column = () => new Array<number | null>(xs.length).fill(null);
  const [m, o, wm, wo] = [column(), column(), column(), column()];
  for (const p of t.points) {
    const i = index.get(noon(p.date))!;
    m[i] = p.metric;
    o[i] = p.outcome;
  }
  for (const w of t.weeks) {
    const i = index.get(noon(w.week) + 3 * DAY_S)!;
    wm[i] = w.metric;
    wo[i] = w.outcome;
  }
  return [xs, m, o, wm, wo];
}

export function timelineOptions(t: Trends): Omit<uPlot.Options, 'width' | 'height'> {
  const n = names(t);
  const dots = (color: string): uPlot.Series => ({
    stroke: color,
    width: 0,
    paths: () => null,
    points: { show: true, size: 6, stroke: color, fill: '#fff' },
  });
  return {
    scales: { x: { time: true }, m: {}, o: {} },
    cursor: { drag: { x: true, y: false, setScale: true } },
    axes: [
      dateAxis(),
      axis({ scale: 'm', label: n.metricAxis, stroke: METRIC_COLOR }),
      axis({ scale: 'o', label: n.outcomeAxis, side: 1, stroke: OUTCOME_COLOR, grid: { show: false } }),
    ],
    series: [
      { label: 'Date' },
      { ...dots(METRIC_COLOR), label: `${n.metric}, each night`, scale: 'm' },
      { ...dots(OUTCOME_COLOR), label: `${n.outcome}, next morning`, scale: 'o' },
      { label: 'weekly mean (night)', scale: 'm', stroke: METRIC_COLOR, width: 2.5, spanGaps: true },
      { label: 'weekly mean (morning)', scale: 'o', stroke: OUTCOME_COLOR, width: 2.5, dash: [8, 4], spanGaps: true },
    ],
  };
}

export function scatterData(t: Trends): uPlot.AlignedData {
  const points = [...t.points].sort((a, b) => a.metric - b.metric);
  const xs = points.map((p) => p.metric);
  const line = t.link.slope.status === 'ok' ? t.link.slope : null;
  // The fitted line by its two ends only: uPlot would otherwise snap every point to a pixel and kink it.
  const fit = (x: number, i: number) =>
    line && (i === 0 || i === xs.length - 1) ? line.intercept + line.value * x : null;
  return [xs, points.map((p) => p.outcome), xs.map(fit)];
}

export function scatterOptions(t: Trends): Omit<uPlot.Options, 'width' | 'height'> {
  const n = names(t);
  return {
    mode: 1,
    scales: { x: { time: false }, y: {} },
    cursor: { drag: { x: false, y: false, setScale: false } },
    axes: [axis({ label: `${n.metric} (${t.metric.unit})` }), axis({ label: n.outcomeAxis })],
    series: [
      { label: n.metric },
      {
        label: n.outcome,
        stroke: OUTCOME_COLOR,
        paths: () => null,
        points: { show: true, size: 7, stroke: OUTCOME_COLOR, fill: '#fff' },
      },
      { label: 'Fitted line', stroke: INK, width: 2, points: { show: false }, spanGaps: true },
    ],
  };
}
