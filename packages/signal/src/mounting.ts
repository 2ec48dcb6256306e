// Mounting: the rotation from device axes to the body frame, from configuration or estimated from the data.
// Superior axis: the gravity direction while walking or otherwise active and upright (ActiPASS uses walking as the
// upright reference too). Anterior axis: forward bending and leaning dominate backward ones, so still, moderately
// tilted periods lean towards -x; when the data show too little of that, the configured prior's anterior direction
// (projected perpendicular to the estimated superior axis) is kept and the report says so.
import { angleBetweenDeg } from './angles.js';
import { dot, IDENTITY, type Mat3, mountingFromAxes, normalize, rotationDistanceDeg } from './rotation.js';
import { type Calibration, NO_CALIBRATION, type TickTable } from './ticks.js';

export const MOUNTING_VERSION = 'mounting-estimate@1.0.0';

export interface MountingReport {
  algorithm: string;
  source: 'configured' | 'estimated';
  /** Device-to-body rotation, row-major. */
  rotation: number[];
  /** 0-1 overall confidence: the lower of the two axes' (1 for a configured mounting). */
  confidence: number;
  superior: { confidence: number; blocks: number; consistency: number } | null;
  /** bends: brief excursions found; dominance: how far the flexion direction outweighs any other. */
  anterior: { source: 'bending' | 'prior'; confidence: number; bends: number; dominance: number } | null;
  /** Angle between the estimate and the prior, degrees. */
  differenceFromPriorDeg: number | null;
}

export interface MountingOptions {
  /** Used for the anterior direction when the data cannot tell (default: device axes are body axes). */
  prior?: Mat3;
  calibration?: Calibration;
  /** 5-s blocks whose |a| varies with at least this SD are walking or similarly active and upright, g. */
  walkingMagSdG?: number;
}

const BLOCK_S = 5;

interface Block {
  d: [number, number, number];
  /** Pooled SD of |a| over the block, g: walking bounces the magnitude, bending and turning barely do. */
  magSd: number;
}

function calibrated(c: TickTable['cols'], r: number, cal: Calibration): [number, number, number] {
  return normalize([
    (c.mx[r]! + cal.offset[0]) * cal.scale[0],
    (c.my[r]! + cal.offset[1]) * cal.scale[1],
    (c.mz[r]! + cal.offset[2]) * cal.scale[2],
  ]);
}

function blocks(ticks: TickTable, cal: Calibration): Block[] {
  const c = ticks.cols;
  const out: Block[] = [];
  for (let r0 = 0; r0 + BLOCK_S <= ticks.length; r0 += BLOCK_S) {
    let n = 0;
    let s = 0;
    let s2 = 0;
    const v = [0, 0, 0];
    for (let r = r0; r < r0 + BLOCK_S && c.n[r]! > 0; r++) {
      const nr = c.n[r]!;
      n += nr;
      s += nr * c.magMean[r]!;
      s2 += nr * (c.magSd[r]! ** 2 + c.magMean[r]! ** 2);
      v[0]! += nr * c.mx[r]!;
      v[1]! += nr * c.my[r]!;
      v[2]! += nr * c.mz[r]!;
    }
    if (n === 0 || c.n[r0 + BLOCK_S - 1]! === 0) continue;
    const d = normalize(v.map((x, a) => (x / n + cal.offset[a]!) * cal.scale[a]!));
    const mean = s / n;
    if (!Number.isNaN(d[0])) out.push({ d, magSd: Math.sqrt(Math.max(0, s2 / n - mean * mean)) });
  }
  return out;
}

/** Robust mean direction: seeded at the direction with most neighbours within 30 degrees, refined on those within 40. */
function dominantDirection(ds: Array<[number, number, number]>): { dir: [number, number, number]; within: number } {
  const step = Math.max(1, Math.floor(ds.length / 500));
  const cos30 = Math.cos(Math.PI / 6);
  let best = ds[0]!;
  let bestCount = -1;
  for (let i = 0; i < ds.length; i += step) {
    let count = 0;
    for (let k = 0; k < ds.length; k += step) if (dot(ds[i]!, ds[k]!) > cos30) count++;
    if (count > bestCount) {
      bestCount = count;
      best = ds[i]!;
    }
  }
  let dir = best;
  let within = 0;
  const cos40 = Math.cos((40 * Math.PI) / 180);
  for (let iter = 0; iter < 3; iter++) {
    const s = [0, 0, 0];
    within = 0;
    for (const d of ds) {
      if (dot(d, dir) < cos40) continue;
      within++;
      s[0]! += d[0];
      s[1]! += d[1];
      s[2]! += d[2];
    }
    dir = normalize(s);
  }
  return { dir, within };
}

/** Fewest bends, and how much the flexion direction must outweigh the next (60+ degrees away), to trust it. */
const MIN_BENDS = 6;
const MIN_DOMINANCE = 1.5;
/** A bend: leaves upright (< 10 degrees from the superior axis) by at least 20 degrees and is back within 10 s. */
const UPRIGHT_DEG = 10;
const BEND_DEG = 20;
const MAX_BEND_S = 10;

interface Bend {
  /** Unit direction of the apex's lean, perpendicular to the superior axis (device frame). */
  p: [number, number, number];
  tiltDeg: number;
}

/**
 * Brief excursions from upright and back (bends, sit-to-stand leans), each by its apex second. Sustained leans
 * (sitting, reading reclined in bed) last longer and are left out: their direction says nothing about the front.
 */
