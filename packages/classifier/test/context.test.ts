// The context references: walking sets the upright reference; settled lying stretches update the posterior of the
// roll offset (evidence modulo 90 degrees, history over the whole circle), which a single three-quarter stretch does
// not move, and which follows a slip; the axis walking accelerates along is evidence of the offset modulo 180.
import { EPOCH_FEATURE_COUNT } from '@restpose/signal';
import { MODEL_INPUT_COUNT, MODEL_INPUT_NAMES, PostureContext } from '../src/index.js';

const RAD = Math.PI / 180;
const col = (name: (typeof MODEL_INPUT_NAMES)[number]) => MODEL_INPUT_NAMES.indexOf(name);

function features(g: number[], magSd: number, walkAxisDeg?: number): Float32Array {
  const f = new Float32Array(EPOCH_FEATURE_COUNT);
  const n = Math.hypot(g[0]!, g[1]!, g[2]!);
  f.set([g[0]! / n, g[1]! / n, g[2]! / n], 0);
  f[6] = 1; // mean-vector length
  f[7] = magSd;
  f.set([g[0]! / n, g[1]! / n, g[2]! / n], 12); // median direction
  // Walking's forward-back axis as a doubled angle, 0.7 dominant (as in the UCI HAPT walks).
  if (walkAxisDeg !== undefined)
    f.set([0.7 * Math.cos(2 * walkAxisDeg * RAD), 0.7 * Math.sin(2 * walkAxisDeg * RAD)], 15);
  return f;
}

const lying = (rollDeg: number) => [Math.cos(rollDeg * RAD), 0.07, Math.sin(rollDeg * RAD)];

/** Feeds `minutes` of 30-s epochs of one direction; returns the model inputs of the last. */
function feed(ctx: PostureContext, g: number[], minutes: number, magSd = 0.005, walkAxisDeg?: number): Float32Array {
  const out = new Float32Array(MODEL_INPUT_COUNT);
  for (let i = 0; i < minutes * 2; i++) ctx.step(features(g, magSd, walkAxisDeg), 0, { durationS: 30 }, out);
  return out;
}

test('walking that is not along +y (a tilted mounting) becomes the upright reference and is corrected', () => {
  const ctx = new PostureContext();
  const tilt = 25 * RAD; // the device is tilted 25 degrees forward on the back
  const walk = [-Math.sin(tilt), Math.cos(tilt), 0];
  feed(ctx, walk, 30, 0.2);
  const ref = ctx.state.uprightReference;
  expect(Math.acos(ref[1]!) / RAD).toBeGreaterThan(20);
  // Lying supine then reads tilted too; the corrected direction is back to supine.
  const supine = [Math.cos(tilt), Math.sin(tilt), 0];
  const out = feed(ctx, supine, 10);
  expect(out[col('tilt90')]! * 90).toBeLessThan(70);
  expect(out[col('cTilt90')]! * 90).toBeGreaterThan(85);
  expect(out[col('upCorrection90')]! * 90).toBeGreaterThan(20);
});

test('a mounting turned 20 degrees about the spine shows as a roll offset once several positions have settled', () => {
  const ctx = new PostureContext();
  for (const roll of [0, 90, -90, 0, 90, 180, -90]) {
    feed(ctx, lying(roll + 20), 20);
    feed(ctx, [0, 1, 0], 1, 0.2); // up between stretches closes each one
  }
  expect(ctx.state.rollOffsetDeg).toBeGreaterThanOrEqual(18);
  expect(ctx.state.rollOffsetDeg).toBeLessThanOrEqual(22);
  expect(ctx.state.rollOffsetSdDeg).toBeLessThan(5);
  expect(ctx.mountingOff).toBe(true); // the model's gate opens
  // A three-quarter position 30 degrees from supine reads 50 (the left sector); over the offset it is supine.
  const out = feed(ctx, lying(20 + 30), 5);
  expect(out[col('pSupine')]!).toBeGreaterThan(0.9);
  expect(out[col('pSupine')]! + out[col('pLeft')]! + out[col('pProne')]! + out[col('pRight')]!).toBeCloseTo(1, 5);
});

test('one long three-quarter stretch does not move the offset; the prior keeps the mounting', () => {
  const ctx = new PostureContext();
  feed(ctx, lying(0), 30);
  feed(ctx, [0, 1, 0], 1, 0.2);
  const out = feed(ctx, lying(90 + 33), 240);
  expect(Math.abs(ctx.state.rollOffsetDeg)).toBeLessThanOrEqual(3);
  expect(out[col('pLeft')]!).toBeGreaterThan(0.9);
});

