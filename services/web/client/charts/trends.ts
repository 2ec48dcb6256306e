// Trends of one subject: a night metric and a next-morning outcome across weeks (each night as a point, weekly means
// as lines, two y axes), and the outcome against the metric as a scatter with the fitted least-squares line.
import type { Trends } from '@restpose/api';
import type uPlot from 'uplot';
import { axis, INK } from './canvas.js';

const METRIC_COLOR = '#0072b2';
const OUTCOME_COLOR = '#c24e00';
const DAY_S = 86_400;

const noon = (date: string) => Date.parse(`${date}T12:00:00Z`) / 1000;

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
      axis(),
      axis({ scale: 'm', label: t.metric.name, stroke: METRIC_COLOR }),
      axis({ scale: 'o', label: t.outcome.name, side: 1, stroke: OUTCOME_COLOR, grid: { show: false } }),
    ],
    series: [
      { label: 'Date' },
      { ...dots(METRIC_COLOR), label: `${t.metric.name} (night)`, scale: 'm' },
      { ...dots(OUTCOME_COLOR), label: `${t.outcome.name} (morning)`, scale: 'o' },
      { label: `${t.metric.name}, weekly mean`, scale: 'm', stroke: METRIC_COLOR, width: 2.5, spanGaps: true },
      {
        label: `${t.outcome.name}, weekly mean`,
        scale: 'o',
        stroke: OUTCOME_COLOR,
        width: 2.5,
        dash: [8, 4],
        spanGaps: true,
      },
    ],
  };
}

export function scatterData(t: Trends): uPlot.AlignedData {
  const points = [...t.points].sort((a, b) => a.metric - b.metric);
  const xs = points.map((p) => p.metric);
  const line = t.link.slope.status === 'ok' ? t.link.slope : null;
  return [xs, points.map((p) => p.outcome), xs.map((x) => (line ? line.intercept + line.value * x : null))];
}

export function scatterOptions(t: Trends): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    mode: 1,
    scales: { x: { time: false }, y: {} },
    cursor: { drag: { x: false, y: false, setScale: false } },
    axes: [axis({ label: `${t.metric.description} (${t.metric.unit})` }), axis({ label: t.outcome.name })],
    series: [
      { label: t.metric.name },
      {
        label: t.outcome.name,
        stroke: OUTCOME_COLOR,
        paths: () => null,
        points: { show: true, size: 7, stroke: OUTCOME_COLOR, fill: '#fff' },
      },
      { label: 'Fitted line', stroke: INK, width: 2, points: { show: false } },
    ],
  };
}
