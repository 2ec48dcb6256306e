// 3x3 rotations as row-major 9-element arrays (JSON friendly). A mounting is the protocol's `deviceToBody` R:
// v_body = R v_device (docs/protocol.md, config).
import { isRotation } from '@restpose/protocol';
import { z } from 'zod';

export const mat3Schema = z.array(z.number()).length(9).describe('3x3 matrix, row-major');
export type Mat3 = z.infer<typeof mat3Schema>;

const DEG = Math.PI / 180;

export const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function multiply(a: Mat3, b: Mat3): Mat3 {
  const out = new Array<number>(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!;
    }
  }
  return out;
}

export function transpose(m: Mat3): Mat3 {
  return [m[0]!, m[3]!, m[6]!, m[1]!, m[4]!, m[7]!, m[2]!, m[5]!, m[8]!];
}

export function apply(m: Mat3, v: readonly [number, number, number]): [number, number, number] {
  return [
    m[0]! * v[0] + m[1]! * v[1] + m[2]! * v[2],
    m[3]! * v[0] + m[4]! * v[1] + m[5]! * v[2],
    m[6]! * v[0] + m[7]! * v[1] + m[8]! * v[2],
  ];
}

/** Rotation by `deg` degrees about `axis` (right-handed, Rodrigues). */
export function axisAngle(axis: readonly [number, number, number], deg: number): Mat3 {
  const n = Math.hypot(axis[0], axis[1], axis[2]);
  if (n === 0) return IDENTITY;
  const [x, y, z] = [axis[0] / n, axis[1] / n, axis[2] / n];
  const c = Math.cos(deg * DEG);
  const s = Math.sin(deg * DEG);
  const t = 1 - c;
  return [
    t * x * x + c,
    t * x * y - s * z,
    t * x * z + s * y,
    t * x * y + s * z,
    t * y * y + c,
    t * y * z - s * x,
    t * x * z - s * y,
    t * y * z + s * x,
    t * z * z + c,
  ];
}

/** Axis and angle (degrees, 0-180) of a rotation matrix. */
export function toAxisAngle(m: Mat3): { axis: [number, number, number]; angleDeg: number } {
  const cos = Math.max(-1, Math.min(1, (m[0]! + m[4]! + m[8]! - 1) / 2));
  const angle = Math.acos(cos);
  if (angle < 1e-9) return { axis: [0, 1, 0], angleDeg: 0 };
  let axis: [number, number, number] = [m[7]! - m[5]!, m[2]! - m[6]!, m[3]! - m[1]!];
  if (Math.PI - angle < 1e-6) {
    // Near 180 degrees the antisymmetric part vanishes; take the axis from the diagonal.
    axis = [
      Math.sqrt(Math.max(0, (m[0]! + 1) / 2)),
      Math.sqrt(Math.max(0, (m[4]! + 1) / 2)),
      Math.sqrt(Math.max(0, (m[8]! + 1) / 2)),
    ];
    if (m[1]! < 0) axis[1] = -axis[1];
    if (m[2]! < 0) axis[2] = -axis[2];
  }
  const n = Math.hypot(axis[0], axis[1], axis[2]);
  return { axis: [axis[0] / n, axis[1] / n, axis[2] / n], angleDeg: angle / DEG };
}

/** Angle in degrees of the rotation taking `a` to `b`. */
export function angleBetweenDeg(a: Mat3, b: Mat3): number {
  const r = multiply(transpose(a), b);
  const cos = (r[0]! + r[4]! + r[8]! - 1) / 2;
  return Math.acos(Math.max(-1, Math.min(1, cos))) / DEG;
}

const AXIS_MAP = /^\s*([+-]?)([xyz])\s*,\s*([+-]?)([xyz])\s*,\s*([+-]?)([xyz])\s*$/;

/**
 * Mounting from an axis map: for body x, y and z in turn, the device axis that points along it, with its sign.
 * "-y,x,z" means body x = -device y, body y = device x, body z = device z (the device is turned 90 degrees about
 * the body's z axis). Returns deviceToBody, or null when the text is not a proper right-handed axis map.
 */
export function fromAxisMap(text: string): Mat3 | null {
  const m = AXIS_MAP.exec(text);
  if (!m) return null;
  const deviceToBody: number[] = new Array(9).fill(0);
  for (let row = 0; row < 3; row++) {
    const sign = m[1 + row * 2] === '-' ? -1 : 1;
    const col = 'xyz'.indexOf(m[2 + row * 2]!);
    deviceToBody[row * 3 + col] = sign;
  }
  return isRotation(deviceToBody) ? deviceToBody : null;
}

/** A rotation from a random axis and an angle drawn by `angleDeg`; used for misalignment and slips. */
export function randomTilt(draw: () => number, angleDeg: number): Mat3 {
  // A uniformly random direction on the sphere for the axis.
  const u = 2 * draw() - 1;
  const phi = 2 * Math.PI * draw();
  const r = Math.sqrt(1 - u * u);
  return axisAngle([r * Math.cos(phi), u, r * Math.sin(phi)], angleDeg);
}

export { isRotation };
