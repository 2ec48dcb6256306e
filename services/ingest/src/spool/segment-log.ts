// An append-only log kept in segment files. Each record is [u32 body length][u32 CRC-32 of the body][body],
// little-endian, and is addressed by its global byte offset (a segment file is named after the offset of its first
// byte). A kill -9 can leave a torn record at the tail of the last segment: opening the log finds it by its length
// or CRC and truncates it, so a record is either whole or absent, never misread.
import fs from 'node:fs';
import { join } from 'node:path';
import { crc32 } from '@restpose/protocol';

const HEADER_BYTES = 8;
/** Larger bodies are refused on append and treated as corruption on read. */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;
const SEGMENT_SUFFIX = '.seg';

export interface LogRecord {
  /** Global offset of the record's header. */
  offset: number;
  /** Global offset just past the record. */
  end: number;
  body: Buffer;
}

interface Segment {
  start: number;
  path: string;
  /** Bytes in the file (written, not necessarily synced). */
  size: number;
}

const segmentName = (start: number) => `${String(start).padStart(16, '0')}${SEGMENT_SUFFIX}`;

export type ParseStop = 'end' | 'partial' | 'invalid';

/**
 * Parses whole, valid records from `buf` (which starts at global offset `base`). Stops at the end, at a record cut
 * off by the end of `buf` ('partial'), or at a record whose length or CRC is wrong ('invalid').
 */
export function parseRecords(buf: Buffer, base: number): { records: LogRecord[]; validBytes: number; stop: ParseStop } {
  const records: LogRecord[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (pos + HEADER_BYTES > buf.length) return { records, validBytes: pos, stop: 'partial' };
    const length = buf.readUInt32LE(pos);
    if (length === 0 || length > MAX_RECORD_BYTES) return { records, validBytes: pos, stop: 'invalid' };
    if (pos + HEADER_BYTES + length > buf.length) return { records, validBytes: pos, stop: 'partial' };
    const body = buf.subarray(pos + HEADER_BYTES, pos + HEADER_BYTES + length);
    if (crc32(body) !== buf.readUInt32LE(pos + 4)) return { records, validBytes: pos, stop: 'invalid' };
    records.push({ offset: base + pos, end: base + pos + HEADER_BYTES + length, body });
    pos += HEADER_BYTES + length;
  }
  return { records, validBytes: pos, stop: 'end' };
}

