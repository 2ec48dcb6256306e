// Expands the analyze command's arguments: files as given, directories to the CSV files in them.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from './read-csv.js';

export interface InputList {
  files: string[];
  /** Files in directories that are not analysis inputs (a ground-truth file beside a recording, say). */
  skipped: string[];
}

function header(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(512);
    const n = readSync(fd, buf, 0, 512, 0);
    return buf.subarray(0, n).toString('utf8').split(/\r?\n/)[0]!.toLowerCase();
  } finally {
    closeSync(fd);
  }
}

export function expandInputs(args: readonly string[]): InputList {
  const files: string[] = [];
  const skipped: string[] = [];
  for (const arg of args) {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(arg);
    } catch {
      throw new InputError(`${arg}: no such file or directory`);
    }
    if (!stat.isDirectory()) {
      files.push(arg);
      continue;
    }
    for (const name of readdirSync(arg).sort()) {
      if (!name.toLowerCase().endsWith('.csv')) continue;
      const file = join(arg, name);
      const cols = header(file)
        .split(',')
        .map((c) => c.trim());
      if (['t', 'ax', 'ay', 'az'].every((c) => cols.includes(c))) files.push(file);
      else skipped.push(file);
    }
  }
  return { files, skipped };
}

/** Output name for an input: its base name without the .csv extension. */
export function inputName(file: string): string {
  return basename(file).replace(/\.csv$/i, '');
}
