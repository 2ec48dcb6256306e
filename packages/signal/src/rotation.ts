// Mounting rotations: a 3x3 matrix (row-major) taking device-frame vectors to the body frame (DESIGN.md:
// x anterior, y superior, z right). Rows are the body axes expressed in device coordinates.

export type Mat3 = readonly [number, number, number, number, number, number, number, number, number];

export const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

type Vec3 = [number, number, number];

const AXIS_INDEX: Record<string, number> = { x: 0, y: 1, z: 2 };

/**
 * Parses an axis map such as "-y,x,z": for the body x, y and z axes in turn, the signed device axis that points
 * along it. "-y,x,z" means body x (anterior) = device -y, body y (superior) = device x, body z (right) = device z.
 * The map must be a proper rotation (a right-handed permutation), else the body frame would be mirrored.
 */
export function parseAxisMap(text: string): Mat3 {
  const parts = text.split(',').map((p) => p.trim().toLowerCase());
  const m = new Array<number>(9).fill(0);
  const used = new Set<number>();
  if (parts.length !== 3) throw new Error(`axis map "${text}": expected three comma-separated axes such as -y,x,z`);
  parts.forEach((p, row) => {
    const match = /^([+-]?)([xyz])$/.exec(p);
    if (!match) throw new Error(`axis map "${text}": "${p}" is not one of x, y, z with an optional sign`);
    const col = AXIS_INDEX[match[2]!]!;
    if (used.has(col)) throw new Error(`axis map "${text}": device axis ${match[2]} is used twice`);
    used.add(col);
    m[row * 3 + col] = match[1] === '-' ? -1 : 1;
  });
  const r = m as unknown as Mat3;
  if (Math.abs(det(r) - 1) > 1e-9) throw new Error(`axis map "${text}": mirrors the body frame (swap one sign)`);
  return r;
}

export function det(m: Mat3): number {
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
}

export function applyMat3(m: Mat3, x: number, y: number, z: number): Vec3 {
  return [m[0] * x + m[1] * y + m[2] * z, m[3] * x + m[4] * y + m[5] * z, m[6] * x + m[7] * y + m[8] * z];
}

export function normalize(v: readonly number[]): Vec3 {
  const n = Math.sqrt(v[0]! * v[0]! + v[1]! * v[1]! + v[2]! * v[2]!);
  return n === 0 ? [Number.NaN, Number.NaN, Number.NaN] : [v[0]! / n, v[1]! / n, v[2]! / n];
}

export function cross(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
}

export function dot(a: readonly number[], b: readonly number[]): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
}

/**
 * The mounting whose body y is `superior` and body x is `anterior` (both device-frame; anterior is first made
 * perpendicular to superior). Body z = x cross y completes a right-handed frame.
 */
export function mountingFromAxes(superior: readonly number[], anterior: readonly number[]): Mat3 {
  const y = normalize(superior);
  const a = dot(anterior, y);
  const x = normalize([anterior[0]! - a * y[0], anterior[1]! - a * y[1], anterior[2]! - a * y[2]]);
  const z = cross(x, y);
  return [x[0], x[1], x[2], y[0], y[1], y[2], z[0], z[1], z[2]];
}

/** Angle in degrees between two rotations (the angle of R1 R2^T). */
export function rotationDistanceDeg(a: Mat3, b: Mat3): number {
  let trace = 0;
  for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) trace += a[i * 3 + k]! * b[i * 3 + k]!;
  return (Math.acos(Math.max(-1, Math.min(1, (trace - 1) / 2))) * 180) / Math.PI;
}
