import {
  angleRule,
  applyMat3,
  EPOCH_FEATURE_COUNT,
  EPOCH_FEATURE_NAMES,
  featureMatrix,
  frontalDeg,
  IDENTITY,
  isStill,
  mountingFromAxes,
  POSTURE_LABELS,
  PostureHysteresis,
  parseAxisMap,
  postureFromGravity,
  rollDeg,
  rotationDistanceDeg,
  sagittalDeg,
  summarizeEpoch,
  TickAccumulator,
} from '../src/index.js';
import { lyingG, uprightG } from './synth.js';

const s = Math.SQRT1_2;

test('angles follow the DESIGN.md body-frame conventions', () => {
  expect(sagittalDeg(0, 1)).toBeCloseTo(0);
  expect(sagittalDeg(-s, s)).toBeCloseTo(45); // flexed forward 45 degrees
  expect(frontalDeg(s, -s)).toBeCloseTo(45); // bent to the right
  expect(rollDeg(1, 0)).toBeCloseTo(0); // supine
  expect(rollDeg(0, 1)).toBeCloseTo(90); // left side
  expect(rollDeg(0, -1)).toBeCloseTo(-90); // right side
  expect(Math.abs(rollDeg(-1, 0))).toBeCloseTo(180); // prone
  const [x, y, z] = uprightG(30, -10);
  expect(sagittalDeg(x, y)).toBeCloseTo(30);
  expect(frontalDeg(y, z)).toBeCloseTo(-10);
});

test('an axis map names, for each body axis, the signed device axis along it', () => {
  // A phone worn with its +x up the spine, -y forward, z to the right.
  const m = parseAxisMap('-y,x,z');
  expect(applyMat3(m, 1, 0, 0)).toEqual([0, 1, 0]); // device +x reads as superior
  expect(applyMat3(m, 0, -1, 0)).toEqual([1, 0, 0]); // device -y reads as anterior
  expect(parseAxisMap('x, y, z')).toEqual(IDENTITY);
  expect(() => parseAxisMap('y,x,z')).toThrow(/mirrors/);
  expect(() => parseAxisMap('x,x,z')).toThrow(/used twice/);
  expect(() => parseAxisMap('x,y')).toThrow(/three/);
  expect(() => parseAxisMap('x,y,w')).toThrow(/"w"/);
});

test('a mounting built from superior and anterior directions is a proper rotation mapping them to y and x', () => {
  const m = mountingFromAxes([0.2, 0.95, 0.1], [0.9, -0.1, 0.4]);
  const sup = [0.2, 0.95, 0.1].map((v) => v / Math.hypot(0.2, 0.95, 0.1));
  const b = applyMat3(m, sup[0]!, sup[1]!, sup[2]!);
  expect(b[1]).toBeCloseTo(1);
  expect(rotationDistanceDeg(m, m)).toBeCloseTo(0);
  expect(rotationDistanceDeg(IDENTITY, parseAxisMap('-y,x,z'))).toBeCloseTo(90);
});

test.each([
  ['standing', uprightG(0), 'upright'],
  ['bending forward 40 degrees', uprightG(40), 'upright'],
  ['reclined sitting, 50 degrees back (threshold 60)', uprightG(-50), 'upright'],
  ['bending 45 degrees to the right', uprightG(0, 45), 'upright'],
  ['propped up on pillows, trunk 25 degrees above horizontal', lyingG(0, 25), 'supine'],
  ['prone', lyingG(180), 'prone'],
  ['left side', lyingG(90), 'left'],
  ['right side', lyingG(-90), 'right'],
  ['three-quarter, roll 40: nearer supine', lyingG(40), 'supine'],
  ['three-quarter, roll 50: nearer left', lyingG(50), 'left'],
  ['three-quarter, roll -140: nearer prone', lyingG(-140), 'prone'],
] as const)('%s is %s', (_name, g, posture) => {
  expect(postureFromGravity(...g)).toBe(posture);
});

