import { defaultMaxGapMs, detectRateHz, Lowpass3, resample } from '../src/index.js';

function rec(times: number[]) {
  const n = times.length;
  const ax = Float32Array.from(times, (t) => t / 1000); // a ramp: interpolation is exact on it
  return { t: Float64Array.from(times), ax, ay: new Float32Array(n), az: new Float32Array(n).fill(1) };
}

test('jittery samples are put on the fixed grid by interpolation', () => {
  const times = Array.from({ length: 101 }, (_, i) => 1000 + i * 20 + (i % 2 ? 3 : -2) * (i > 0 && i < 100 ? 1 : 0));
  const r = resample(rec(times), 50);
  expect(r.gaps).toEqual([]);
  expect(r.segments).toHaveLength(1);
  const seg = r.segments[0]!;
  expect(seg.t0).toBe(998 + 2);
  expect(seg.ax.length).toBe(101);
  for (let i = 0; i < seg.ax.length; i++) expect(seg.ax[i]).toBeCloseTo((1000 + i * 20) / 1000, 4);
});

test('a gap longer than the limit is reported and never bridged', () => {
  const times = [
    ...Array.from({ length: 50 }, (_, i) => i * 20),
    ...Array.from({ length: 50 }, (_, i) => 5000 + i * 20),
  ];
  const r = resample(rec(times), 50);
  expect(r.gaps).toEqual([{ start: 980, end: 5000 }]);
  expect(r.segments.map((s) => [s.t0, s.ax.length])).toEqual([
    [0, 50],
    [5000, 50],
  ]);
});

test('a few missing samples are interpolated; repeated times are dropped and counted', () => {
  const times = [0, 20, 40, 40, 120, 140];
  const r = resample(rec(times), 50);
  expect(r.gaps).toEqual([]);
  expect(r.droppedSamples).toBe(1);
  expect(Array.from(r.segments[0]!.ax, (v) => Math.round(v * 1000))).toEqual([0, 20, 40, 60, 80, 100, 120, 140]);
});

test('the rate is the median interval and the gap limit scales with it', () => {
  expect(detectRateHz(Float64Array.from([0, 20, 40, 60, 5000, 5020]))).toBeCloseTo(50);
  expect(detectRateHz(Float64Array.from([0, 1000, 2000]))).toBeCloseTo(1);
  expect(defaultMaxGapMs(1)).toBe(2500);
  expect(defaultMaxGapMs(50)).toBe(500);
});

test('the low-pass keeps a constant, removes fast oscillation and starts without ringing', () => {
  const f = new Lowpass3(3, 50);
  f.reset(0, 1, 0);
  expect(f.step(1, 1)).toBeCloseTo(1, 10);
  let peak = 0;
  for (let i = 0; i < 500; i++) {
    const y = f.step(0, Math.sin(2 * Math.PI * 20 * (i / 50 + 0.01)));
    if (i > 50) peak = Math.max(peak, Math.abs(y));
  }
  expect(peak).toBeLessThan(0.05); // 20 Hz is far above the 3 Hz cutoff
  expect(new Lowpass3(3, 1).passthrough).toBe(true); // 1 Hz loggers: nothing to filter
});

test('samples already on the grid are used without copying', () => {
  const times = Array.from({ length: 100 }, (_, i) => 5000 + i * 20 + (i % 3 === 0 ? 1 : 0));
  const r = rec(times);
  const out = resample(r, 50);
  expect(out.segments).toHaveLength(1);
  expect(out.segments[0]!.ax.buffer).toBe(r.ax.buffer);
  expect(out.segments[0]!.t0).toBe(5001);
});
