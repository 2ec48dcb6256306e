// Context across epochs for the learned posture model: what a single epoch cannot tell. Two slow references,
// both causal (an epoch sees only itself and what came before), so the live service and a whole-recording
// analysis compute the same inputs:
//
// - The upright reference: the mean gravity direction of walking-like epochs (walking is upright, as in ActiPASS).
//   A mounting that is tilted on the body, or configured wrong, shows as walking that is not along +y; the
//   rotation taking the reference to +y corrects the tilt part of the error.
// - The roll offset: people lie near four nominal rolls (supine 0, left 90, prone 180, right -90), so lying rolls
//   taken modulo 90 degrees cluster around the error of the mounting about the spine, which gravity cannot show
//   while upright. Each settled lying stretch votes once (a long bout is one vote, so one three-quarter bout does
//   not drag the estimate), older votes fade so a sensor that slips overnight is followed, and a prior vote at 0
//   keeps a configured or estimated mounting unless the night says otherwise. The offset is the mode of the votes
//   on a 1-degree grid (robust to three-quarter bouts, which sit 25-45 degrees off their nominal roll).
//
// The model gets the raw epoch features, the corrected ones and how much evidence stands behind each correction,
// and learns how far to trust them.
import { EPOCH_FEATURE_COUNT, type EpochSummary } from '@restpose/signal';

const { atan2, sqrt, exp, cos, sin, acos, abs, min, max, PI } = Math;
const DEG = 180 / PI;

/** Inputs of the model, in order. Raw = body frame from the mounting; corrected = after both references. */
export const MODEL_INPUT_NAMES = [
  'gx',
  'gy',
  'gz',
  'medX',
  'medY',
  'medZ',
  'tilt90',
  'sinRoll',
  'cosRoll',
  'cx',
  'cy',
  'cz',
  'cTilt90',
  'cSinRoll',
  'cCosRoll',
  'cmTilt90',
  'cmSinRoll',
  'cmCosRoll',
  'meanNorm',
  'magSd',
  'enmo',
  'spread90',
  'speed100',
  'upCorrection90',
  'rollOffset45',
  'rollEvidence',
  'rSinRoll',
  'rCosRoll',
  'recentOffset45',
] as const;
export const MODEL_INPUT_COUNT = MODEL_INPUT_NAMES.length;

// Feature columns of @restpose/signal's EPOCH_FEATURE_NAMES used here.
const F = { gx: 0, gy: 1, gz: 2, meanNorm: 6, magSd: 7, enmo: 8, spread90: 9, speed100: 10, medX: 12 } as const;

/** Tunables of the context, fixed before training (development seeds only). */
export const CONTEXT_PARAMS = {
  /** SD of |a| above which an epoch counts as walking-like, g. */
  walkMagSdG: 0.08,
  /** Walking further than this from the current reference is not used (a bend, a fall, a wrong reference). */
  walkMaxAngleDeg: 45,
  /** Seconds of walking over which the reference forgets (exponential). */
  walkMemoryS: 1800,
  /** Weight of the prior (+y) in seconds of walking. */
  walkPriorS: 60,
  /** Lying for the roll votes: corrected tilt above this, degrees; still: direction spread and |a| SD below. */
  lyingTiltDeg: 65,
  stillSpreadDeg: 10,
  stillMagSdG: 0.05,
  /** A still lying epoch this far from the open stretch's mean roll starts a new stretch, degrees. */
  stretchBreakDeg: 10,
  /** A stretch votes once it lasts this long, s. */
  stretchMinS: 60,
  /** Each new vote multiplies the older ones by this. */
  voteDecay: 0.8,
  /** Weight of the prior vote at offset 0. */
  priorVote: 1.5,
  /** A second, quicker estimate (follows a slip after a vote or two; noisier): its decay and prior. */
  recentVoteDecay: 0.4,
  recentPriorVote: 0.5,
  /** Concentration of a vote's kernel over 4 x roll (2: about 10 degrees of roll). */
  kappa: 2,
} as const;

interface Vote {
  rollDeg: number;
  /** Newer votes since this one. */
  age: number;
}

interface Stretch {
  sin: number;
  cos: number;
  seconds: number;
}

