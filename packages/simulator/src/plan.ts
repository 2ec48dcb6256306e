// A plan is what a person does, as kinematic segments with the ground truth of every moment. Planners build it;
// the renderer turns it into sensor samples; the truth summaries are computed from it.
import { POSTURES, type Posture } from '@restpose/protocol';
import type { Mat3 } from './rotation.js';

export const ACTIVITIES = ['lying', 'sitting', 'standing', 'walking', 'bending', 'transfer', 'non-wear'] as const;
export type Activity = (typeof ACTIVITIES)[number];

/** Per-sample posture code: the index in POSTURES, or NON_WEAR_CODE while the device is off the body. */
export const NON_WEAR_CODE = 255;
export const postureCode = (p: Posture): number => POSTURES.indexOf(p);
export const activityCode = (a: Activity): number => ACTIVITIES.indexOf(a);

/**
 * Trunk orientation, degrees. Upright: sag is sagittal inclination (flexion +), lat frontal inclination (right +),
 * roll an axial twist. Lying: sag = -90 + head-up incline, roll the lying roll (supine 0, left +90, right -90,
 * prone 180). The rotation world <- body is Rz(-sag) Rx(lat) Ry(roll) about the body's own axes in that order.
 */
export interface Pose {
  sag: number;
  lat: number;
  roll: number;
}

export interface SegmentTruth {
  activity: Activity;
  posture: Posture;
  inBed: boolean;
  asleep: boolean;
  /** A turn, or a transfer between lying, sitting and standing. */
  transition: boolean;
}

export type SegmentKind = 'hold' | 'move' | 'walk' | 'offbody';

export interface Segment {
  t0: number;
  t1: number;
  kind: SegmentKind;
  from: Pose;
  to: Pose;
  /** move: extra head-up incline in the middle of a turn (hips lifted), degrees, sine profile. */
  bumpDeg: number;
  /** move: translation of the trunk over the segment, metres, heading frame (forward, up, right), min-jerk. */
  liftM: [number, number, number];
  /** move/walk: change of heading about the vertical over the segment, degrees, min-jerk. */
  headingDeg: number;
  /** hold: multiplier of the person's breathing rotation (1 lying, ~0.3 sitting, 0 otherwise). */
  breathing: number;
  /** hold: postural sway amplitude, degrees. */
  swayDeg: number;
  /** walk: time the walking bout began (gait phase reference and start-up ramp) and when it ends. */
  gaitStart: number;
  gaitEnd: number;
  /** walk: steps per second and peak vertical acceleration (g). */
  cadenceHz: number;
  gaitG: number;
  /** offbody: the gravity reaction in the device frame while the device lies on a shelf. */
  deviceUp: [number, number, number];
  truth: SegmentTruth;
}

/** A short limb-movement burst: small trunk wobble and acceleration, Hann-windowed sine. */
export interface Twitch {
  t0: number;
  durMs: number;
  freqHz: number;
  angleDeg: [number, number, number];
  accG: [number, number, number];
}

/** A knock on the device: an acceleration spike in the device frame. */
export interface Artifact {
  t0: number;
  durMs: number;
  accG: [number, number, number];
}

/**
 * The device turns on the body (a belt slipping during a turn, or the device put back on after a shower):
 * deviceToBody goes from `before` to `after` = R(axis, angleDeg) before, turning smoothly over [t0, t1].
 */
export interface MountingChange {
  t0: number;
  t1: number;
  kind: 'slip' | 'reattach';
  before: Mat3;
  after: Mat3;
  /** Axis of R in the body frame. */
  axis: [number, number, number];
  angleDeg: number;
}

const sameTruth = (a: SegmentTruth, b: SegmentTruth) =>
  a.activity === b.activity &&
  a.posture === b.posture &&
  a.inBed === b.inBed &&
  a.asleep === b.asleep &&
  a.transition === b.transition;

/** Builds a contiguous segment list from a start time and pose; every segment starts where the last ended. */
export class PlanBuilder {
  readonly segments: Segment[] = [];
  readonly twitches: Twitch[] = [];

  constructor(
    public t: number,
    public pose: Pose,
  ) {}

