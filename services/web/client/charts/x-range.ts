// One x range shared by linked charts (the posture band and the roll line of a night): zoom and pan by pointer,
// wheel, keyboard and buttons, at most one redraw per animation frame however fast the input comes.
import type uPlot from 'uplot';

export class XRange {
  private readonly charts = new Set<uPlot>();
  private min: number;
  private max: number;
  private pending = 0;
  private applying = false;

  constructor(
    private readonly full: { min: number; max: number },
    /** The narrowest view, in x units (seconds for time). */
    private readonly minSpan = 60,
  ) {
    this.min = full.min;
    this.max = full.max;
  }

  get view(): { min: number; max: number } {
    return { min: this.min, max: this.max };
  }

  /** Adds a chart; zooming it by other means (uPlot's own) moves the others too. Returns the removal. */
  attach(chart: uPlot): () => void {
    this.charts.add(chart);
    chart.setScale('x', { min: this.min, max: this.max });
    const detachPointer = attachPointer(chart, this);
    return () => {
      detachPointer();
      this.charts.delete(chart);
    };
  }

  set(min: number, max: number): void {
    const fullSpan = this.full.max - this.full.min;
    let span = Math.min(fullSpan, Math.max(this.minSpan, max - min));
    if (!Number.isFinite(span) || span <= 0) span = fullSpan;
    let lo = Math.max(this.full.min, Math.min(min, this.full.max - span));
    if (!Number.isFinite(lo)) lo = this.full.min;
    this.min = lo;
    this.max = lo + span;
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.applying = true;
      for (const c of this.charts) c.batch(() => c.setScale('x', { min: this.min, max: this.max }));
      this.applying = false;
    });
  }

  /** factor < 1 zooms in; the anchor (x value) stays where it is on screen (default: the middle). */
  zoom(factor: number, anchor = (this.min + this.max) / 2): void {
    this.set(anchor - (anchor - this.min) * factor, anchor + (this.max - anchor) * factor);
  }

  /** Moves the view by a fraction of its width (negative: earlier). */
  pan(fraction: number): void {
    const shift = (this.max - this.min) * fraction;
    this.set(this.min + shift, this.max + shift);
  }

  reset(): void {
    this.set(this.full.min, this.full.max);
  }

  get isApplying(): boolean {
    return this.applying;
  }

  /** Keyboard: arrows pan, + and - zoom, 0 or Home resets. Returns whether the key was used. */
  handleKey(event: KeyboardEvent): boolean {
    const keys: Record<string, () => void> = {
      ArrowLeft: () => this.pan(-0.2),
      ArrowRight: () => this.pan(0.2),
      '+': () => this.zoom(0.5),
      '=': () => this.zoom(0.5),
      '-': () => this.zoom(2),
      '0': () => this.reset(),
      Home: () => this.reset(),
    };
    const action = keys[event.key];
    if (!action || event.altKey || event.ctrlKey || event.metaKey) return false;
    event.preventDefault();
    event.stopPropagation();
    action();
    return true;
  }
}

/** Drag (mouse, pen or a finger) pans, the wheel zooms around the pointer, a double click resets. */
function attachPointer(chart: uPlot, range: XRange): () => void {
  const over = chart.over;
  let dragFrom: { px: number; min: number; max: number } | null = null;
  const valuePerPx = () => (range.view.max - range.view.min) / Math.max(1, over.clientWidth);
  const down = (e: PointerEvent) => {
    if (e.button !== 0) return;
    dragFrom = { px: e.clientX, ...range.view };
    over.setPointerCapture(e.pointerId);
  };
  const move = (e: PointerEvent) => {
    if (!dragFrom) return;
    const shift = (dragFrom.px - e.clientX) * ((dragFrom.max - dragFrom.min) / Math.max(1, over.clientWidth));
    range.set(dragFrom.min + shift, dragFrom.max + shift);
  };
  const up = (e: PointerEvent) => {
    dragFrom = null;
    if (over.hasPointerCapture(e.pointerId)) over.releasePointerCapture(e.pointerId);
  };
  const wheel = (e: WheelEvent) => {
    e.preventDefault();
    const anchor = range.view.min + (e.clientX - over.getBoundingClientRect().left) * valuePerPx();
    range.zoom(e.deltaY < 0 ? 0.8 : 1.25, anchor);
  };
  const dblclick = () => range.reset();
  over.addEventListener('pointerdown', down);
  over.addEventListener('pointermove', move);
  over.addEventListener('pointerup', up);
  over.addEventListener('pointercancel', up);
  over.addEventListener('wheel', wheel, { passive: false });
  over.addEventListener('dblclick', dblclick);
  return () => {
    over.removeEventListener('pointerdown', down);
    over.removeEventListener('pointermove', move);
    over.removeEventListener('pointerup', up);
    over.removeEventListener('pointercancel', up);
    over.removeEventListener('wheel', wheel);
    over.removeEventListener('dblclick', dblclick);
  };
}
