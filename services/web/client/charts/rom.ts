// The morning as a curve: range of motion per 5-minute window over the two hours after the final rise, against the
// person's own reference (their range 3 to 5 hours after rising), with the time to loosen marked.
import type uPlot from 'uplot';
import type { RomReference, RomWindow } from '../lib/detail.js';
import { axis, hline, INK, vline } from './canvas.js';

/** Line styles that differ in colour, dash and point shape, so no direction relies on colour alone. */
export const DIRECTIONS = [
  { key: 'flexionDeg', label: 'Flexion', color: '#0072b2', dash: [] as number[] },
  { key: 'extensionDeg', label: 'Extension', color: '#c24e00', dash: [8, 4] },
  { key: 'lateralLeftDeg', label: 'Lateral left', color: '#007e5c', dash: [2, 3] },
  { key: 'lateralRightDeg', label: 'Lateral right', color: '#a4508b', dash: [10, 3, 2, 3] },
] as const;

const LOOSEN_COLOR = '#1a1a1a';
export const THRESHOLD = 0.9;

const cursor: uPlot.Cursor = { drag: { x: false, y: false, setScale: false }, sync: { key: 'morning' } };
const xAxis = axis({ label: 'Minutes after the final rise (window start)', values: (_u, s) => s.map((v) => `${v}`) });
const deg = (_u: uPlot, v: number | null) => (v === null || v === undefined ? '–' : `${v.toFixed(1)}°`);

function loosenMark(u: uPlot, timeToLoosen: number | null): void {
  if (timeToLoosen !== null)
    vline(u, timeToLoosen, LOOSEN_COLOR, `loosened at ${Math.round(timeToLoosen)} min`, [6, 4]);
}

/** The sagittal chart's data and the directions chart's, on one x (the windows' minutes after rising). */
export function romData(windows: readonly RomWindow[]): { sagittal: uPlot.AlignedData; directions: uPlot.AlignedData } {
  const x = windows.map((w) => w.minutesFromRise);
  return {
    sagittal: [x, windows.map((w) => w.sagittalRangeDeg)],
    directions: [x, ...DIRECTIONS.map((d) => windows.map((w) => w[d.key]))],
  };
}

/** Sagittal range (flexion + extension) per window, the reference and 90% of it, and the time to loosen. */
export function sagittalOptions(
  reference: RomReference | null,
  timeToLoosen: number | null,
): Omit<uPlot.Options, 'width' | 'height'> {
  const ref = reference?.sagittalRangeDeg ?? null;
  return {
    scales: {
      x: { time: false, range: [0, 120] },
      y: { range: (_u, _min, max) => [0, Math.max(max, ref ?? 0) * 1.1] },
    },
    cursor,
    axes: [xAxis, axis({ label: 'Sagittal range (°)' })],
    series: [
      { label: 'Minute' },
      { label: 'Sagittal range', stroke: INK, width: 2, points: { show: true, size: 7, fill: INK }, value: deg },
    ],
    hooks: {
      draw: [
        (u) => {
          if (ref !== null) {
            hline(u, ref, 'y', '#0072b2', `reference ${ref.toFixed(0)}°`);
            hline(u, ref * THRESHOLD, 'y', '#0072b2', '90% of reference', [4, 4], true);
          }
          loosenMark(u, timeToLoosen);
        },
      ],
    },
  };
}

/** Flexion, extension and lateral bending per window, each with the person's reference as a thin line. */
export function directionOptions(
  reference: RomReference | null,
  timeToLoosen: number | null,
): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    scales: { x: { time: false, range: [0, 120] }, y: { range: (_u, _min, max) => [0, Math.max(max, 10) * 1.15] } },
    cursor,
    axes: [xAxis, axis({ label: 'Degrees from upright' })],
    series: [
      { label: 'Minute' },
      ...DIRECTIONS.map((d) => ({
        label: d.label,
        stroke: d.color,
        width: 2,
        dash: [...d.dash],
        points: { show: true, size: 6, stroke: d.color },
        value: deg,
      })),
    ],
    hooks: {
      draw: [
        (u) => {
          for (const d of DIRECTIONS) {
            const value = reference?.[d.key] ?? null;
            if (value !== null) hline(u, value, 'y', d.color, '', [1, 3]);
          }
          loosenMark(u, timeToLoosen);
        },
      ],
    },
  };
}
