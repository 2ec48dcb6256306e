// The gravity-angle baseline (KielMAT-style lower-back sectors). Upright while the spine is within 60 degrees of
// vertical; otherwise the lying position from the roll angle in four 90-degree sectors centred on supine (0), left
// (+90), prone (180) and right (-90), so a three-quarter position goes to the nearer of its two neighbours. Soft
// scores instead of hard cuts let the hysteresis layer hold a label until the angle is clearly past a boundary.
import { rollDeg, tiltFromVerticalDeg } from './angles.js';
import { EPOCH_FEATURE_COUNT } from './features.js';

export const POSTURE_LABELS = ['upright', 'supine', 'prone', 'left', 'right'] as const;
export type PostureLabel = (typeof POSTURE_LABELS)[number];

export const ANGLE_RULE_VERSION = 'angle-rule@1.0.0';

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
  predict(features: Float32Array, rows: number): Float32Array;
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

/**
 * Hysteresis: the label changes only when another class beats the current one by `margin` in probability
 * (0.3: for the rule, about 5 degrees past the upright/lying boundary and 6 degrees past a roll sector boundary).
 */
export class PostureHysteresis {
  private current = -1;
  constructor(private readonly margin = 0.3) {}

  /** Label index for one row of probabilities. */
  step(p: ArrayLike<number>, o: number): number {
    const best = argmax(p, o, POSTURE_LABELS.length);
    if (this.current < 0 || p[o + best]! - p[o + this.current]! >= this.margin) this.current = best;
    return this.current;
  }

  /** Forget the held label (after a gap in the data). */
  reset(): void {
    this.current = -1;
  }
}
