// Drawing helpers for uPlot hooks: x spans shaded or hatched across the plot, markers, labels, all clipped to the
// plot area and in canvas pixels (uPlot's canvas is scaled by the device pixel ratio).
import type uPlot from 'uplot';
import type { Interval } from '../lib/posture.js';

export const INK = '#1a1a1a';
export const MUTED_INK = '#4d4d4d';
export const GRID = '#d9d9d9';
export const FONT = '12px system-ui, sans-serif';

export function clipped(u: uPlot, draw: (ctx: CanvasRenderingContext2D) => void): void {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  draw(ctx);
  ctx.restore();
}

/** Index of the first interval ending after x (intervals sorted by start, not overlapping). */
export function firstEndingAfter(list: readonly Interval[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.end <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Calls draw(left, right) in canvas px for each interval in view. */
export function eachVisible<T extends Interval>(
  u: uPlot,
  list: readonly T[],
  draw: (left: number, right: number, item: T) => void,
): void {
  const min = u.scales.x!.min!;
  const max = u.scales.x!.max!;
  for (let i = firstEndingAfter(list, min); i < list.length; i++) {
    const item = list[i]!;
    if (item.start > max) break;
    const left = u.valToPos(Math.max(item.start, min), 'x', true);
    const right = u.valToPos(Math.min(item.end, max), 'x', true);
    draw(left, Math.max(right, left + 1), item);
  }
}

const patterns = new Map<string, CanvasPattern | null>();

/** A diagonal hatch in a colour, so shaded spans read without colour. */
export function hatch(ctx: CanvasRenderingContext2D, color: string, cross = false): CanvasPattern | string {
  const key = `${color}${cross}`;
  if (!patterns.has(key)) {
    const tile = document.createElement('canvas');
    tile.width = tile.height = 8;
    const t = tile.getContext('2d')!;
    t.strokeStyle = color;
    t.lineWidth = 1.5;
    t.beginPath();
    t.moveTo(0, 8);
    t.lineTo(8, 0);
    if (cross) {
      t.moveTo(0, 0);
      t.lineTo(8, 8);
    }
    t.stroke();
    patterns.set(key, ctx.createPattern(tile, 'repeat'));
  }
  return patterns.get(key) ?? color;
}

/** Shades x spans over the whole plot height. */
export function shadeSpans(u: uPlot, spans: readonly Interval[], fill: CanvasPattern | string): void {
  if (spans.length === 0) return;
  clipped(u, (ctx) => {
    ctx.fillStyle = fill;
    eachVisible(u, spans, (left, right) => ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height));
  });
}

/** A vertical line at x with a label beside it. */
export function vline(u: uPlot, x: number, color: string, label: string, dash: number[] = []): void {
  const px = u.valToPos(x, 'x', true);
  if (px < u.bbox.left || px > u.bbox.left + u.bbox.width) return;
  clipped(u, (ctx) => {
    const ratio = devicePixelRatio || 1;
    ctx.strokeStyle = color;
    ctx.lineWidth = 2 * ratio;
    ctx.setLineDash(dash.map((d) => d * ratio));
    ctx.beginPath();
    ctx.moveTo(px, u.bbox.top);
    ctx.lineTo(px, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = color;
    ctx.font = FONT.replace(/\d+px/, `${Math.round(12 * ratio)}px`);
    const width = ctx.measureText(label).width;
    const right = px + 4 * ratio + width < u.bbox.left + u.bbox.width;
    ctx.textAlign = right ? 'left' : 'right';
    ctx.fillText(label, right ? px + 4 * ratio : px - 4 * ratio, u.bbox.top + 14 * ratio);
  });
}

/** A horizontal line at y on a scale, with a label at the right end (above the line, or below it). */
export function hline(
  u: uPlot,
  y: number,
  scale: string,
  color: string,
  label: string,
  dash: number[] = [],
  below = false,
): void {
  const py = u.valToPos(y, scale, true);
  clipped(u, (ctx) => {
    const ratio = devicePixelRatio || 1;
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5 * ratio;
    ctx.setLineDash(dash.map((d) => d * ratio));
    ctx.beginPath();
    ctx.moveTo(u.bbox.left, py);
    ctx.lineTo(u.bbox.left + u.bbox.width, py);
    ctx.stroke();
    ctx.setLineDash([]);
    if (label) {
      ctx.fillStyle = color;
      ctx.font = FONT.replace(/\d+px/, `${Math.round(12 * ratio)}px`);
      ctx.textAlign = 'right';
      ctx.fillText(label, u.bbox.left + u.bbox.width - 4 * ratio, below ? py + 14 * ratio : py - 4 * ratio);
    }
  });
}

const hourMinute = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

/** A time axis in 24-hour clock time (the browser's zone), with the date under the first tick and at midnight. */
export function timeAxis(extra: uPlot.Axis = {}): uPlot.Axis {
  return axis({
    values: (_u, splits) =>
      splits.map((s, i) => {
        const d = new Date(s * 1000);
        const clock = hourMinute.format(d);
        return i === 0 || clock === '00:00' ? `${clock}\n${dayMonth.format(d)}` : clock;
      }),
    ...extra,
  });
}

/** A date axis: "6 Nov", the year under the first tick. */
export function dateAxis(extra: uPlot.Axis = {}): uPlot.Axis {
  return axis({
    values: (_u, splits) =>
      splits.map((s, i) => {
        const d = new Date(s * 1000);
        return i === 0 ? `${dayMonth.format(d)}\n${d.getFullYear()}` : dayMonth.format(d);
      }),
    ...extra,
  });
}

/** Axis colours with readable contrast. */
export function axis(extra: uPlot.Axis = {}): uPlot.Axis {
  return {
    stroke: INK,
    grid: { stroke: GRID, width: 1 },
    ticks: { stroke: GRID, width: 1 },
    font: FONT,
    labelFont: `bold ${FONT}`,
    ...extra,
  };
}