/** The context of one stream (one device, one recording). */
export class PostureContext {
  private up = [0, 0, 0];
  private votes: Vote[] = [];
  private stretch: Stretch | null = null;
  private offsetDeg = 0;
  private recentOffsetDeg = 0;
  private offsetDirty = false;

  constructor(private readonly p = CONTEXT_PARAMS) {}

  /**
   * Updates the context with epoch row `i` of `features` (EPOCH_FEATURE_NAMES order) and writes the model inputs
   * of that epoch to `out` at row `i`.
   */
  step(features: Float32Array, i: number, epoch: Pick<EpochSummary, 'durationS'>, out: Float32Array): void {
    const f = i * EPOCH_FEATURE_COUNT;
    const g = unit(features[f + F.gx]!, features[f + F.gy]!, features[f + F.gz]!);
    const m = unit(features[f + F.medX]!, features[f + F.medX + 1]!, features[f + F.medX + 2]!);
    const magSd = features[f + F.magSd]!;
    const spreadDeg = features[f + F.spread90]! * 90;
    const p = this.p;

    // Upright reference from walking-like epochs.
    let ref = this.reference();
    if (magSd >= p.walkMagSdG && angleDeg(g, ref) < p.walkMaxAngleDeg) {
      const keep = exp(-epoch.durationS / p.walkMemoryS);
      for (let k = 0; k < 3; k++) this.up[k] = this.up[k]! * keep + g[k]! * epoch.durationS;
      ref = this.reference();
    }
    const c = alignToY(ref, g);
    const cm = alignToY(ref, m);

    // Roll votes from still lying stretches.
    const tilt = tiltDeg(c);
    if (tilt > p.lyingTiltDeg && spreadDeg < p.stillSpreadDeg && magSd < p.stillMagSdG) {
      const roll = atan2(c[2]!, c[0]!);
      const s = this.stretch;
      if (s && abs(wrapDeg(roll * DEG - atan2(s.sin, s.cos) * DEG)) < p.stretchBreakDeg) {
        s.sin += sin(roll) * epoch.durationS;
        s.cos += cos(roll) * epoch.durationS;
        s.seconds += epoch.durationS;
      } else {
        this.closeStretch();
        this.stretch = { sin: sin(roll) * epoch.durationS, cos: cos(roll) * epoch.durationS, seconds: epoch.durationS };
      }
      this.offsetDirty = true;
    } else if (tilt < 45) {
      // Up: the lying stretch is over. (Restless epochs while lying neither add to it nor end it.)
      this.closeStretch();
    }
    if (this.offsetDirty) this.estimateOffset();

    const o = i * MODEL_INPUT_COUNT;
    const offset = this.offsetDeg / DEG;
    out[o] = g[0]!;
    out[o + 1] = g[1]!;
    out[o + 2] = g[2]!;
    out[o + 3] = m[0]!;
    out[o + 4] = m[1]!;
    out[o + 5] = m[2]!;
    out[o + 6] = tiltDeg(g) / 90;
    const r = atan2(g[2]!, g[0]!);
    out[o + 7] = sin(r);
    out[o + 8] = cos(r);
    out[o + 9] = c[0]!;
    out[o + 10] = c[1]!;
    out[o + 11] = c[2]!;
    out[o + 12] = tilt / 90;
    const rc = atan2(c[2]!, c[0]!) - offset;
    out[o + 13] = sin(rc);
    out[o + 14] = cos(rc);
    out[o + 15] = tiltDeg(cm) / 90;
    const rm = atan2(cm[2]!, cm[0]!) - offset;
    out[o + 16] = sin(rm);
    out[o + 17] = cos(rm);
    const rr = atan2(cm[2]!, cm[0]!) - this.recentOffsetDeg / DEG;
    out[o + 26] = sin(rr);
    out[o + 27] = cos(rr);
    out[o + 28] = this.recentOffsetDeg / 45;
    out[o + 18] = features[f + F.meanNorm]!;
    out[o + 19] = magSd;
    out[o + 20] = features[f + F.enmo]!;
    out[o + 21] = spreadDeg / 90;
    out[o + 22] = features[f + F.speed100]!;
    out[o + 23] = angleDeg(ref, [0, 1, 0]) / 90;
    out[o + 24] = this.offsetDeg / 45;
    out[o + 25] = 1 - exp(-this.voteWeight() / 2);
  }

