import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpoolLockedError } from '../src/spool/files.js';
import { SegmentLog } from '../src/spool/segment-log.js';
import { Spool } from '../src/spool/spool.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(join(tmpdir(), 'restpose-spool-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const body = (i: number, size = 40) => Buffer.alloc(size, i % 251).fill(`record-${i}:`, 0, Math.min(size, 12));

function readAll(log: SegmentLog, from = log.startOffset) {
  const out: Buffer[] = [];
  let offset = from;
  for (;;) {
    const { records, next } = log.read(offset, 1000);
    if (records.length === 0) return out;
    for (const r of records) out.push(Buffer.from(r.body));
    offset = next;
  }
}

function appendAll(spool: Spool, bodies: Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let left = bodies.length;
    for (const b of bodies) {
      if (!spool.append(b, () => --left === 0 && resolve())) reject(new Error('spool full'));
    }
  });
}

test('records come back in order, across segment files, and drained segments are deleted', async () => {
  const dir = tempDir();
  const spool = Spool.open({ dir, maxBytes: 1 << 20, fsync: 'interval', fsyncIntervalMs: 50, segmentBytes: 1000 });
  const bodies = Array.from({ length: 200 }, (_, i) => body(i, 10 + (i % 50)));
  await appendAll(spool, bodies);
  expect(spool.log.segmentCount).toBeGreaterThan(5);
  expect(readAll(spool.log)).toEqual(bodies);

  // Records larger than the read budget still come back whole.
  const big = body(7, 5000);
  await appendAll(spool, [big]);
  const { records } = spool.log.read(spool.log.writtenOffset - 5008, 100);
  expect(records.map((r) => r.body)).toEqual([big]);

  const half = spool.log.read(spool.log.startOffset, 4000).next;
  const segmentsBefore = spool.log.segmentCount;
  // Without a tracker snapshot replay would start at the beginning: nothing may be deleted yet.
  spool.saveCheckpoint({ cursor: half, snapshot: null });
  expect(spool.log.segmentCount).toBe(segmentsBefore);
  spool.saveCheckpoint({ cursor: half, snapshot: half });
  expect(spool.log.segmentCount).toBeLessThan(segmentsBefore);
  expect(spool.log.startOffset).toBeLessThanOrEqual(half);
  await spool.close();

  const reopened = Spool.open({ dir, maxBytes: 1 << 20, fsync: 'interval', fsyncIntervalMs: 50, segmentBytes: 1000 });
  expect(reopened.checkpoint.cursor).toBe(half);
  const rest = readAll(reopened.log, half);
  expect(rest).toEqual([...bodies, big].slice(-rest.length));
  expect(rest.length).toBeGreaterThan(0);
  await reopened.close();
});

test.each([
  ['a half-written header', (file: string) => fs.appendFileSync(file, Buffer.from([40, 0, 0]))],
  [
    'a record cut short',
    (file: string) =>
      fs.appendFileSync(file, Buffer.concat([Buffer.from([40, 0, 0, 0, 1, 2, 3, 4]), Buffer.alloc(10)])),
  ],
  ['zeros after the last record', (file: string) => fs.appendFileSync(file, Buffer.alloc(4096))],
  [
    'a damaged last record',
    (file: string) => {
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 3] ^= 0xff;
      fs.writeFileSync(file, bytes);
    },
  ],
])('a torn tail (%s) is cut off when the log opens, never misread', (_, damage) => {
  const dir = tempDir();
  const log = SegmentLog.open({ dir, segmentBytes: 1 << 20 });
  const bodies = Array.from({ length: 20 }, (_, i) => body(i));
  for (const b of bodies) log.append(b);
  log.flush();
  const file = join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.seg'))!);
  const sizeBefore = fs.statSync(file).size;
  damage(file);
  const reopened = SegmentLog.open({ dir, segmentBytes: 1 << 20 });
  const back = readAll(reopened);
  const damagedLast = fs.statSync(file).size < sizeBefore;
  expect(back).toEqual(damagedLast ? bodies.slice(0, -1) : bodies);
  expect(reopened.truncatedBytes).toBeGreaterThan(0);
  // Appends continue from a clean boundary.
  reopened.append(body(99));
  reopened.flush();
  expect(readAll(SegmentLog.open({ dir, segmentBytes: 1 << 20 })).at(-1)).toEqual(body(99));
});

test('when full, append refuses and appends nothing; draining frees room', async () => {
  const dir = tempDir();
  const spool = Spool.open({ dir, maxBytes: 4000, fsync: 'interval', fsyncIntervalMs: 50, segmentBytes: 1000 });
  let accepted = 0;
  while (spool.append(body(accepted, 100), () => {})) accepted++;
  expect(accepted).toBeGreaterThan(20);
  expect(accepted).toBeLessThan(4000 / 108 + 1);
  const end = spool.log.endOffset;
  expect(spool.append(body(0, 100), () => {})).toBe(false);
  expect(spool.log.endOffset).toBe(end);
  await new Promise((r) => setImmediate(r));
  spool.saveCheckpoint({ cursor: spool.log.writtenOffset, snapshot: spool.log.writtenOffset });
  expect(spool.append(body(0, 100), () => {})).toBe(true);
  await spool.close();
});

test('with fsync "always" a record is reported durable only once it is synced', async () => {
  const dir = tempDir();
  const spool = Spool.open({ dir, maxBytes: 1 << 20, fsync: 'always', fsyncIntervalMs: 1000 });
  const syncedAtCallback: Array<[number, number]> = [];
  await new Promise<void>((resolve) => {
    let left = 50;
    for (let i = 0; i < 50; i++) {
      const endBefore = spool.log.endOffset;
      spool.append(body(i), () => {
        syncedAtCallback.push([spool.log.syncedOffset, endBefore]);
        if (--left === 0) resolve();
      });
    }
  });
  for (const [synced, before] of syncedAtCallback) expect(synced).toBeGreaterThan(before);
  await spool.close();
});

test('a spool directory is used by one process at a time; a dead holder lock is taken over', async () => {
  const dir = tempDir();
  const spool = Spool.open({ dir, maxBytes: 1 << 20, fsync: 'interval', fsyncIntervalMs: 50 });
  expect(() => Spool.open({ dir, maxBytes: 1 << 20, fsync: 'interval', fsyncIntervalMs: 50 })).toThrow(
    SpoolLockedError,
  );
  await spool.close();
  // A lock left by a process that no longer exists (pid far above any live one).
  fs.writeFileSync(join(dir, 'LOCK'), '4194303\n');
  const again = Spool.open({ dir, maxBytes: 1 << 20, fsync: 'interval', fsyncIntervalMs: 50 });
  await again.close();
});

test('kill -9: every record reported durable is there after reopening', async () => {
  const dir = tempDir();
  const script = fileURLToPath(new URL('./support/spool-writer.ts', import.meta.url));
  // node --import tsx, not the tsx wrapper: SIGKILL must reach the process that writes.
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let acked = -1;
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) if (line) acked = Number(line);
  });
  let alive = true;
  const exited = new Promise((r) => child.once('exit', r)).finally(() => (alive = false));
  while (acked < 3000 && alive) await new Promise((r) => setTimeout(r, 20));
  expect(alive).toBe(true);
  child.kill('SIGKILL');
  await exited;

  const log = SegmentLog.open({ dir, segmentBytes: 1 << 16 });
  const back = readAll(log);
  expect(back.length).toBeGreaterThan(acked);
  const mismatched = back.findIndex((b, i) => !b.equals(body(i, 60 + (i % 200))));
  expect(mismatched).toBe(-1);
}, 30_000);
