// Same seed and options, same bytes; another seed, other bytes; and any stretch of samples renders alike alone or
// as part of a longer rendering, so live devices and files agree.
import { createHash } from 'node:crypto';
import {
  allocateSamples,
  createPerson,
  createSensor,
  DEFAULT_PLAN_OPTIONS,
  deriveSeed,
  nightTruth,
  planCycle,
  planNightOnly,
  type Recording,
  Renderer,
  simulateRecording,
  Timeline,
} from '../src/index.js';

function digest(rec: Recording): string {
  const h = createHash('sha256');
  for (const a of [rec.samples.ax, rec.samples.ay, rec.samples.az, rec.samples.gx!, rec.samples.gy!, rec.samples.gz!]) {
    h.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  }
  const t = rec.samples.truth!;
  for (const a of [t.posture, t.activity, t.flags, t.sagittalDeg, t.frontalDeg, t.rollDeg]) {
    h.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  }
  h.update(JSON.stringify(rec.truth));
  return h.digest('hex');
}

const options = {
  rateHz: 20,
  afterRiseHours: 1,
  sensor: { gyro: true },
  mounting: { base: 'random', jitterDeg: 4, slipsPerNight: 2 },
  nonWear: true,
  artifactsPerHour: 2,
  sampleRateErrorPpm: 150,
} as const;

test('the same seed and options give the same bytes; another seed gives other bytes', () => {
  const a = digest(simulateRecording({ seed: 5, ...options }));
  const b = digest(simulateRecording({ seed: 5, ...options }));
  const c = digest(simulateRecording({ seed: 6, ...options }));
  expect(b).toBe(a);
  expect(c).not.toBe(a);
});

test('rendering in chunks of any size gives the same samples as one rendering', () => {
  const seed = 9;
  const timeline = new Timeline(seed, createPerson(seed), {
    ...DEFAULT_PLAN_OPTIONS,
    slipsPerNight: 2,
    artifactsPerHour: 5,
  });
  const sensor = createSensor(seed, { gyro: true });
  const start = timeline.cycle(20_089).night.lightsOff;
  const make = () =>
    new Renderer(timeline, sensor, {
      rateHz: 50,
      startMs: start,
      sampleRateErrorPpm: 0,
      noiseKey: deriveSeed(seed, 'noise'),
    });
  const n = 50 * 1800;
  const whole = allocateSamples(n, true, true);
  make().render(0, n, whole);
  const pieces = allocateSamples(n, true, true);
  const r = make();
  for (let k = 0, size = 1; k < n; k += size, size = (size * 7 + 3) % 997)
    r.render(k, Math.min(size, n - k), pieces, k);
  for (const key of ['ax', 'ay', 'az', 'gx', 'gy', 'gz'] as const)
    expect(Buffer.from(pieces[key]!.buffer).equals(Buffer.from(whole[key]!.buffer))).toBe(true);
  expect(Buffer.from(pieces.truth!.rollDeg.buffer).equals(Buffer.from(whole.truth!.rollDeg.buffer))).toBe(true);
  // Going back in time re-seeks: a later stretch rendered first, then an earlier one, still agrees.
  const back = allocateSamples(1000, true, false);
  const r2 = make();
  r2.render(80_000, 1000, back);
  r2.render(10_000, 1000, back);
  expect(Array.from(back.ax)).toEqual(Array.from(whole.ax.subarray(10_000, 11_000)));
});

test('a night planned alone is the night of its full cycle', () => {
  const person = createPerson(31);
  for (const index of [20_089, 20_123]) {
    const full = planCycle(31, person, DEFAULT_PLAN_OPTIONS, index);
    expect(nightTruth(planNightOnly(31, person, index))).toEqual(nightTruth(full));
  }
});
