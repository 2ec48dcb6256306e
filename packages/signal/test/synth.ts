// Constructed body-frame signals with known answers for the unit tests: each phase is a posture held (or moved
// through) for a number of seconds, plus breathing, walking and sensor noise.
import { applyMat3, IDENTITY, type Mat3, type Recording } from '../src/index.js';

const RAD = Math.PI / 180;

/** Gravity reaction of an upright trunk flexed by sagDeg (forward +) and bent laterally by froDeg (right +). */
export function uprightG(sagDeg: number, froDeg = 0): [number, number, number] {
  // Pure flexion may go past horizontal (the tangent form below stops at 90 degrees).
  if (froDeg === 0) return [-Math.sin(sagDeg * RAD), Math.cos(sagDeg * RAD), 0];
  const v = [-Math.tan(sagDeg * RAD), 1, -Math.tan(froDeg * RAD)];
  const n = Math.hypot(v[0]!, v[1]!, v[2]!);
  return [v[0]! / n, v[1]! / n, v[2]! / n];
}

/** Gravity reaction lying with roll rollDeg (supine 0, left 90, right -90) and the head raised elevDeg. */
export function lyingG(rollDeg: number, elevDeg = 5): [number, number, number] {
  const c = Math.cos(elevDeg * RAD);
  return [c * Math.cos(rollDeg * RAD), Math.sin(elevDeg * RAD), c * Math.sin(rollDeg * RAD)];
}

export type Phase =
  /** breathing: true rocks the trunk 0.3 degrees at 0.25 Hz; a number sets the amplitude in degrees. */
  | { kind: 'hold'; seconds: number; g: [number, number, number]; breathing?: boolean | number }
  | { kind: 'walk'; seconds: number }
  /** Lying roll moving linearly from one value to another. */
  | { kind: 'roll'; seconds: number; from: number; to: number }
  /** Upright bending: sagittal/frontal angle as a function of seconds into the phase. */
  | { kind: 'bend'; seconds: number; angles: (s: number) => [number, number] }
  /** Gravity moving from one direction to another (normalised linear blend), e.g. sitting up. */
  | { kind: 'move'; seconds: number; from: [number, number, number]; to: [number, number, number] }
  | { kind: 'gap'; seconds: number };

export interface SynthOptions {
  rateHz?: number;
  t0?: number;
  noiseG?: number;
  seed?: number;
  /** Device mounting: device = R^T body, so analysing with R recovers the body frame. */
  mounting?: Mat3;
  offset?: [number, number, number];
  scale?: [number, number, number];
}

function gaussian(seed: number) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export function synth(phases: Phase[], options: SynthOptions = {}): Recording {
  const { rateHz = 50, t0 = Date.UTC(2026, 0, 1, 21), noiseG = 0.003, seed = 1, mounting = IDENTITY } = options;
  const offset = options.offset ?? [0, 0, 0];
  const scale = options.scale ?? [1, 1, 1];
  const gauss = gaussian(seed);
  const total = phases.reduce((s, p) => s + (p.kind === 'gap' ? 0 : Math.round(p.seconds * rateHz)), 0);
  const t = new Float64Array(total);
  const ax = new Float32Array(total);
  const ay = new Float32Array(total);
  const az = new Float32Array(total);
  // device = R^T body (R maps device to body).
  const m = mounting;
  const rt: Mat3 = [m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]];
  let i = 0;
  let sample = 0; // sample clock, so gaps shift time by whole seconds
  let gapMs = 0;
  for (const p of phases) {
    if (p.kind === 'gap') {
      gapMs += p.seconds * 1000;
      continue;
    }
    const n = Math.round(p.seconds * rateHz);
    for (let j = 0; j < n; j++, i++, sample++) {
      const s = j / rateHz;
      const abs = sample / rateHz;
      let g: [number, number, number];
      if (p.kind === 'hold') {
        g = p.g;
        if (p.breathing) {
          const amp = p.breathing === true ? 0.3 : p.breathing;
          const a = amp * RAD * Math.sin(2 * Math.PI * 0.25 * abs);
          g = [g[0] - a * g[2], g[1], g[2] + a * g[0]];
        }
      } else if (p.kind === 'walk') {
        const up = uprightG(3);
        const ph = 2 * Math.PI * 1.8 * abs;
        g = [up[0] + 0.12 * Math.sin(ph + 1), up[1] + 0.25 * Math.sin(ph), up[2] + 0.08 * Math.sin(ph / 2)];
      } else if (p.kind === 'move') {
        const w = j / n;
        const v = [0, 1, 2].map((k) => p.from[k]! * (1 - w) + p.to[k]! * w);
        const len = Math.sqrt(v[0]! ** 2 + v[1]! ** 2 + v[2]! ** 2);
        g = [v[0]! / len, v[1]! / len, v[2]! / len];
      } else if (p.kind === 'roll') {
        g = lyingG(p.from + ((p.to - p.from) * j) / n);
      } else {
        const [sa, fr] = p.angles(s);
        g = uprightG(sa, fr);
      }
      const d = applyMat3(rt, g[0], g[1], g[2]);
      t[i] = t0 + gapMs + abs * 1000;
      // Raw reading such that (raw + offset) * scale is the true value.
      ax[i] = (d[0] + noiseG * gauss()) / scale[0] - offset[0];
      ay[i] = (d[1] + noiseG * gauss()) / scale[1] - offset[1];
      az[i] = (d[2] + noiseG * gauss()) / scale[2] - offset[2];
    }
  }
  return { t, ax, ay, az };
}