function bendApexes(ticks: TickTable, superior: readonly number[], cal: Calibration): Bend[] {
  const c = ticks.cols;
  const out: Bend[] = [];
  let start = -1;
  let apex = -1;
  let apexTilt = 0;
  let wasUpright = false;
  for (let r = 0; r < ticks.length; r++) {
    if (c.n[r]! === 0) {
      start = -1;
      wasUpright = false;
      continue;
    }
    const d = calibrated(c, r, cal);
    const tilt = angleBetweenDeg(d, superior);
    if (tilt < UPRIGHT_DEG) {
      if (start >= 0 && apexTilt >= BEND_DEG && r - start <= MAX_BEND_S) {
        const a = calibrated(c, apex, cal);
        const along = dot(a, superior);
        const p = normalize([a[0] - along * superior[0], a[1] - along * superior[1], a[2] - along * superior[2]]);
        if (!Number.isNaN(p[0])) out.push({ p, tiltDeg: apexTilt });
      }
      start = -1;
      wasUpright = true;
      continue;
    }
    if (start < 0) {
      if (!wasUpright) continue; // only excursions that leave from upright
      start = r;
      apex = r;
      apexTilt = tilt;
      wasUpright = false;
    } else if (tilt > apexTilt) {
      apex = r;
      apexTilt = tilt;
    }
    if (r - start > MAX_BEND_S) start = -1;
  }
  return out;
}

/**
 * The direction the body bends furthest and most often: forward flexion outranges extension and lateral bending,
 * and sit-to-stands add forward leans. Each bend votes with its amplitude squared into a narrow angular kernel; the
 * best direction is refined on bends within 30 degrees of it. dominance: its score over the best one at least 60
 * degrees away.
 */
function flexionDirection(bends: Bend[]): { v: [number, number, number]; dominance: number } | null {
  if (bends.length === 0) return null;
  const score = (v: readonly number[]) => {
    let s = 0;
    for (const b of bends) {
      const cos = dot(b.p, v);
      if (cos > 0) s += b.tiltDeg * b.tiltDeg * cos ** 8;
    }
    return s;
  };
  let best = bends[0]!.p;
  let bestScore = -1;
  for (const b of bends) {
    const sc = score(b.p);
    if (sc > bestScore) {
      bestScore = sc;
      best = b.p;
    }
  }
  const sum = [0, 0, 0];
  for (const b of bends) {
    if (dot(b.p, best) < Math.cos(Math.PI / 6)) continue;
    for (let k = 0; k < 3; k++) sum[k]! += b.tiltDeg * b.p[k]!;
  }
  const v = normalize(sum);
  let rival = 0;
  for (const b of bends) if (dot(b.p, v) < Math.cos(Math.PI / 3)) rival = Math.max(rival, score(b.p));
  // Capped so the report stays a finite number when nothing rivals it.
  return { v, dominance: rival > 0 ? Math.min(99, bestScore / rival) : 99 };
}

export function configuredMounting(rotation: Mat3): MountingReport {
  return {
    algorithm: MOUNTING_VERSION,
    source: 'configured',
    rotation: [...rotation],
    confidence: 1,
    superior: null,
    anterior: null,
    differenceFromPriorDeg: null,
  };
}

export function estimateMounting(ticks: TickTable, options: MountingOptions = {}): MountingReport {
  const prior = options.prior ?? IDENTITY;
  const bs = blocks(ticks, options.calibration ?? NO_CALIBRATION);
  const active = bs.filter((b) => b.magSd >= (options.walkingMagSdG ?? 0.08)).map((b) => b.d);
  const priorAnterior: [number, number, number] = [prior[0], prior[1], prior[2]];
  if (active.length === 0) {
    return {
      ...configuredMounting(prior),
      source: 'estimated',
      confidence: 0,
      superior: { confidence: 0, blocks: 0, consistency: 0 },
      anterior: { source: 'prior', confidence: 0, bends: 0, dominance: 0 },
      differenceFromPriorDeg: 0,
    };
  }
  const { dir: superior, within } = dominantDirection(active);
  const consistency = within / active.length;
  // Two minutes of active upright blocks give full weight.
  const supConf = Math.min(1, within / 24) * Math.min(1, consistency / 0.6);

  const bends = bendApexes(ticks, superior, options.calibration ?? NO_CALIBRATION);
  const dir = flexionDirection(bends);
  const useBending = dir !== null && bends.length >= MIN_BENDS && dir.dominance >= MIN_DOMINANCE;
  const antConf = useBending ? Math.min(1, bends.length / 20) * Math.min(1, (dir.dominance - 1) / 1) : 0;
  // Forward bending reads gravity towards -x, so the anterior axis points against the flexion direction.
  const anterior = useBending ? [-dir.v[0], -dir.v[1], -dir.v[2]] : priorAnterior;
  const parallel = Math.abs(dot(normalize(anterior), superior)) > 0.98;
  const rotation = mountingFromAxes(superior, parallel ? [prior[6], prior[7], prior[8]] : anterior);
  return {
    algorithm: MOUNTING_VERSION,
    source: 'estimated',
    rotation: [...rotation],
    confidence: Math.min(supConf, useBending ? antConf : 0),
    superior: { confidence: supConf, blocks: within, consistency },
    anterior: {
      source: useBending ? 'bending' : 'prior',
      confidence: antConf,
      bends: bends.length,
      dominance: dir?.dominance ?? 0,
    },
    differenceFromPriorDeg: rotationDistanceDeg(rotation, prior),
  };
}
