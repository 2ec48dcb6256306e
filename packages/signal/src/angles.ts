// Body-frame angles from a gravity vector (DESIGN.md: x anterior, y superior, z right; degrees).
// The accelerometer reads the reaction to gravity, so flexing forward by θ reads x = -sin θ, y = cos θ.

const DEG = 180 / Math.PI;

/** Sagittal inclination: flexion (forward) positive, 0 upright, +90 prone-like, -90 supine-like. */
export function sagittalDeg(x: number, y: number): number {
  return Math.atan2(-x, y) * DEG;
}

/** Frontal inclination: bending to the right positive. */
export function frontalDeg(y: number, z: number): number {
  return Math.atan2(-z, y) * DEG;
}

/** Lying roll: supine 0, left side +90, prone +-180, right side -90. */
export function rollDeg(x: number, z: number): number {
  return Math.atan2(z, x) * DEG;
}

/** An angle difference wrapped to [-180, 180) degrees. */
export function wrapDeg(deg: number): number {
  return ((((deg + 180) % 360) + 360) % 360) - 180;
}

/** Angle between the spine (y) and vertical, 0-180, independent of the direction of lean. */
export function tiltFromVerticalDeg(x: number, y: number, z: number): number {
  const norm = Math.sqrt(x * x + y * y + z * z);
  if (norm === 0) return Number.NaN;
  return Math.acos(Math.max(-1, Math.min(1, y / norm))) * DEG;
}

/** Angle between two 3-vectors, degrees. */
export function angleBetweenDeg(a: readonly number[], b: readonly number[]): number {
  const d = a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
  const n =
    Math.sqrt(a[0]! * a[0]! + a[1]! * a[1]! + a[2]! * a[2]!) * Math.sqrt(b[0]! * b[0]! + b[1]! * b[1]! + b[2]! * b[2]!);
  return n === 0 ? Number.NaN : Math.acos(Math.max(-1, Math.min(1, d / n))) * DEG;
}
