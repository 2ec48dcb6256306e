// Context across epochs for the learned posture model: what a single epoch cannot tell. Two slow references,
// both causal (an epoch sees only itself and what came before), so the live service and a whole-recording
// analysis compute the same inputs:
//
// - The upright reference: the mean gravity direction of walking-like epochs (walking is upright, as in ActiPASS).
//   A mounting that is tilted on the body, or configured wrong, shows as walking that is not along +y; the
//   rotation taking the reference to +y corrects the tilt part of the error.
// - The roll offset: the error of the mounting about the spine, which gravity cannot show while upright. People
//   settle near four nominal rolls (supine 0, left 90, prone 180, right -90), so the settled roll of each still
//   lying stretch is evidence about the offset modulo 90 degrees. A Bayesian filter on a 1-degree grid over the
//   whole circle keeps the posterior of the offset: each stretch multiplies in its likelihood (a position
//   near its nominal roll, or - three-quarter positions, habits - anywhere: a mixture), and before each stretch a
//   small hazard lets the offset jump some 20 degrees from where it was (the sensor slipped during the turn). The
//   evidence repeats every 90 degrees, but the offset's history does not: a sensor that slipped 30 and then 30
//   degrees more is at 60, not at -30, and reads every position one sector round (a filter modulo 90 cannot
//   tell). From the posterior come, per epoch, the probability of each lying sector for the epoch's roll (averaged
//   over the offset), the most likely offset and how sure it is.
//   Walking adds evidence of its own, independent of how a person lies: the trunk accelerates mostly forward and
//   back, so the axis of within-second acceleration across the spine shows the offset modulo 180 (a person's gait
//   turns it some degrees; in the UCI HAPT recordings it sat within about 10 degrees of the lying direction for most
//   users, further for a few with little forward-back dominance). The walking since the last stretch counts as one
//   observation: repeated walks share a person's gait bias, so they are not independent evidence.
//
// The model gets tilts, the sector probabilities and movement features, not raw directions or rolls: with those it
// learned the rolls of the training nights' people (on validation nights it did worse than its own inputs).
import { EPOCH_FEATURE_COUNT, type EpochSummary, wrapDeg } from '@restpose/signal';

const { atan2, sqrt, exp, cos, sin, acos, abs, min, max, log, PI } = Math;
const DEG = 180 / PI;

/** Inputs of the model, in order. Raw = body frame from the mounting; corrected = after the upright reference. */
export const MODEL_INPUT_NAMES = [
  /** Tilt of the spine from vertical / 90: as measured, after the upright reference, and of the median direction. */
  'tilt90',
  'cTilt90',
  'cmTilt90',
  /** Probability of each lying sector for the (corrected, median) roll, over the offset posterior. */
  'pSupine',
  'pProne',
  'pLeft',
  'pRight',
  'meanNorm',
  'magSd',
  'enmo',
  'spread90',
  'speed100',
  /** Angle of the upright correction / 90, and the posterior SD of the roll offset / 45. */
  'upCorrection90',
  'rollOffsetSd45',
] as const;
export const MODEL_INPUT_COUNT = MODEL_INPUT_NAMES.length;

// Feature columns of @restpose/signal's EPOCH_FEATURE_NAMES used here.
const F = {
  gx: 0,
  gy: 1,
  gz: 2,
  meanNorm: 6,
  magSd: 7,
  enmo: 8,
  spread90: 9,
  speed100: 10,
  medX: 12,
  axis2: 15,
} as const;

