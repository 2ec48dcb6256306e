// Per-device sequence bookkeeping: which of the last WINDOW batch numbers have been seen, so a resent batch is
// recognized (and stored once) and missing numbers are reported as gaps. Each slot also keeps 16 bits of the
// batch's t0: a repeated seq with another t0 is not a resend but a device whose numbering started over (a reflash),
// and must not be thrown away as a duplicate.

export const SEQ_WINDOW = 128;
/** A forward jump this large is a renumbering, not that many lost batches. */
const MAX_FORWARD_JUMP = 1 << 20;

export type SeqVerdict =
  /** Newer than anything seen; `missing` numbers were skipped (perhaps to arrive later). */
  | { kind: 'next'; missing: number }
  /** Older than the newest, within the window, not seen before: fills an earlier gap. */
  | { kind: 'late' }
  /** Seen before with the same t0: a resend. */
  | { kind: 'duplicate' }
  /** Too old for the window to tell; accepted (the store's idempotence still applies). */
  | { kind: 'old' }
  /** The numbering started over; the window restarts here. */
  | { kind: 'restart' };

export interface SequenceWindowState {
  newest: number | null;
  /** null before the first batch. */
  newestT0: number | null;
  /** Seen bits, one per slot (seq mod WINDOW), base64. */
  seen: string;
  /** t0 mod 2^16 per slot, base64 of little-endian u16s. */
  tags: string;
}

const tagOf = (t0: number) => ((t0 % 65536) + 65536) % 65536;

export class SequenceWindow {
  private newest: number | null = null;
  private newestT0 = Number.NEGATIVE_INFINITY;
  private readonly seen = new Uint8Array(SEQ_WINDOW / 8);
  private readonly tags = new Uint16Array(SEQ_WINDOW);

  private isSeen(seq: number): boolean {
    const slot = seq % SEQ_WINDOW;
    return (this.seen[slot >> 3]! & (1 << (slot & 7))) !== 0;
  }

  private mark(seq: number, t0: number): void {
    const slot = seq % SEQ_WINDOW;
    this.seen[slot >> 3]! |= 1 << (slot & 7);
    this.tags[slot] = tagOf(t0);
  }

  private clear(seq: number): void {
    const slot = seq % SEQ_WINDOW;
    this.seen[slot >> 3]! &= ~(1 << (slot & 7));
  }

  private restart(seq: number, t0: number): SeqVerdict {
    this.seen.fill(0);
    this.newest = seq;
    this.newestT0 = t0;
    this.mark(seq, t0);
    return { kind: 'restart' };
  }

  observe(seq: number, t0: number): SeqVerdict {
    if (this.newest === null) {
      this.restart(seq, t0);
      return { kind: 'next', missing: 0 };
    }
    const ahead = (seq - this.newest) >>> 0;
    if (ahead !== 0 && ahead < 2 ** 31) {
      if (ahead > MAX_FORWARD_JUMP) return this.restart(seq, t0);
      for (let i = 1; i <= Math.min(ahead, SEQ_WINDOW); i++) this.clear((this.newest + i) >>> 0);
      this.newest = seq;
      this.newestT0 = t0;
      this.mark(seq, t0);
      return { kind: 'next', missing: ahead - 1 };
    }
    const behind = (this.newest - seq) >>> 0;
    if (behind < SEQ_WINDOW) {
      if (!this.isSeen(seq)) {
        this.mark(seq, t0);
        return { kind: 'late' };
      }
      if (this.tags[seq % SEQ_WINDOW] === tagOf(t0)) return { kind: 'duplicate' };
      return this.restart(seq, t0);
    }
    // Far behind: a very late batch if its time is older too, otherwise the numbering went back.
    return t0 > this.newestT0 ? this.restart(seq, t0) : { kind: 'old' };
  }

  toJSON(): SequenceWindowState {
    return {
      newest: this.newest,
      newestT0: Number.isFinite(this.newestT0) ? this.newestT0 : null,
      seen: Buffer.from(this.seen).toString('base64'),
      tags: Buffer.from(this.tags.buffer, this.tags.byteOffset, this.tags.byteLength).toString('base64'),
    };
  }

  static fromJSON(state: SequenceWindowState): SequenceWindow {
    const w = new SequenceWindow();
    w.newest = state.newest;
    w.newestT0 = state.newestT0 ?? Number.NEGATIVE_INFINITY;
    w.seen.set(Buffer.from(state.seen, 'base64'));
    const tags = Buffer.from(state.tags, 'base64');
    for (let i = 0; i < SEQ_WINDOW; i++) w.tags[i] = tags.readUInt16LE(i * 2);
    return w;
  }
}
