// The gravity-angle baseline: upright when the spine is within 45 degrees of vertical,
// otherwise the lying side from the roll angle in four 90-degree sectors.
import { rollDeg, tiltFromVerticalDeg } from './angles.js';

export const POSTURE_LABELS = ['upright', 'supine', 'prone', 'left', 'right'] as const;
export type PostureLabel = (typeof POSTURE_LABELS)[number];

export const ANGLE_RULE_VERSION = 'angle-rule@0.1.0';

const UPRIGHT_MAX_TILT_DEG = 45;

export function postureFromGravity(x: number, y: number, z: number): PostureLabel {
  if (tiltFromVerticalDeg(x, y, z) <= UPRIGHT_MAX_TILT_DEG) return 'upright';
  const roll = rollDeg(x, z);
  if (roll >= -45 && roll <= 45) return 'supine';
  if (roll > 45 && roll <= 135) return 'left';
  if (roll < -45 && roll >= -135) return 'right';
  return 'prone';
}