test('the rule model gives one probability row per epoch, summing to 1', () => {
  const feats = new Float32Array(2 * EPOCH_FEATURE_COUNT);
  feats.set(uprightG(0), 0);
  feats.set(lyingG(90), EPOCH_FEATURE_COUNT);
  const p = angleRule.predict(feats, 2);
  expect(p).toHaveLength(2 * POSTURE_LABELS.length);
  expect(p[0]).toBeGreaterThan(0.99);
  expect(p[5 + POSTURE_LABELS.indexOf('left')]).toBeGreaterThan(0.9);
  expect(p.slice(0, 5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
});

test('hysteresis holds a label near a sector boundary and lets go once clearly past it', () => {
  const h = new PostureHysteresis(0.3);
  const row = (roll: number) => {
    const p = new Float32Array(5);
    const feats = new Float32Array(EPOCH_FEATURE_COUNT);
    feats.set(lyingG(roll), 0);
    p.set(angleRule.predict(feats, 1));
    return POSTURE_LABELS[h.step(p, 0)];
  };
  expect(row(30)).toBe('supine');
  expect(row(47)).toBe('supine'); // past the 45-degree boundary, within the margin
  expect(row(43)).toBe('supine');
  expect(row(49)).toBe('supine');
  expect(row(55)).toBe('left'); // clearly past it
  expect(row(43)).toBe('left'); // and now held on the other side
  expect(row(35)).toBe('supine');
});

test('a position held still for a minute takes its own label, however near the boundary; movement does not', () => {
  const h = new PostureHysteresis(0.3);
  const row = (roll: number, stillS: number) => {
    const feats = new Float32Array(EPOCH_FEATURE_COUNT);
    feats.set(lyingG(roll), 0);
    return POSTURE_LABELS[h.step(angleRule.predict(feats, 1), 0, stillS)];
  };
  expect(row(0, 30)).toBe('supine');
  // Rolling towards the left and settling 3 degrees inside the left sector (a three-quarter position).
  expect(row(48, 0)).toBe('supine');
  expect(row(48, 30)).toBe('supine'); // 30 s still: not yet settled
  expect(row(48, 30)).toBe('left'); // 60 s
  // Restless near the boundary: the margin holds the label however long it lasts.
  for (let k = 0; k < 5; k++) expect(row(43, 0)).toBe('left');
  // Still, but the most likely class changes between epochs: the settled time starts again.
  expect(row(43, 30)).toBe('left');
  expect(row(47, 30)).toBe('left');
  expect(row(43, 30)).toBe('left');
  expect(row(43, 30)).toBe('supine');
});

test('a still body keeps its lying label across a sector boundary until it has turned 15 degrees', () => {
  const h = new PostureHysteresis(0.3);
  const row = (roll: number, stillS: number) => {
    const feats = new Float32Array(EPOCH_FEATURE_COUNT);
    feats.set(lyingG(roll), 0);
    return POSTURE_LABELS[h.step(angleRule.predict(feats, 1), 0, stillS, roll)];
  };
  expect(row(40, 30)).toBe('supine'); // a three-quarter position, confirmed supine at 40 degrees
  // Shifting 8 degrees, over the boundary, and lying still there for 2 minutes: no turn, so still supine.
  for (let k = 0; k < 4; k++) expect(row(48, 30)).toBe('supine');
  expect(row(55, 30)).toBe('left'); // 15 degrees from where supine was confirmed: a turn
  // Held left: 12 degrees back over the boundary is no turn; 22 degrees is.
  for (let k = 0; k < 4; k++) expect(row(43, 30)).toBe('left');
  expect(row(33, 30)).toBe('supine');
  // Movement is not held: the margin still applies while the body moves.
  expect(row(60, 0)).toBe('left');
  // Upright in between forgets where the lying label was confirmed.
  const up = new Float32Array(EPOCH_FEATURE_COUNT);
  up.set([0, 1, 0], 0);
  expect(POSTURE_LABELS[h.step(angleRule.predict(up, 1), 0, 30, 0)]).toBe('upright');
});

test('isStill reads direction spread and |a| SD from the feature row', () => {
  const feats = new Float32Array(2 * EPOCH_FEATURE_COUNT);
  feats[EPOCH_FEATURE_NAMES.indexOf('spread90')] = 5 / 90;
  feats[EPOCH_FEATURE_NAMES.indexOf('magSd')] = 0.01;
  feats[EPOCH_FEATURE_COUNT + EPOCH_FEATURE_NAMES.indexOf('spread90')] = 20 / 90;
  expect(isStill(feats, 0)).toBe(true);
  expect(isStill(feats, 1)).toBe(false);
});

test("an epoch's median direction follows the seconds most of it holds; the mean is pulled by the rest", () => {
  // 30 s at 10 Hz: 18 s supine, 12 s rolled 60 degrees towards the left (an aborted turn held for 12 s).
  const n = 300;
  const rec = { t0: 0, rateHz: 10, ax: new Float32Array(n), ay: new Float32Array(n), az: new Float32Array(n) };
  for (let i = 0; i < n; i++) {
    const roll = i >= 100 && i < 220 ? 60 : 0;
    [rec.ax[i], rec.ay[i], rec.az[i]] = lyingG(roll);
  }
  const acc = new TickAccumulator(0, IDENTITY);
  acc.push(rec);
  acc.flush();
  const e = summarizeEpoch(acc.table, 0, 30, 10, 0.5)!;
  expect(rollDeg(e.medianDir[0], e.medianDir[2])).toBeCloseTo(0, 0);
  expect(rollDeg(e.mean[0], e.mean[2])).toBeGreaterThan(20);
  const f = featureMatrix([e]);
  expect([...f.subarray(12, 15)]).toEqual(e.medianDir.map(Math.fround));
});

test("an epoch's axis2 is the doubled angle of the axis walking accelerates along across the spine", () => {
  // 30 s at 50 Hz of walking whose forward-back axis reads 20 degrees round towards z (a mounting turned about the
  // spine): 0.3 g forward-back at the step frequency, 0.15 g sideways at the stride frequency, 0.3 g vertical.
  const n = 1500;
  const rec = { t0: 0, rateHz: 50, ax: new Float32Array(n), ay: new Float32Array(n), az: new Float32Array(n) };
  const turn = (20 * Math.PI) / 180;
  for (let i = 0; i < n; i++) {
    const t = i / 50;
    const forward = 0.3 * Math.cos(2 * Math.PI * 1.8 * t);
    const side = 0.15 * Math.cos(Math.PI * 1.8 * t + 0.3);
    rec.ax[i] = forward * Math.cos(turn) - side * Math.sin(turn);
    rec.ay[i] = 1 + 0.3 * Math.cos(2 * Math.PI * 1.8 * t + 1);
    rec.az[i] = forward * Math.sin(turn) + side * Math.cos(turn);
  }
  const acc = new TickAccumulator(0, IDENTITY);
  acc.push(rec);
  acc.flush();
  const e = summarizeEpoch(acc.table, 0, 30, 50, 0.5)!;
  expect((Math.atan2(e.axis2[1], e.axis2[0]) * 180) / Math.PI / 2).toBeCloseTo(20, 0);
  // Forward-back variance 4x the sideways: (4 - 1) / (4 + 1) of the doubled-angle vector's length.
  expect(Math.hypot(...e.axis2)).toBeCloseTo(0.6, 1);
  const f = featureMatrix([e]);
  expect([...f.subarray(15, 17)]).toEqual(e.axis2.map(Math.fround));
});