export function frameRecord(body: Uint8Array): Buffer[] {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(body.length, 0);
  header.writeUInt32LE(crc32(body), 4);
  return [header, Buffer.from(body.buffer, body.byteOffset, body.byteLength)];
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export interface SegmentLogOptions {
  dir: string;
  /** A segment is closed and a new one started once it holds at least this many bytes. */
  segmentBytes: number;
}

export class SegmentLog {
  private readonly segments: Segment[];
  private fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private writtenEnd: number;
  private syncedEnd: number;
  private syncing: Promise<void> | null = null;
  private readonly readFds = new Map<number, number>();
  /** Bytes cut off the tail when the log was opened (a torn record). */
  readonly truncatedBytes: number;

  private constructor(
    private readonly options: SegmentLogOptions,
    segments: Segment[],
    truncatedBytes: number,
  ) {
    this.segments = segments;
    const last = segments.at(-1)!;
    this.fd = fs.openSync(last.path, 'a');
    this.writtenEnd = last.start + last.size;
    this.syncedEnd = this.writtenEnd;
    this.truncatedBytes = truncatedBytes;
  }

  /** Opens (or creates) the log in `dir`, truncating a torn record at the tail of the last segment. */
  static open(options: SegmentLogOptions): SegmentLog {
    fs.mkdirSync(options.dir, { recursive: true });
    const segments: Segment[] = fs
      .readdirSync(options.dir)
      .filter((f) => /^\d{16}\.seg$/.test(f))
      .map((f) => ({ start: Number(f.slice(0, 16)), path: join(options.dir, f), size: 0 }))
      .sort((a, b) => a.start - b.start);
    for (const s of segments) s.size = fs.statSync(s.path).size;
    let truncated = 0;
    if (segments.length === 0) {
      const first = { start: 0, path: join(options.dir, segmentName(0)), size: 0 };
      fs.writeFileSync(first.path, '');
      fsyncDir(options.dir);
      segments.push(first);
    } else {
      const last = segments.at(-1)!;
      const { validBytes } = parseRecords(fs.readFileSync(last.path), last.start);
      if (validBytes < last.size) {
        truncated = last.size - validBytes;
        fs.truncateSync(last.path, validBytes);
        last.size = validBytes;
      }
    }
    return new SegmentLog(options, segments, truncated);
  }

  /** Global offset of the first byte still on disk. */
  get startOffset(): number {
    return this.segments[0]!.start;
  }

  /** Global offset past the last appended record (including records not yet written to the file). */
  get endOffset(): number {
    return this.writtenEnd + this.pendingBytes;
  }

  /** Global offset past the last record handed to the operating system (survives a process kill). */
  get writtenOffset(): number {
    return this.writtenEnd;
  }

  /** Global offset past the last record known to be on stable storage (survives power loss). */
  get syncedOffset(): number {
    return this.syncedEnd;
  }

  get bytesOnDisk(): number {
    let total = this.pendingBytes;
    for (const s of this.segments) total += s.size;
    return total;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Queues a record; returns the global offset just past it. `flush` hands it to the operating system. */
  append(body: Uint8Array): number {
    if (body.length === 0 || body.length > MAX_RECORD_BYTES) {
      throw new Error(`record of ${body.length} bytes: expected 1 to ${MAX_RECORD_BYTES}`);
    }
    const current = this.segments.at(-1)!;
    if (current.size + this.pendingBytes > 0 && current.size + this.pendingBytes >= this.options.segmentBytes) {
      this.roll();
    }
    for (const part of frameRecord(body)) {
      this.pending.push(part);
      this.pendingBytes += part.length;
    }
    return this.endOffset;
  }

  /** Writes queued records to the current segment file. */
  flush(): void {
    if (this.pendingBytes === 0) return;
    const bytes = this.pendingBytes;
    let written = 0;
    while (written < bytes) {
      // writev may write less than asked; continue from where it stopped.
      const buffers = written === 0 ? this.pending : [Buffer.concat(this.pending).subarray(written)];
      written += fs.writevSync(this.fd, buffers);
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.segments.at(-1)!.size += bytes;
    this.writtenEnd += bytes;
  }

  /** Flushes, then makes everything written so far durable; resolves with the synced offset. */
  async sync(): Promise<number> {
    this.flush();
    while (this.syncing) await this.syncing;
    const target = this.writtenEnd;
    if (target <= this.syncedEnd) return this.syncedEnd;
    const fd = this.fd;
    this.syncing = new Promise<void>((resolve, reject) => {
      fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()));
    }).finally(() => {
      this.syncing = null;
    });
    await this.syncing;
    // Earlier segments were synced when they were closed.
    this.syncedEnd = Math.max(this.syncedEnd, target);
    return this.syncedEnd;
  }

  /** Closes the current segment (synced) and starts a new one at the current end. */
  private roll(): void {
    this.flush();
    const oldFd = this.fd;
    fs.fsyncSync(oldFd);
    this.syncedEnd = Math.max(this.syncedEnd, this.writtenEnd);
    const start = this.writtenEnd;
    const path = join(this.options.dir, segmentName(start));
    fs.writeFileSync(path, '');
    fsyncDir(this.options.dir);
    this.segments.push({ start, path, size: 0 });
    this.fd = fs.openSync(path, 'a');
    // An fdatasync in flight on the old descriptor must finish before the descriptor is closed and reused.
    const pendingSync = this.syncing;
    if (pendingSync)
      pendingSync.then(
        () => fs.closeSync(oldFd),
        () => fs.closeSync(oldFd),
      );
    else fs.closeSync(oldFd);
  }

  /**
   * Reads whole records from `from` (a record boundary) on, up to about `maxBytes` (at least one record), never past
   * what has been written to the file. Returns the records, the offset to continue from, and the bytes skipped
   * because they were damaged in the middle of the log (a disk fault; a torn tail is removed when the log opens).
   */
  read(from: number, maxBytes: number): { records: LogRecord[]; next: number; skippedBytes: number } {
    let offset = from;
    let budget = maxBytes;
    let skippedBytes = 0;
    const records: LogRecord[] = [];
    while (offset < this.writtenEnd && budget > 0) {
      const index = this.segmentIndexAt(offset);
      if (index < 0) throw new Error(`spool offset ${offset} is before the first segment (${this.startOffset})`);
      const segment = this.segments[index]!;
      const segmentEnd = segment.start + segment.size;
      if (offset >= segmentEnd) {
        const next = this.segments[index + 1];
        if (!next) break;
        offset = next.start;
        continue;
      }
      let buf = this.readBytes(segment, offset, Math.min(budget, segmentEnd - offset));
      let parsed = parseRecords(buf, offset);
      if (parsed.records.length === 0 && parsed.stop === 'partial' && buf.length >= HEADER_BYTES) {
        // The first record is larger than the budget: read it whole.
        buf = this.readBytes(segment, offset, Math.min(segmentEnd - offset, HEADER_BYTES + buf.readUInt32LE(0)));
        parsed = parseRecords(buf, offset);
      }
      records.push(...parsed.records);
      offset += parsed.validBytes;
      budget -= parsed.validBytes;
      if (parsed.stop === 'invalid' || (parsed.records.length === 0 && parsed.stop === 'partial')) {
        // Damage inside a closed segment cannot be resynchronized: skip the rest of it rather than stall.
        skippedBytes += segmentEnd - offset;
        offset = segmentEnd;
      } else if (parsed.stop === 'partial') {
        break;
      }
    }
    return { records, next: offset, skippedBytes };
  }

  private segmentIndexAt(offset: number): number {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      if (this.segments[i]!.start <= offset) return i;
    }
    return -1;
  }

  private readBytes(segment: Segment, offset: number, length: number): Buffer {
    let fd = this.readFds.get(segment.start);
    if (fd === undefined) {
      fd = fs.openSync(segment.path, 'r');
      this.readFds.set(segment.start, fd);
    }
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = fs.readSync(fd, buf, got, length - got, offset - segment.start + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  }

  /** Deletes closed segments that lie entirely before `offset`; returns how many. */
  deleteBefore(offset: number): number {
    let deleted = 0;
    while (this.segments.length > 1) {
      const first = this.segments[0]!;
      if (first.start + first.size > offset) break;
      const fd = this.readFds.get(first.start);
      if (fd !== undefined) {
        fs.closeSync(fd);
        this.readFds.delete(first.start);
      }
      fs.rmSync(first.path, { force: true });
      this.segments.shift();
      deleted++;
    }
    return deleted;
  }

  async close(): Promise<void> {
    await this.sync();
    for (const fd of this.readFds.values()) fs.closeSync(fd);
    this.readFds.clear();
    fs.closeSync(this.fd);
  }
}
