// Small files of the spool directory: the lock that keeps two processes off one spool, and atomic JSON documents
// (the drain checkpoint and the tracker snapshot) that are either the old or the new version after a crash.
import fs from 'node:fs';
import { dirname, join } from 'node:path';

export class SpoolLockedError extends Error {}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dir>/LOCK` for this process; a lock left by a dead process (kill -9) is taken over. */
export function lockDirectory(dir: string): () => void {
  const path = join(dir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      return () => fs.rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(fs.readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(holder) && processAlive(holder)) {
        throw new SpoolLockedError(`${dir} is in use by process ${holder}; each ingest process needs its own spool`);
      }
      fs.rmSync(path, { force: true });
    }
  }
  throw new SpoolLockedError(`${dir}: could not take the lock`);
}

/** Writes a JSON document so that a crash leaves either the previous or the new version, never a mix. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, JSON.stringify(value));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path);
  const dirFd = fs.openSync(dirname(path), 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
}

export function readJson(path: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}
