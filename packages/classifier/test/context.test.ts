// The context references: walking sets the upright reference; settled lying stretches vote for the roll offset,
// modulo 90 degrees, robust to a three-quarter stretch, and the quick estimate follows a slip.
import { EPOCH_FEATURE_COUNT } from '@restpose/signal';
import { MODEL_INPUT_COUNT, MODEL_INPUT_NAMES, PostureContext } from '../src/index.js';

const RAD = Math.PI / 180;
const col = (name: (typeof MODEL_INPUT_NAMES)[number]) => MODEL_INPUT_NAMES.indexOf(name);

function features(g: number[], magSd: number): Float32Array {
  const f = new Float32Array(EPOCH_FEATURE_COUNT);
  const n = Math.hypot(g[0]!, g[1]!, g[2]!);
  f.set([g[0]! / n, g[1]! / n, g[2]! / n], 0);
  f[6] = 1; // mean-vector length
  f[7] = magSd;
  f.set([g[0]! / n, g[1]! / n, g[2]! / n], 12); // median direction
  return f;
}

const lying = (rollDeg: number) => [Math.cos(rollDeg * RAD), 0.07, Math.sin(rollDeg * RAD)];

/** Feeds `minutes` of 30-s epochs of one direction; returns the model inputs of the last. */
function feed(ctx: PostureContext, g: number[], minutes: number, magSd = 0.005): Float32Array {
  const out = new Float32Array(MODEL_INPUT_COUNT);
  for (let i = 0; i < minutes * 2; i++) ctx.step(features(g, magSd), 0, { durationS: 30 }, out);
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
  expect(out[col('cx')]!).toBeGreaterThan(0.98);
  expect(out[col('tilt90')]! * 90).toBeLessThan(70);
  expect(out[col('cTilt90')]! * 90).toBeGreaterThan(80);
});

test('a mounting turned 20 degrees about the spine shows as a roll offset once several positions have settled', () => {
  const ctx = new PostureContext();
  for (const roll of [0, 90, -90, 0, 90, 180, -90]) {
    feed(ctx, lying(roll + 20), 20);
    feed(ctx, [0, 1, 0], 1, 0.2); // up between stretches closes each one
  }
  expect(ctx.state.rollOffsetDeg).toBeGreaterThanOrEqual(18);
  expect(ctx.state.rollOffsetDeg).toBeLessThanOrEqual(22);
  // A three-quarter position 30 degrees from supine then reads 30 from nominal after the correction, not 50.
  const out = feed(ctx, lying(20 + 30), 20);
  const corrected = Math.atan2(out[col('cSinRoll')]!, out[col('cCosRoll')]!) / RAD;
  expect(corrected).toBeGreaterThan(25);
  expect(corrected).toBeLessThan(35);
});

test('one long three-quarter stretch does not move the offset; the prior keeps the mounting', () => {
  const ctx = new PostureContext();
  feed(ctx, lying(0), 30);
  feed(ctx, [0, 1, 0], 1, 0.2);
  feed(ctx, lying(90 + 33), 240);
  expect(ctx.state.rollOffsetDeg).toBe(0);
});

test('after a slip the quick estimate follows within two stretches; the slow one needs more', () => {
  const ctx = new PostureContext();
  const stretches = (offset: number, rolls: number[]) => {
    for (const roll of rolls) {
      feed(ctx, lying(roll + offset), 20);
      feed(ctx, lying(roll + offset + 60), 0.5, 0.2); // a turn (moving) ...
    }
  };
  stretches(0, [0, 90, 0, -90, 0, 90]);
  expect(ctx.state.rollOffsetDeg).toBe(0);
  stretches(-25, [90, 0]);
  expect(ctx.state.recentRollOffsetDeg).toBeLessThanOrEqual(-20);
  expect(ctx.state.rollOffsetDeg).toBeGreaterThan(-20);
  stretches(-25, [-90, 0, 90, 0, -90]);
  expect(ctx.state.rollOffsetDeg).toBeLessThanOrEqual(-20);
});
