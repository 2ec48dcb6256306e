// Loader for the UCI HAPT recordings (users 01-15) in ../shared/data/uci-hapt-dev, kept outside the repository.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Recording } from '../src/index.js';

// ../shared/data beside the repository root (two levels above this package's test dir); RESTPOSE_SHARED_DATA
// overrides it for a checkout that is not beside shared/ (a git worktree, say).
const SHARED = process.env.RESTPOSE_SHARED_DATA ?? fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
export const HAPT_DIR = `${SHARED.replace(/\/?$/, '/')}uci-hapt-dev/RawData/`;
export const haptPresent = existsSync(`${HAPT_DIR}labels.txt`);

export interface HaptSegment {
  activity: number;
  /** 0-based inclusive sample indices. */
  start: number;
  end: number;
}

export interface HaptRecording {
  exp: number;
  user: number;
  rec: Recording;
  segments: HaptSegment[];
}

/** 50 Hz samples; the recordings carry no clock, so sample k is placed at t0 + 20k ms. */
export function loadHapt(t0 = Date.UTC(2026, 0, 1, 12)): HaptRecording[] {
  const rows = readFileSync(`${HAPT_DIR}labels.txt`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const byExp = new Map<number, { user: number; segments: HaptSegment[] }>();
  for (const [exp, user, activity, start, end] of rows) {
    const e = byExp.get(exp!) ?? { user: user!, segments: [] };
    e.segments.push({ activity: activity!, start: start! - 1, end: end! - 1 });
    byExp.set(exp!, e);
  }
  return [...byExp.entries()].map(([exp, { user, segments }]) => {
    const file = `${HAPT_DIR}acc_exp${String(exp).padStart(2, '0')}_user${String(user).padStart(2, '0')}.txt`;
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const n = lines.length;
    const rec: Recording = {
      t: new Float64Array(n),
      ax: new Float32Array(n),
      ay: new Float32Array(n),
      az: new Float32Array(n),
    };
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

/** HAPT activity to lying/upright: 1-5 (walking, stairs, sitting, standing) upright, 6 lying, 7-12 transitions. */
export function haptClass(activity: number): 'upright' | 'lying' | null {
  if (activity >= 1 && activity <= 5) return 'upright';
  if (activity === 6) return 'lying';
  return null;
}
