// The posture band and the roll line over one stretch of epochs, linked: one x range, zoomed and panned together
// by drag, wheel, the buttons or the keyboard on either chart. Marks the render time (performance.measure
// "posture-band") so the cost of a full night can be measured in the browser.
import { useCallback, useMemo, useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import { PostureLegend, Swatch } from '../components.js';
import type { PostureSeries } from '../lib/posture.js';
import { Chart } from './chart.js';
import { MARK_STYLE, type NightMarks, postureBandOptions, rollOptions } from './posture-band.js';
import { XRange } from './x-range.js';

export interface NightBandProps {
  series: PostureSeries;
  marks: Omit<NightMarks, 'gaps'>;
  /** The stretch shown when zoomed out (default: first to last epoch). */
  span?: { start: number; end: number };
  label: string;
}

export function NightBand({ series, marks, span, label }: NightBandProps) {
  const started = useRef(performance.now());
  const full = useMemo(() => span ?? { start: series.x[0] ?? 0, end: series.x.at(-1) ?? 1 }, [span, series]);
  const allMarks = useMemo(() => ({ ...marks, gaps: series.gaps }), [marks, series]);
  const range = useMemo(() => new XRange({ min: full.start, max: full.end }), [full]);
  const bandOptions = useMemo(() => postureBandOptions(series, allMarks), [series, allMarks]);
  const bandData = useMemo((): uPlot.AlignedData => [series.x, series.level], [series]);
  const rollData = useMemo((): uPlot.AlignedData => [series.x, series.roll], [series]);
  const rollOpts = useMemo(() => rollOptions(), []);
  const onBandReady = useCallback(
    (chart: uPlot) => {
      const detach = range.attach(chart);
      // First paint of the band: from the component's first render to the frame after uPlot drew it.
      requestAnimationFrame(() => {
        performance.measure('posture-band', { start: started.current, end: performance.now() });
        chart.root.dataset.rendered = 'true';
      });
      return detach;
    },
    [range],
  );
  const onRollReady = useCallback((chart: uPlot) => range.attach(chart), [range]);
  const onKeyDown = useCallback((e: KeyboardEvent) => range.handleKey(e), [range]);

  if (series.runs.length === 0) return <p class="muted">No posture epochs in this stretch.</p>;
  return (
    <div class="night-band">
      <div class="toolbar" role="toolbar" aria-label="Zoom and pan the posture charts">
        <button type="button" onClick={() => range.pan(-0.5)} aria-label="Earlier">
          ◀ Earlier
        </button>
        <button type="button" onClick={() => range.zoom(0.5)}>
          Zoom in
        </button>
        <button type="button" onClick={() => range.zoom(2)}>
          Zoom out
        </button>
        <button type="button" onClick={() => range.reset()}>
          Show all
        </button>
        <button type="button" onClick={() => range.pan(0.5)} aria-label="Later">
          Later ▶
        </button>
        <span class="muted hint">Drag to pan, wheel to zoom; focus a chart and use the arrows, + and −.</span>
      </div>
      <Chart
        options={bandOptions}
        data={bandData}
        height={230}
        label={`${label}: posture band, one row per position`}
        onReady={onBandReady}
        focusable
        onKeyDown={onKeyDown}
        testId="posture-band"
      />
      <PostureLegend>
        <li>
          <Swatch color={MARK_STYLE.turn.color} pattern="turn" /> Turn
        </li>
        <li>
          <Swatch color={MARK_STYLE.outOfBed.color} pattern="hatch" /> Out of bed
        </li>
        <li>
          <Swatch color={MARK_STYLE.gap.color} pattern="cross" /> No data
        </li>
        <li>
          <Swatch color={MARK_STYLE.nonWear.color} pattern="cross" /> Not worn
        </li>
      </PostureLegend>
      <Chart
        options={rollOpts}
        data={rollData}
        height={150}
        label={`${label}: lying roll angle, second by second`}
        onReady={onRollReady}
        focusable
        onKeyDown={onKeyDown}
        testId="roll-chart"
      />
    </div>
  );
}
