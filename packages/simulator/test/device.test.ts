// Device realism as configured: RTC drift and its resets at reconnects, sample-clock error, jitter, drops and
// duplicates at their rates; frames that are the simulation's samples and decode with the protocol package.
import { decodeImuPayload, encodeBinaryFrame } from '@restpose/protocol';
import { type DeviceRealism, LoopSignal, PhysicalSignal, SimulatedDevice, simulateRecording } from '../src/index.js';

const START = Date.UTC(2025, 0, 1, 1, 0, 0);
const cheap = {
  samples: () => ({ ax: new Int16Array(50), ay: new Int16Array(50), az: new Int16Array(50) }),
  accScaleMg: 0.122,
  gyroScaleMdps: null,
};
/** A 50 Hz device with one-second batches and no signal worth rendering. */
const device = (seed: number, realism: Partial<DeviceRealism>) =>
  new SimulatedDevice({ seed, rateHz: 50, batchSeconds: 1, startMs: START, signal: cheap, realism });

function slope(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

test('t0 comes from an RTC drifting at the configured ppm; samples are contiguous', () => {
  const d = device(1, { clockDriftPpm: 40 });
  const x: number[] = [];
  const err: number[] = [];
  for (let b = 0; b < 20_000; b += 10) {
    const i = d.info(b);
    x.push(i.trueT0 - START);
    err.push(i.t0 - i.trueT0);
    expect(i.seq).toBe(b);
  }
  expect(slope(x, err) * 1e6).toBeCloseTo(40, 0);
  // 20,000 s at 40 ppm: 0.8 s ahead by the end.
  expect(err[err.length - 1]!).toBeGreaterThan(790);
  const a = d.info(100);
  const next = d.info(101);
  expect(next.trueT0 - a.trueT0).toBeCloseTo(1000, 9);
});

test('a sample clock 2% fast packs 50 nominal samples into 0.98 s, as t0 shows', () => {
  const d = device(1, { sampleRateErrorPpm: 20_000 });
  expect(d.info(1).trueT0 - d.info(0).trueT0).toBeCloseTo(1000 / 1.02, 3);
  // The server measures the real rate from consecutive t0: 50 samples per 980 ms.
  const measured = (50 * 1000 * 1000) / (d.info(1000).t0 - d.info(0).t0);
  expect(measured / 50).toBeCloseTo(1.02, 4);
});

test('the RTC is set again at every reconnect: its error drops to zero after each outage', () => {
  const d = device(2, { clockDriftPpm: 100, clockOffsetMs: 2000, reconnectEveryS: 1800, outageS: 30 });
  const outages = d.outagesBetween(START, START + 86_400_000);
  // About one every half hour (plus outage time) over a day.
  expect(outages.length).toBeGreaterThan(30);
  expect(outages.length).toBeLessThan(70);
  expect(d.rtc(START) - START).toBeCloseTo(2000, 6);
  outages.slice(0, 10).forEach((o, i) => {
    expect(d.rtc(o.end + 1) - (o.end + 1)).toBeCloseTo(0, 3);
    expect(d.lastSync(o.end + 1)!.at).toBe(o.end);
    // Then it drifts again: 100 ppm of a minute is 6 ms.
    if (outages[i + 1]!.start > o.end + 60_000) expect(d.rtc(o.end + 60_000) - (o.end + 60_000)).toBeCloseTo(6, 2);
  });
});

test('drops, duplicates and jitter happen at the configured rates, independently per batch', () => {
  const d = device(3, { dropRate: 0.05, duplicateRate: 0.02, jitterMs: 400 });
  let dropped = 0;
  let duplicated = 0;
  let both = 0;
  let jitter = 0;
  let maxJitter = 0;
  const n = 40_000;
  for (let b = 0; b < n; b++) {
    const i = d.info(b);
    if (i.dropped) dropped++;
    if (i.duplicated) duplicated++;
    if (i.dropped && i.duplicated) both++;
    jitter += i.sendAt - i.readyAt;
    maxJitter = Math.max(maxJitter, i.sendAt - i.readyAt);
  }
  // Binomial: 2000 +- 44 and 800 +- 28; four standard deviations.
  expect(Math.abs(dropped - 2000)).toBeLessThan(176);
  expect(Math.abs(duplicated - 800)).toBeLessThan(112);
  expect(Math.abs(both - 40)).toBeLessThan(26);
  expect(jitter / n).toBeGreaterThan(190);
  expect(jitter / n).toBeLessThan(210);
  expect(maxJitter).toBeLessThanOrEqual(400);
  // Same batch, same fate.
  expect(d.info(1234)).toEqual(d.info(1234));
});

test('a physical device sends the samples of the offline recording, and its frames decode to them', () => {
  const signal = new PhysicalSignal({ seed: 4, rateHz: 50, startMs: START, sensor: { gyro: true } });
  const d = new SimulatedDevice({ seed: 4, rateHz: 50, batchSeconds: 2, startMs: START, signal });
  const rec = simulateRecording({
    seed: 4,
    rateHz: 50,
    span: { startMs: START, endMs: START + 20_000 },
    sensor: { gyro: true },
  });
  const frame = d.frame(3);
  expect(Array.from(frame.ax)).toEqual(Array.from(rec.samples.ax.subarray(300, 400)));
  expect(Array.from(frame.gyro!.gz)).toEqual(Array.from(rec.samples.gz!.subarray(300, 400)));
  const decoded = decodeImuPayload(encodeBinaryFrame(frame), START + 60_000);
  if (!decoded.ok) throw new Error(decoded.error.message);
  expect(decoded.value.seq).toBe(3);
  expect(decoded.value.t0).toBe(START + 6000);
  expect(decoded.value.ay[7]).toBeCloseTo((rec.samples.ay[307]! * rec.accScaleMg) / 1000, 6);
});

test('loop devices read one shared pool at their own offsets', () => {
  const a = new LoopSignal({ seed: 1, deviceSeed: 11, rateHz: 50, gyro: false, seconds: 60 });
  const b = new LoopSignal({ seed: 1, deviceSeed: 12, rateHz: 50, gyro: false, seconds: 60 });
  expect(Array.from(a.samples(0, 50).ax)).not.toEqual(Array.from(b.samples(0, 50).ax));
  // Wrapping around the end of the pool still gives whole batches.
  expect(a.length).toBeGreaterThanOrEqual(3000);
  expect(a.samples(a.length - 10, 50).ax).toHaveLength(50);
  expect(Array.from(a.samples(a.length, 50).ax)).toEqual(Array.from(a.samples(0, 50).ax));
});
