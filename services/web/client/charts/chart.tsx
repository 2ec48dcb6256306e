// A uPlot chart as a Preact component: made when mounted (and again when its options or data change), resized with
// its container, destroyed when unmounted. uPlot draws on canvas and handles tens of thousands of points per frame.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartProps {
  /** Options without the size; keep the object stable (useMemo) or the chart is made again. */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
  /** What the chart shows, for screen readers; a data table beside it gives the numbers. */
  label: string;
  /** Called with the chart once made (for zoom and pan, linking); return a cleanup. */
  onReady?: (chart: uPlot) => (() => void) | undefined;
  /** Keyboard focus for charts that zoom and pan. */
  focusable?: boolean;
  onKeyDown?: (event: KeyboardEvent) => void;
  testId?: string;
}

export function Chart({ options, data, height, label, onReady, focusable, onKeyDown, testId }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current!;
    const chart = new uPlot({ ...options, width: Math.max(200, el.clientWidth), height }, data, el);
    const cleanup = onReady?.(chart);
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => chart.setSize({ width: Math.max(200, el.clientWidth), height }));
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      cleanup?.();
      chart.destroy();
    };
  }, [options, data, height, onReady]);
  return (
    <div
      ref={box}
      class={`chart${focusable ? ' chart-interactive' : ''}`}
      role="img"
      aria-label={label}
      tabIndex={focusable ? 0 : undefined}
      onKeyDown={onKeyDown}
      data-testid={testId}
    />
  );
}