/** Tunables of the context, fixed before training (validation seeds only). */
export const CONTEXT_PARAMS = {
  /** SD of |a| above which an epoch counts as walking-like, g. */
  walkMagSdG: 0.08,
  /** Walking further than this from the current reference is not used (a bend, a fall, a wrong reference). */
  walkMaxAngleDeg: 45,
  /** Seconds of walking over which the reference forgets (exponential). */
  walkMemoryS: 1800,
  /** Weight of the prior (+y) in seconds of walking. */
  walkPriorS: 60,
  /** Lying for the roll evidence: corrected tilt above this, degrees; still: direction spread and |a| SD below. */
  lyingTiltDeg: 65,
  stillSpreadDeg: 10,
  stillMagSdG: 0.05,
  /** A still lying epoch this far from the open stretch's mean roll starts a new stretch, degrees. */
  stretchBreakDeg: 10,
  /** A stretch counts as evidence once it lasts this long, s. */
  stretchMinS: 60,
  /** Prior SD of the offset, degrees (a mounting is usually right to within a few degrees). */
  priorSdDeg: 12,
  /** Settled positions lie near their nominal roll with this SD (habits), degrees ... */
  nominalSdDeg: 8,
  /** ... with this probability; otherwise anywhere (three-quarter positions, unusual habits). */
  nominalShare: 0.7,
  /** Probability that the offset jumps (a slip) before a stretch. */
  hazard: 0.15,
  /** A jump moves the offset by this SD, degrees: a slip turns the sensor from where it was, not back to the prior. */
  slipSdDeg: 20,
  /** A walking epoch is roll evidence when its across-the-spine acceleration has at least this axis dominance (0-1). */
  walkAxisMinLength: 0.4,
  /** The walking axis sits this far from the anterior axis (a person's gait), SD, degrees ... */
  walkAxisSdDeg: 10,
  /** ... with this probability; otherwise anywhere (a gait with no forward-back axis). */
  walkAxisShare: 0.9,
  /** Walking counts in full as evidence once it lasts this long, s. */
  walkAxisFullS: 120,
  /** The model overrides the rule only while the offset is at least this far from 0 ... degrees */
  gateOffsetDeg: 8,
  /** ... with a posterior SD at most this, degrees (chosen on validation seeds: gate.ts). */
  gateOffsetSdDeg: 8,
  /** ... and, modulo 90, at most this far from 0: near 45 degrees an offset and a position on a sector boundary
   * look alike. (An offset of 60 is not near one: the filter got there by following slips.) */
  gateMaxOffsetDeg: 35,
} as const;
export type ContextParams = { [K in keyof typeof CONTEXT_PARAMS]: number };

interface Stretch {
  sin: number;
  cos: number;
  seconds: number;
}

const GRID = 360; // offsets -180..179 degrees
const SECTORS = [0, 180, 90, -90]; // supine, prone, left, right (POSTURE_LABELS order after upright)

/** The context of one stream (one device, one recording). */
export class PostureContext {
  private up = [0, 0, 0];
  private stretch: Stretch | null = null;
  /** Walking since the last stretch: duration-weighted doubled-angle axis (EpochSummary.axis2) and seconds. */
  private walk = { cos2: 0, sin2: 0, seconds: 0 };
  /** Log posterior of the offset (committed evidence only). */
  private readonly logPost = new Float64Array(GRID);
  /** Posterior including the open stretch, normalized (probabilities). */
  private readonly post = new Float64Array(GRID);
  private readonly kappa: number;
  private readonly walkKappa: number;
  private readonly walkKernelMean: number;
  private readonly kernelMean: number;
  /** Wrapped normal of slipSdDeg over offset differences 0..359, normalized. */
  private readonly slipKernel = new Float64Array(GRID);
  private postDirty = true;
  private offsetDeg = 0;
  private offsetSdDeg = 0;