  /** Current estimates, for reports and tests. */
  get state(): { uprightReference: number[]; rollOffsetDeg: number; recentRollOffsetDeg: number; votes: number } {
    return {
      uprightReference: this.reference(),
      rollOffsetDeg: this.offsetDeg,
      recentRollOffsetDeg: this.recentOffsetDeg,
      votes: this.votes.length,
    };
  }

  private reference(): number[] {
    return unit(this.up[0]!, this.up[1]! + this.p.walkPriorS, this.up[2]!);
  }

  private closeStretch(): void {
    const s = this.stretch;
    this.stretch = null;
    if (!s || s.seconds < this.p.stretchMinS) return;
    for (const v of this.votes) v.age++;
    // Votes older than this weigh under 1% in the slower estimate.
    this.votes = this.votes.filter((v) => v.age < 21);
    this.votes.push({ rollDeg: atan2(s.sin, s.cos) * DEG, age: 0 });
    this.offsetDirty = true;
  }

  private voteWeight(): number {
    let w = 0;
    for (const v of this.votes) w += this.p.voteDecay ** v.age;
    if (this.stretch) w += min(1, this.stretch.seconds / 600);
    return w;
  }

  private estimateOffset(): void {
    this.offsetDirty = false;
    const s = this.stretch;
    const open =
      s && s.seconds >= this.p.stretchMinS
        ? { rollDeg: atan2(s.sin, s.cos) * DEG, weight: min(1, s.seconds / 600) }
        : null;
    const weighted = (decay: number, prior: number) => [
      { rollDeg: 0, weight: prior },
      ...this.votes.map((v) => ({ rollDeg: v.rollDeg, weight: decay ** v.age })),
      ...(open ? [open] : []),
    ];
    this.offsetDeg = this.mode(weighted(this.p.voteDecay, this.p.priorVote));
    this.recentOffsetDeg = this.mode(weighted(this.p.recentVoteDecay, this.p.recentPriorVote));
  }

  /** The offset in [-45, 45) with the highest kernel score over 4 x roll. */
  private mode(all: Array<{ rollDeg: number; weight: number }>): number {
    const k = this.p.kappa;
    let best = 0;
    let bestScore = -1;
    for (let phi = -45; phi < 45; phi++) {
      let score = 0;
      for (const v of all) score += v.weight * exp(k * (cos((4 * (v.rollDeg - phi)) / DEG) - 1));
      // Ties go to the smaller correction.
      if (score > bestScore + 1e-12 || (abs(score - bestScore) <= 1e-12 && abs(phi) < abs(best))) {
        best = phi;
        bestScore = score;
      }
    }
    return best;
  }
}

function unit(x: number, y: number, z: number): number[] {
  const n = sqrt(x * x + y * y + z * z) || 1;
  return [x / n, y / n, z / n];
}

function angleDeg(a: number[], b: number[]): number {
  return acos(max(-1, min(1, a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!))) * DEG;
}

function tiltDeg(v: number[]): number {
  return acos(max(-1, min(1, v[1]!))) * DEG;
}

function wrapDeg(d: number): number {
  return ((((d + 180) % 360) + 360) % 360) - 180;
}

/** v rotated by the smallest rotation that takes `ref` to +y (Rodrigues). */
function alignToY(ref: number[], v: number[]): number[] {
  // axis = ref x y = (-ref.z, 0, ref.x); sin = |axis|, cos = ref.y
  const ax = -ref[2]!;
  const az = ref[0]!;
  const s = sqrt(ax * ax + az * az);
  if (s < 1e-9) return v;
  const kx = ax / s;
  const kz = az / s;
  const c = ref[1]!;
  const [x, y, z] = v as [number, number, number];
  // k x v with k = (kx, 0, kz)
  const cx = -kz * y;
  const cy = kz * x - kx * z;
  const cz = kx * y;
  const kv = kx * x + kz * z;
  return [x * c + cx * s + kx * kv * (1 - c), y * c + cy * s, z * c + cz * s + kz * kv * (1 - c)];
}
