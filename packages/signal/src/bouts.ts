// The bout layer: runs of epoch labels with a minimum duration. A run shorter than the minimum is absorbed into the
// bout before it (or the one after, at the start), so brief misreadings during a turn do not count as positions.

export interface Bout<L extends string = string> {
  label: L;
  /** UTC epoch ms; end is exclusive. */
  start: number;
  end: number;
}

export interface LabelledSpan<L extends string = string> {
  label: L;
  start: number;
  end: number;
}

export function runs<L extends string>(items: readonly LabelledSpan<L>[]): Bout<L>[] {
  const out: Bout<L>[] = [];
  for (const it of items) {
    const last = out[out.length - 1];
    // Missing epochs split bouts: a gap is not evidence of the same position.
    if (last && last.label === it.label && last.end === it.start) last.end = it.end;
    else out.push({ label: it.label, start: it.start, end: it.end });
  }
  return out;
}

/** Merges runs shorter than minMs into a neighbour until every bout is at least minMs (or the only one). */
export function boutsWithMinimum<L extends string>(items: readonly LabelledSpan<L>[], minMs: number): Bout<L>[] {
  let bouts = runs(items);
  for (;;) {
    let shortest = -1;
    for (let i = 0; i < bouts.length; i++) {
      const d = bouts[i]!.end - bouts[i]!.start;
      if (d < minMs && (shortest < 0 || d < bouts[shortest]!.end - bouts[shortest]!.start)) shortest = i;
    }
    if (shortest < 0 || bouts.length === 1) return bouts;
    const b = bouts[shortest]!;
    const prev = bouts[shortest - 1];
    const next = bouts[shortest + 1];
    const target = prev && prev.end === b.start ? prev : next && next.start === b.end ? next : null;
    if (!target) {
      // Isolated by gaps on both sides: drop it rather than stretch a neighbour across missing data.
      bouts = bouts.filter((_, i) => i !== shortest);
      continue;
    }
    target.start = Math.min(target.start, b.start);
    target.end = Math.max(target.end, b.end);
    bouts.splice(shortest, 1);
    bouts = runs(bouts);
  }
}
