// The night as a picture: a hypnogram-style band with one row per position (upright at the top, prone at the
// bottom), each run of a position a block in its colour joined by a step line, turns marked along the top, out-of-bed
// episodes, missing data and non-wear shaded across the band. A second chart draws the lying roll second by second.
// Both draw only what is in view, so a full night at 1-s resolution (about 30,000 epochs) zooms and pans smoothly.
import uPlot from 'uplot';
import type { TurnMark } from '../lib/detail.js';
import type { Interval, PostureSeries } from '../lib/posture.js';
import { POSTURE_ROWS, POSTURE_STYLE, postureAtLevel } from '../lib/posture.js';
import { axis, clipped, eachVisible, hatch, INK, shadeSpans, timeAxis } from './canvas.js';

export interface NightMarks {
  turns: readonly TurnMark[];
  outOfBed: readonly Interval[];
  gaps: readonly Interval[];
  nonWear: readonly Interval[];
}

export const MARK_STYLE = {
  outOfBed: { label: 'Out of bed', color: '#b35c00' },
  gap: { label: 'No data', color: '#8c8c8c' },
  nonWear: { label: 'Not worn', color: '#6b3fa0' },
  turn: { label: 'Turn', color: INK },
} as const;

const ROWS = POSTURE_ROWS.length;

function drawBand(u: uPlot, series: PostureSeries, marks: NightMarks): void {
  const rowHeight = Math.abs(u.valToPos(0, 'y', true) - u.valToPos(1, 'y', true));
  // Episodes and missing data under the blocks, so the blocks stay legible on top.
  shadeSpans(u, marks.outOfBed, hatch(u.ctx, MARK_STYLE.outOfBed.color));
  shadeSpans(u, marks.gaps, hatch(u.ctx, MARK_STYLE.gap.color, true));
  shadeSpans(u, marks.nonWear, hatch(u.ctx, MARK_STYLE.nonWear.color, true));
  clipped(u, (ctx) => {
    const half = rowHeight * 0.36;
    eachVisible(u, series.runs, (left, right, run) => {
      const y = u.valToPos(ROWS - 1 - POSTURE_ROWS.indexOf(run.posture), 'y', true);
      ctx.fillStyle = POSTURE_STYLE[run.posture].color;
      ctx.fillRect(left, y - half, right - left, half * 2);
    });
  });
}

function drawTurns(u: uPlot, turns: readonly TurnMark[]): void {
  if (turns.length === 0) return;
  const ratio = devicePixelRatio || 1;
  const size = 5 * ratio;
  clipped(u, (ctx) => {
    ctx.fillStyle = MARK_STYLE.turn.color;
    const top = u.bbox.top + 1;
    eachVisible(u, turns, (left, right) => {
      const x = (left + right) / 2;
      ctx.beginPath();
      ctx.moveTo(x - size, top);
      ctx.lineTo(x + size, top);
      ctx.lineTo(x, top + size * 1.6);
      ctx.closePath();
      ctx.fill();
    });
  });
}

const CURSOR: uPlot.Cursor = {
  drag: { x: false, y: false, setScale: false },
  sync: { key: 'night', setSeries: false },
  points: { show: false },
  y: false,
};

/** The band: y levels 0 (prone) to 4 (upright). */
export function postureBandOptions(series: PostureSeries, marks: NightMarks): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    scales: { x: { time: true }, y: { auto: false, range: [-0.5, ROWS - 0.5] } },
    legend: { show: true, live: true },
    cursor: CURSOR,
    axes: [
      timeAxis(),
      axis({
        size: 108,
        splits: () => [0, 1, 2, 3, 4],
        values: (_u, splits) => splits.map((l) => POSTURE_STYLE[postureAtLevel(l)!].label),
        grid: { show: false },
      }),
    ],
    series: [
      { label: 'Time' },
      {
        label: 'Position',
        stroke: INK,
        width: 1,
        paths: uPlot.paths.stepped!({ align: 1 }),
        points: { show: false },
        value: (_u, v) => (v === null || v === undefined ? 'no data' : POSTURE_STYLE[postureAtLevel(v)!].label),
      },
    ],
    hooks: { drawClear: [(u) => drawBand(u, series, marks)], draw: [(u) => drawTurns(u, marks.turns)] },
  };
}

/** The lying roll, -180 to 180 degrees: supine 0, left +90, right -90, prone at both ends. */
export function rollOptions(): Omit<uPlot.Options, 'width' | 'height'> {
  const names: Record<number, string> = { [-180]: 'prone', [-90]: 'right', 0: 'supine', 90: 'left', 180: 'prone' };
  return {
    scales: { x: { time: true }, y: { auto: false, range: [-180, 180] } },
    legend: { show: true, live: true },
    cursor: CURSOR,
    axes: [
      timeAxis(),
      axis({
        size: 108,
        splits: () => [-180, -90, 0, 90, 180],
        values: (_u, splits) => splits.map((d) => `${names[d]} ${d}°`),
        label: 'Lying roll',
      }),
    ],
    series: [
      { label: 'Time' },
      {
        label: 'Roll',
        stroke: '#1f3a5f',
        width: 1,
        points: { show: false },
        value: (_u, v) => (v === null || v === undefined ? '–' : `${v.toFixed(0)}°`),
      },
    ],
  };
}
