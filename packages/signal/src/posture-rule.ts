// The gravity-angle baseline (KielMAT-style lower-back sectors). Upright while the spine is within 60 degrees of
// vertical; otherwise the lying position from the roll angle in four 90-degree sectors centred on supine (0), left
// (+90), prone (180) and right (-90), so a three-quarter position goes to the nearer of its two neighbours. Soft
// scores instead of hard cuts let the hysteresis layer hold a label until the angle is clearly past a boundary.
import { rollDeg, tiltFromVerticalDeg, wrapDeg } from './angles.js';
import { EPOCH_FEATURE_COUNT, EPOCH_FEATURE_NAMES, type EpochSummary } from './features.js';

export const POSTURE_LABELS = ['upright', 'supine', 'prone', 'left', 'right'] as const;
export type PostureLabel = (typeof POSTURE_LABELS)[number];

export const ANGLE_RULE_VERSION = 'angle-rule@1.2.0';

/** Spine-from-vertical angle separating upright (incl. reclined sitting) from lying, degrees. */
export const UPRIGHT_MAX_TILT_DEG = 60;
/** Width of the logistic upright/lying transition, degrees. */
const TILT_SCALE_DEG = 5;
/** Concentration of the roll sectors: higher is sharper. */
const ROLL_KAPPA = 4;
const SECTOR_CENTRE_DEG: Record<Exclude<PostureLabel, 'upright'>, number> = {
  supine: 0,
  prone: 180,
  left: 90,
  right: -90,
};

/**
 * A posture model turns epoch feature rows (EPOCH_FEATURE_NAMES order) into class probabilities
 * (POSTURE_LABELS order, rows summing to 1). The angle rule and learned models share this interface.
 */
export interface PostureModel {
  /** Algorithm name and version, stored with every label. */
  readonly id: string;
  /** How it computes: "rule" for the angle rule, the TensorFlow.js backend for a learned model. */
  readonly backend: string;
  /** `epochs` are the summaries behind the rows, in time order, for models that use time or context. */
  predict(features: Float32Array, rows: number, epochs?: readonly EpochSummary[]): Float32Array;
  /**
   * Models with context across epochs (state per stream) return a fresh instance for each stream: the analyzer
   * calls this once per stream and again when it restarts after a long silence. Stateless models leave it out.
   */
  session?(): PostureModel;
}

/** Class probabilities of one body-frame gravity vector. */
export function gravityProbabilities(x: number, y: number, z: number, out: Float32Array, o = 0): void {
  const tilt = tiltFromVerticalDeg(x, y, z);
  const pUp = 1 / (1 + Math.exp((tilt - UPRIGHT_MAX_TILT_DEG) / TILT_SCALE_DEG));
  const roll = (rollDeg(x, z) * Math.PI) / 180;
  const w = (centre: number) => Math.exp(ROLL_KAPPA * Math.cos(roll - (centre * Math.PI) / 180));
  const ws = POSTURE_LABELS.slice(1).map((l) => w(SECTOR_CENTRE_DEG[l as Exclude<PostureLabel, 'upright'>]));
  const total = ws.reduce((a, b) => a + b, 0);
  out[o] = pUp;
  for (let k = 0; k < 4; k++) out[o + 1 + k] = ((1 - pUp) * ws[k]!) / total;
}

export const angleRule: PostureModel = {
  id: ANGLE_RULE_VERSION,
  backend: 'rule',
  predict(features, rows) {
    const out = new Float32Array(rows * POSTURE_LABELS.length);
    for (let i = 0; i < rows; i++) {
      const o = i * EPOCH_FEATURE_COUNT;
      gravityProbabilities(features[o]!, features[o + 1]!, features[o + 2]!, out, i * POSTURE_LABELS.length);
    }
    return out;
  },
};