  constructor(private readonly p: ContextParams = CONTEXT_PARAMS) {
    // von Mises concentrations: on 4 x roll for the nominal SD, on 2 x the walking axis for its SD.
    const s4 = (4 * p.nominalSdDeg) / DEG;
    this.kappa = 1 / (s4 * s4);
    this.kernelMean = vonMisesMean(this.kappa);
    const s2 = (2 * p.walkAxisSdDeg) / DEG;
    this.walkKappa = 1 / (s2 * s2);
    this.walkKernelMean = vonMisesMean(this.walkKappa);
    for (let j = 0; j < GRID; j++) this.logPost[j] = -0.5 * ((j - 180) / p.priorSdDeg) ** 2;
    let total = 0;
    for (let d = 0; d < GRID; d++) total += this.slipKernel[d] = exp(-0.5 * (wrapDeg(d) / p.slipSdDeg) ** 2);
    for (let d = 0; d < GRID; d++) this.slipKernel[d]! /= total;
  }

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
      const c2 = features[f + F.axis2]!;
      const s2 = features[f + F.axis2 + 1]!;
      const length = sqrt(c2 * c2 + s2 * s2);
      if (length >= p.walkAxisMinLength) {
        this.walk.cos2 += (c2 / length) * epoch.durationS;
        this.walk.sin2 += (s2 / length) * epoch.durationS;
        this.walk.seconds += epoch.durationS;
        this.postDirty = true;
      }
    }
    const c = alignToY(ref, g);
    const cm = alignToY(ref, m);

    // Roll evidence from still lying stretches.
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
      this.postDirty = true;
    } else if (tilt < 45) {
      // Up: the lying stretch is over. (Restless epochs while lying neither add to it nor end it.)
      this.closeStretch();
    }
    if (this.postDirty) this.updatePosterior();

    const o = i * MODEL_INPUT_COUNT;
    out[o] = tiltDeg(g) / 90;
    out[o + 1] = tilt / 90;
    out[o + 2] = tiltDeg(cm) / 90;
    this.sectorProbabilities(atan2(cm[2]!, cm[0]!) * DEG, out, o + 3);
    out[o + 7] = features[f + F.meanNorm]!;
    out[o + 8] = magSd;
    out[o + 9] = features[f + F.enmo]!;
    out[o + 10] = spreadDeg / 90;
    out[o + 11] = features[f + F.speed100]!;
    out[o + 12] = angleDeg(ref, [0, 1, 0]) / 90;
    out[o + 13] = this.offsetSdDeg / 45;
  }

  /** Whether the mounting is confidently off about the spine: where the rule, reading it as given, goes wrong. */
  get mountingOff(): boolean {
    const p = this.p;
    const nearBoundary = abs(wrap90(this.offsetDeg)) > p.gateMaxOffsetDeg;
    return abs(this.offsetDeg) >= p.gateOffsetDeg && !nearBoundary && this.offsetSdDeg <= p.gateOffsetSdDeg;
  }

  /** Current estimates, for reports and tests. */
  get state(): { uprightReference: number[]; rollOffsetDeg: number; rollOffsetSdDeg: number } {
    return { uprightReference: this.reference(), rollOffsetDeg: this.offsetDeg, rollOffsetSdDeg: this.offsetSdDeg };
  }

  private reference(): number[] {
    return unit(this.up[0]!, this.up[1]! + this.p.walkPriorS, this.up[2]!);
  }

  /** Log-likelihood of the offset at grid point j for a settled roll (degrees), weight w in [0, 1]: periodic in 90. */
  private logLik(rollDeg: number, j: number, w: number): number {
    const kernel = exp(this.kappa * (cos((4 * (rollDeg - (j - 180))) / DEG) - 1));
    const share = this.p.nominalShare;
    return w * log(share * kernel + (1 - share) * this.kernelMean);
  }

  /** Log-likelihood of the offset at grid point j given the walking since the last stretch (periodic in 180). */
  private walkLogLik(j: number): number {
    const w = this.walk;
    if (w.seconds === 0) return 0;
    const axis = atan2(w.sin2, w.cos2) / 2;
    const kernel = exp(this.walkKappa * (cos(2 * (axis - (j - 180) / DEG)) - 1));
    const share = this.p.walkAxisShare;
    return min(1, w.seconds / this.p.walkAxisFullS) * log(share * kernel + (1 - share) * this.walkKernelMean);
  }

  private closeStretch(): void {
    const s = this.stretch;
    this.stretch = null;
    if (!s || s.seconds < this.p.stretchMinS) return;
    // Walking before this stretch happened before any slip in the turn that led to it.
    for (let j = 0; j < GRID; j++) this.logPost[j]! += this.walkLogLik(j);
    this.walk = { cos2: 0, sin2: 0, seconds: 0 };
    // The offset may have jumped since the last stretch (a slip during the turn): mix in the slipped posterior.
    const post = normalized(this.logPost);
    const h = this.p.hazard;
    const jumped = this.slipped(post);
    const roll = atan2(s.sin, s.cos) * DEG;
    for (let j = 0; j < GRID; j++) this.logPost[j] = log((1 - h) * post[j]! + h * jumped[j]!) + this.logLik(roll, j, 1);
    this.postDirty = true;
  }

  /** The posterior after a slip: convolved with the slip kernel. */
  private slipped(post: Float64Array): Float64Array {
    const out = new Float64Array(GRID);
    for (let j = 0; j < GRID; j++) {
      if (post[j]! < 1e-9) continue;
      for (let d = 0; d < GRID; d++) out[(j + d) % GRID]! += post[j]! * this.slipKernel[d]!;
    }
    return out;
  }

  /**
   * The posterior with the open stretch counted in part (as a finished one after 600 s): a position the offset does
   * not explain makes the offset less sure while it lasts, which keeps the gate shut (validation seeds).
   */
  private updatePosterior(): void {
    this.postDirty = false;
    const s = this.stretch;
    const open = s && s.seconds >= this.p.stretchMinS;
    const roll = open ? atan2(s.sin, s.cos) * DEG : 0;
    const w = open ? min(1, s.seconds / 600) : 0;
    let best = 0;
    for (let j = 0; j < GRID; j++) {
      this.post[j] = this.logPost[j]! + (open ? this.logLik(roll, j, w) : 0) + this.walkLogLik(j);
      if (this.post[j]! > this.post[best]!) best = j;
    }
    const top = this.post[best]!;
    let total = 0;
    for (let j = 0; j < GRID; j++) total += this.post[j] = exp(this.post[j]! - top);
    // SD around the mode within one period (90 degrees): how well the offset is known. The mass a period or more
    // away (the same evidence, another history) shows in the sector probabilities instead.
    let variance = 0;
    let near = 0;
    for (let j = 0; j < GRID; j++) {
      this.post[j]! /= total;
      const d = wrapDeg(j - best);
      if (abs(d) > 45) continue;
      variance += this.post[j]! * d * d;
      near += this.post[j]!;
    }
    this.offsetDeg = best - 180;
    this.offsetSdDeg = sqrt(variance / near);
  }

  /** P(sector) for a roll (degrees) over the offset posterior: supine, prone, left, right at out[o..o+3]. */
  private sectorProbabilities(rollDeg: number, out: Float32Array, o: number): void {
    out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
    for (let j = 0; j < GRID; j++) {
      const q = this.post[j]!;
      if (q < 1e-9) continue;
      const r = wrapDeg(rollDeg - (j - 180));
      let sector = 0;
      let nearest = 360;
      for (let k = 0; k < 4; k++) {
        const d = abs(wrapDeg(r - SECTORS[k]!));
        if (d < nearest) {
          nearest = d;
          sector = k;
        }
      }
      out[o + sector]! += q;
    }
  }
}

/** Mean over the circle of the unnormalized von Mises kernel exp(kappa (cos x - 1)): the uniform part's level. */
function vonMisesMean(kappa: number): number {
  let m = 0;
  for (let k = 0; k < 360; k++) m += exp(kappa * (cos((k * PI) / 180) - 1));
  return m / 360;
}

function normalized(logp: Float64Array): Float64Array {
  let top = Number.NEGATIVE_INFINITY;
  for (const v of logp) top = max(top, v);
  const out = logp.map((v) => exp(v - top));
  let total = 0;
  for (const v of out) total += v;
  return out.map((v) => v / total);
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

function wrap90(d: number): number {
  return ((((d + 45) % 90) + 90) % 90) - 45;
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