  private push(kind: SegmentKind, ms: number, to: Pose, truth: SegmentTruth, extra: Partial<Segment> = {}): Segment {
    const seg: Segment = {
      t0: this.t,
      t1: this.t + ms,
      kind,
      from: { ...this.pose },
      to: { ...to },
      bumpDeg: 0,
      liftM: [0, 0, 0],
      headingDeg: 0,
      breathing: 0,
      swayDeg: 0,
      gaitStart: 0,
      gaitEnd: 0,
      cadenceHz: 0,
      gaitG: 0,
      deviceUp: [0, 0, 0],
      ...extra,
      truth: { ...truth },
    };
    this.segments.push(seg);
    this.t = seg.t1;
    this.pose = { ...to };
    return seg;
  }

  /** Holds the current pose; consecutive holds with the same truth and overlays merge into one segment. */
  hold(ms: number, truth: SegmentTruth, overlays: { breathing?: number; swayDeg?: number } = {}): void {
    if (ms <= 0) return;
    const last = this.segments[this.segments.length - 1];
    const breathing = overlays.breathing ?? 0;
    const swayDeg = overlays.swayDeg ?? 0;
    if (
      last &&
      last.kind === 'hold' &&
      last.t1 === this.t &&
      last.breathing === breathing &&
      last.swayDeg === swayDeg &&
      sameTruth(last.truth, truth)
    ) {
      last.t1 += ms;
      this.t = last.t1;
      return;
    }
    this.push('hold', ms, this.pose, truth, { breathing, swayDeg });
  }

  move(
    to: Pose,
    ms: number,
    truth: SegmentTruth,
    extra: { bumpDeg?: number; liftM?: [number, number, number]; headingDeg?: number } = {},
  ): Segment {
    return this.push('move', Math.max(1, ms), to, truth, extra);
  }

  walk(
    ms: number,
    truth: SegmentTruth,
    gait: { start: number; end: number; cadenceHz: number; g: number },
    headingDeg = 0,
  ) {
    this.push('walk', ms, this.pose, truth, {
      gaitStart: gait.start,
      gaitEnd: gait.end,
      cadenceHz: gait.cadenceHz,
      gaitG: gait.g,
      headingDeg,
    });
  }

  offBody(ms: number, deviceUp: [number, number, number]): void {
    this.push('offbody', ms, this.pose, truthOf('non-wear', 'upright'), { deviceUp });
  }
}

export function truthOf(
  activity: Activity,
  posture: Posture,
  flags: { inBed?: boolean; asleep?: boolean; transition?: boolean } = {},
): SegmentTruth {
  return {
    activity,
    posture,
    inBed: flags.inBed ?? false,
    asleep: flags.asleep ?? false,
    transition: flags.transition ?? false,
  };
}

/** Sagittal and frontal inclination (DESIGN.md conventions) of a pose, as the accelerometer would give them. */
export function inclinationOf(pose: Pose): { sagittalDeg: number; frontalDeg: number } {
  const r = Math.PI / 180;
  const [sT, cT, sB, cB, sP, cP] = [
    Math.sin(pose.sag * r),
    Math.cos(pose.sag * r),
    Math.sin(pose.lat * r),
    Math.cos(pose.lat * r),
    Math.sin(pose.roll * r),
    Math.cos(pose.roll * r),
  ];
  const ux = -sT * cP + cT * sB * sP;
  const uy = cT * cB;
  const uz = -sT * sP - cT * sB * cP;
  return { sagittalDeg: Math.atan2(-ux, uy) / r, frontalDeg: Math.atan2(-uz, uy) / r };
}

/** Lying label of a roll angle by the four 90-degree sectors of DESIGN.md. */
export function sectorOf(rollDeg: number): Posture {
  const r = wrap180(rollDeg);
  if (r >= -45 && r <= 45) return 'supine';
  if (r > 45 && r <= 135) return 'left';
  if (r < -45 && r >= -135) return 'right';
  return 'prone';
}

export function wrap180(deg: number): number {
  return ((((deg + 180) % 360) + 360) % 360) - 180;
}