/** The most likely label of one gravity vector, without hysteresis. */
export function postureFromGravity(x: number, y: number, z: number): PostureLabel {
  const p = new Float32Array(POSTURE_LABELS.length);
  gravityProbabilities(x, y, z, p);
  return POSTURE_LABELS[argmax(p, 0, POSTURE_LABELS.length)]!;
}

export function argmax(p: ArrayLike<number>, o: number, len: number): number {
  let best = 0;
  for (let k = 1; k < len; k++) if (p[o + k]! > p[o + best]!) best = k;
  return best;
}

/** A still epoch: direction spread below this (degrees) and SD of |a| below this (g). */
export const STILL_SPREAD_DEG = 10;
export const STILL_MAG_SD_G = 0.05;
/** Still this long with the same most likely class, a position counts as settled, s. */
export const SETTLE_S = 60;

const SPREAD90 = EPOCH_FEATURE_NAMES.indexOf('spread90');
const MAG_SD = EPOCH_FEATURE_NAMES.indexOf('magSd');

/** Whether feature row `i` (EPOCH_FEATURE_NAMES order) is still: no movement within the epoch. */
export function isStill(features: Float32Array, i: number): boolean {
  const o = i * EPOCH_FEATURE_COUNT;
  return features[o + SPREAD90]! * 90 < STILL_SPREAD_DEG && features[o + MAG_SD]! < STILL_MAG_SD_G;
}

/** A turn in bed: a change of lying roll of at least this, degrees (turns.ts; the hysteresis below waits for one). */
export const TURN_MIN_DEG = 15;

/**
 * Hysteresis: the label changes only when another class beats the current one by `margin` in probability
 * (0.3: for the rule, about 5 degrees past the upright/lying boundary and 6 degrees past a roll sector boundary),
 * or when the body has stayed still for `settleS` with the same most likely class. The margin stops flicker while
 * the angle wanders near a boundary; without the settle rule it also held the previous side for good when a person
 * settled in a three-quarter position just inside the next sector.
 * Between lying classes, a still body must also have turned: be TURN_MIN_DEG (a turn, as turns.ts counts them) or
 * more in roll from the last still epoch that confirmed the held label. Otherwise a three-quarter sleeper
 * shifting a few degrees across a sector boundary within one position would change label, and count a position
 * change, without turning.
 */
export class PostureHysteresis {
  private current = -1;
  private settledClass = -1;
  private settledS = 0;
  /** Roll of the last still epoch whose most likely class was the held lying label; NaN when none. */
  private anchorRollDeg = Number.NaN;
  constructor(
    private readonly margin = 0.3,
    private readonly settleS = SETTLE_S,
  ) {}

  /**
   * Label index for one row of probabilities; `stillS` is the epoch's duration when it is still, else 0;
   * `rollDeg` the epoch's lying roll (NaN when unknown: no turn test).
   */
  step(p: ArrayLike<number>, o: number, stillS = 0, rollDeg = Number.NaN): number {
    const best = argmax(p, o, POSTURE_LABELS.length);
    if (stillS > 0 && best === this.settledClass) this.settledS += stillS;
    else [this.settledClass, this.settledS] = stillS > 0 ? [best, stillS] : [-1, 0];
    // Held: still, between lying classes, not yet turned from the anchor (a NaN roll or anchor compares false).
    const turnedDeg = Math.abs(wrapDeg(rollDeg - this.anchorRollDeg));
    const held = stillS > 0 && best > 0 && this.current > 0 && turnedDeg < TURN_MIN_DEG;
    if (
      this.current < 0 ||
      (!held && (p[o + best]! - p[o + this.current]! >= this.margin || this.settledS >= this.settleS))
    ) {
      if (best !== this.current) this.anchorRollDeg = Number.NaN;
      this.current = best;
    }
    if (stillS > 0 && best === this.current && best > 0) this.anchorRollDeg = rollDeg;
    return this.current;
  }

  /** Forget the held label (after a gap in the data). */
  reset(): void {
    this.current = this.settledClass = -1;
    this.settledS = 0;
    this.anchorRollDeg = Number.NaN;
  }
}
