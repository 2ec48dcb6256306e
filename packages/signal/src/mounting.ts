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
  anterior: { source: 'bending' | 'prior'; confidence: number; seconds: number; asymmetry: number } | null;
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
      anterior: { source: 'prior', confidence: 0, seconds: 0, asymmetry: 0 },
      differenceFromPriorDeg: 0,
    };
  }
  const { dir: superior, within } = dominantDirection(active);
  const consistency = within / active.length;
  // Two minutes of active upright blocks give full weight.
  const supConf = Math.min(1, within / 24) * Math.min(1, consistency / 0.6);

  // Bending and leaning: steady seconds (little |a| change) tilted 10-70 degrees from the superior axis.
  const sum = [0, 0, 0];
  let weight = 0;
  let count = 0;
  const c = ticks.cols;
  const cal = options.calibration ?? NO_CALIBRATION;
  for (let r = 0; r < ticks.length; r++) {
    if (c.n[r]! === 0 || c.magSd[r]! >= 0.05) continue;
    const d = calibrated(c, r, cal);
    const tilt = angleBetweenDeg(d, superior);
    if (!(tilt >= 10 && tilt <= 70)) continue;
    const a = dot(d, superior);
    const p = [d[0] - a * superior[0], d[1] - a * superior[1], d[2] - a * superior[2]];
    const len = Math.sqrt(p[0]! * p[0]! + p[1]! * p[1]! + p[2]! * p[2]!);
    const w = Math.sin((tilt * Math.PI) / 180);
    for (let k = 0; k < 3; k++) sum[k]! += (w * p[k]!) / len;
    weight += w;
    count++;
  }
  const asymmetry = weight > 0 ? Math.sqrt(sum[0]! * sum[0]! + sum[1]! * sum[1]! + sum[2]! * sum[2]!) / weight : 0;
  const antConf = Math.min(1, count / 120) * Math.min(1, asymmetry / 0.3);
  const useBending = count >= 60 && asymmetry >= 0.2;
  // Forward bending reads gravity towards -x, so the anterior axis points against the mean lean.
  const anterior = useBending ? [-sum[0]!, -sum[1]!, -sum[2]!] : priorAnterior;
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
      confidence: useBending ? antConf : 0,
      seconds: count,
      asymmetry,
    },
    differenceFromPriorDeg: rotationDistanceDeg(rotation, prior),
  };
}