test('before any lying evidence the sector probabilities are the prior: clear positions are certain', () => {
  const ctx = new PostureContext();
  const out = feed(ctx, lying(-90), 1);
  expect(out[col('pRight')]!).toBeGreaterThan(0.99);
  expect(ctx.state.rollOffsetSdDeg).toBeGreaterThan(8); // the prior's spread, about 12 degrees
  expect(ctx.mountingOff).toBe(false); // the rule's labels stand
});

test('after a slip of 25 degrees the offset follows from where it was within two stretches', () => {
  const ctx = new PostureContext();
  const stretches = (offset: number, rolls: number[]) => {
    for (const roll of rolls) {
      feed(ctx, lying(roll + offset), 20);
      feed(ctx, lying(roll + offset + 60), 0.5, 0.2); // a turn (moving) ...
    }
    feed(ctx, [0, 1, 0], 0.5, 0.2); // ... and sitting up: the last stretch is finished, so it counts
  };
  stretches(0, [0, 90, 0, -90, 0, 90]);
  expect(Math.abs(ctx.state.rollOffsetDeg)).toBeLessThanOrEqual(2);
  stretches(-25, [90]);
  expect(ctx.state.rollOffsetDeg).toBeGreaterThan(-20); // one stretch is not enough against six
  stretches(-25, [0]);
  expect(ctx.state.rollOffsetDeg).toBeLessThanOrEqual(-20);
  expect(ctx.state.rollOffsetDeg).toBeGreaterThanOrEqual(-30);
});

test('a second slip the same way carries the offset past 45 degrees; a filter modulo 90 would turn it back', () => {
  const ctx = new PostureContext();
  const stretches = (offset: number, rolls: number[]) => {
    for (const roll of rolls) {
      feed(ctx, lying(roll + offset), 20);
      feed(ctx, [0, 1, 0], 0.5, 0.2);
    }
  };
  stretches(0, [0, 90, 0, -90]);
  stretches(30, [0, 90, -90, 0]);
  expect(ctx.state.rollOffsetDeg).toBeGreaterThanOrEqual(27);
  expect(ctx.state.rollOffsetDeg).toBeLessThanOrEqual(33);
  stretches(60, [0, 90, -90, 0, 180]);
  // 60 and -30 explain the rolls equally well; only the history says 60.
  expect(ctx.state.rollOffsetDeg).toBeGreaterThanOrEqual(57);
  expect(ctx.state.rollOffsetDeg).toBeLessThanOrEqual(63);
  expect(ctx.mountingOff).toBe(true); // 60 is not near a sector boundary (45 + k 90): the gate opens
  // Lying supine now reads 60, which the rule calls left; over the offset it is supine. (Some mass stays on -30:
  // the same rolls after a slip the other way from where the sensor was before the first.)
  const out = feed(ctx, lying(60), 5);
  expect(out[col('pSupine')]!).toBeGreaterThan(0.8);
  expect(out[col('pLeft')]!).toBeLessThan(0.2);
});

test('walking straight keeps the mounting for a person who lies 12 degrees to one side in every position', () => {
  const habit = (walkAxisDeg?: number) => {
    const ctx = new PostureContext();
    for (const roll of [0, 90, 0, -90, 180, 0]) {
      feed(ctx, [0, 1, 0], 10, 0.2, walkAxisDeg);
      feed(ctx, lying(roll - 12), 60);
    }
    return ctx;
  };
  // Without walking evidence the habit reads as a mounting turned -12 degrees, and the gate opens ...
  const lyingOnly = habit();
  expect(lyingOnly.state.rollOffsetDeg).toBeLessThanOrEqual(-8);
  expect(lyingOnly.mountingOff).toBe(true);
  // ... walking along the anterior axis says the mounting is right: the rule's labels stand.
  const walked = habit(0);
  expect(Math.abs(walked.state.rollOffsetDeg)).toBeLessThan(8);
  expect(walked.mountingOff).toBe(false);
});

test('walking across a mounting turned 25 degrees opens the gate at the first settled position', () => {
  const ctx = new PostureContext();
  feed(ctx, [0, 1, 0], 30, 0.2, 25);
  feed(ctx, lying(25), 30); // supine, read 25 degrees round
  // The prior (a mounting is usually right) still pulls a little towards 0.
  expect(ctx.state.rollOffsetDeg).toBeGreaterThanOrEqual(17);
  expect(ctx.state.rollOffsetDeg).toBeLessThanOrEqual(27);
  expect(ctx.mountingOff).toBe(true);
  // A three-quarter supine 25 degrees to the left reads 50 (the left sector); over the offset it is supine.
  expect(feed(ctx, lying(50), 5)[col('pSupine')]!).toBeGreaterThan(0.8);
  // Lying alone would not tell yet: one stretch at 25 is as much a three-quarter supine as a turned mounting.
  const lyingOnly = new PostureContext();
  feed(lyingOnly, lying(25), 30);
  expect(lyingOnly.mountingOff).toBe(false);
});
