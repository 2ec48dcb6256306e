// The UCI HAPT recordings (waist smartphone, 50 Hz, users 01-15) in ../shared/data/uci-hapt-dev beside the
// repository root, or under RESTPOSE_SHARED_DATA. Never copied into the repository.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Recording } from '@restpose/signal';

export function sharedDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RESTPOSE_SHARED_DATA ?? fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
}

export function haptDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(sharedDataDir(env), 'uci-hapt-dev', 'RawData');
}

export const haptPresent = (dir = haptDir()): boolean => existsSync(join(dir, 'labels.txt'));

export interface HaptRecording {
  exp: number;
  user: number;
  rec: Recording;
  /** Labelled segments: activity code and 0-based inclusive sample indices. */
  segments: Array<{ activity: number; start: number; end: number }>;
}

/** The recordings carry no clock: sample k is placed at t0 + 20k ms. */
export function loadHapt(dir = haptDir(), t0 = Date.UTC(2026, 0, 1, 12)): HaptRecording[] {
  const byExp = new Map<number, { user: number; segments: HaptRecording['segments'] }>();
  for (const line of readFileSync(join(dir, 'labels.txt'), 'utf8').trim().split('\n')) {
    const [exp, user, activity, start, end] = line.trim().split(/\s+/).map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const e = byExp.get(exp) ?? { user, segments: [] };
    e.segments.push({ activity, start: start - 1, end: end - 1 });
    byExp.set(exp, e);
  }
  return [...byExp.entries()].map(([exp, { user, segments }]) => {
    const name = `acc_exp${String(exp).padStart(2, '0')}_user${String(user).padStart(2, '0')}.txt`;
    const lines = readFileSync(join(dir, name), 'utf8').trim().split('\n');
    const n = lines.length;
    const rec = { t: new Float64Array(n), ax: new Float32Array(n), ay: new Float32Array(n), az: new Float32Array(n) };
    lines.forEach((l, i) => {
      const [x, y, z] = l.trim().split(/\s+/).map(Number);
      rec.t[i] = t0 + i * 20;
      rec.ax[i] = x!;
      rec.ay[i] = y!;
      rec.az[i] = z!;
    });
    return { exp, user, rec, segments };
  });
}

/** HAPT activities 1-5 (walking, stairs, sitting, standing) are upright, 6 lying, 7-12 transitions (left out). */
export function haptClass(activity: number): 'upright' | 'lying' | null {
  if (activity >= 1 && activity <= 5) return 'upright';
  if (activity === 6) return 'lying';
  return null;
}
