// The physics of the rendered signal, checked from the device-frame samples with the truth's sensor errors and
// mounting undone: gravity magnitude at rest, body-frame angles against labels, the gyroscope against the turns,
// quantization at the configured range.
import { POSTURES } from '@restpose/protocol';
import { ACTIVITIES, FLAG_TRANSITION, type Mat3, type Recording, sectorOf, simulateRecording } from '../src/index.js';

const LYING = ACTIVITIES.indexOf('lying');
const D2R = Math.PI / 180;

let rec: Recording;
beforeAll(() => {
  rec = simulateRecording({
    seed: 11,
    rateHz: 50,
    afterRiseHours: 0.5,
    sensor: { gyro: true, rangeG: 4, noiseMg: 3, offsetSdMg: 30, gainSd: 0.02 },
    mounting: { base: 'random', jitterDeg: 5 },
  });
});

/** Device-frame acceleration of sample i with offset and gain removed (g). */
function corrected(r: Recording, i: number): [number, number, number] {
  const { offsetMg, gain } = r.truth.sensor;
  const g = r.accScaleMg / 1000;
  return [
    (r.samples.ax[i]! * g - offsetMg[0] / 1000) / gain[0],
    (r.samples.ay[i]! * g - offsetMg[1] / 1000) / gain[1],
    (r.samples.az[i]! * g - offsetMg[2] / 1000) / gain[2],
  ];
}

/** v_body = R v_device, R the truth's deviceToBody. */
function toBody(r: Mat3, v: [number, number, number]): [number, number, number] {
  return [
    r[0]! * v[0] + r[1]! * v[1] + r[2]! * v[2],
    r[3]! * v[0] + r[4]! * v[1] + r[5]! * v[2],
    r[6]! * v[0] + r[7]! * v[1] + r[8]! * v[2],
  ];
}

test('|a| is 1 g at rest once the configured offset and gain are removed, and noise is as configured', () => {
  const truth = rec.samples.truth!;
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < rec.sampleCount; i++) {
    if (truth.activity[i] !== LYING || truth.flags[i]! & FLAG_TRANSITION) continue;
    const m = Math.hypot(...corrected(rec, i));
    n++;
    sum += m;
    sumSq += m * m;
  }
  const mean = sum / n;
  const sd = Math.sqrt(sumSq / n - mean * mean);
  expect(n).toBeGreaterThan(rec.rateHz * 3600 * 5);
  expect(Math.abs(mean - 1)).toBeLessThan(0.001);
  // 3 mg per axis of white noise, plus breathing and the odd twitch: a few mg, not tens.
  expect(sd).toBeGreaterThan(0.002);
  expect(sd).toBeLessThan(0.006);
  // Without the correction the offsets (SD 30 mg) are plain to see.
  const raw = Math.hypot(rec.truth.sensor.offsetMg[0], rec.truth.sensor.offsetMg[1], rec.truth.sensor.offsetMg[2]);
  expect(raw).toBeGreaterThan(5);
});

test('body-frame roll of every settled bout matches its label and its settled roll', () => {
  const night = rec.truth.nights[0]!;
  const m = rec.truth.mounting.initial.deviceToBody;
  expect(rec.truth.mounting.changes).toEqual([]);
  const dt = 1000 / rec.rateHz;
  for (const bout of night.bouts) {
    // The middle of the bout, away from turns.
    const from = Math.ceil((bout.start + 60_000 - rec.startMs) / dt);
    const to = Math.floor((bout.end - 60_000 - rec.startMs) / dt);
    if (to - from < rec.rateHz * 30) continue;
    let sx = 0;
    let sz = 0;
    for (let i = from; i < to; i++) {
      const [x, , z] = toBody(m, corrected(rec, i));
      sx += x;
      sz += z;
    }
    const roll = Math.atan2(sz, sx) / D2R;
    expect(sectorOf(roll)).toBe(bout.posture);
    // Repositionings move within 4 degrees of the settled roll.
    const diff = Math.abs(((roll - bout.rollDeg + 540) % 360) - 180);
    expect(diff).toBeLessThan(5.5);
    expect(POSTURES[rec.samples.truth!.posture[from]!]).toBe(bout.posture);
  }
});

test('the gyroscope integrates to the roll change of every turn', () => {
  const night = rec.truth.nights[0]!;
  const gyro = rec.truth.sensor.gyro!;
  const m = rec.truth.mounting.initial.deviceToBody;
  const s = gyro.scaleMdps / 1000;
  const dt = 1 / rec.rateHz;
  const truthRoll = rec.samples.truth!.rollDeg;
  expect(night.turns.length).toBeGreaterThan(3);
  for (const turn of night.turns) {
    const from = Math.round((turn.start - rec.startMs) / (1000 * dt)) - 25;
    const to = Math.round((turn.end - rec.startMs) / (1000 * dt)) + 25;
    let integral = 0;
    let expected = 0;
    for (let i = from; i < to; i++) {
      const w: [number, number, number] = [
        rec.samples.gx![i]! * s - gyro.biasDps[0],
        rec.samples.gy![i]! * s - gyro.biasDps[1],
        rec.samples.gz![i]! * s - gyro.biasDps[2],
      ];
      integral += toBody(m, w)[1] * dt;
      expected += ((truthRoll[i + 1]! - truthRoll[i]! + 540) % 360) - 180;
    }
    expect(Math.abs(expected)).toBeGreaterThan(20);
    expect(Math.abs(integral - expected)).toBeLessThan(1.5);
  }
});

test('samples are int16 counts at the configured range, saturating there, with coarser steps for fewer bits', () => {
  const r = simulateRecording({
    seed: 4,
    span: { startMs: Date.UTC(2025, 0, 1, 2), endMs: Date.UTC(2025, 0, 1, 4) },
    rateHz: 25,
    sensor: { rangeG: 2, bits: 12 },
    artifactsPerHour: 200,
  });
  expect(r.accScaleMg).toBeCloseTo(2000 / 32768, 12);
  let saturated = 0;
  let offGrid = 0;
  for (const column of [r.samples.ax, r.samples.ay, r.samples.az]) {
    for (const c of column) {
      if (c & 15) offGrid++;
      if (c === -32768 || c === 32768 - 16) saturated++;
    }
  }
  expect(offGrid).toBe(0);
  // Knocks of up to 1.5 g on top of gravity exceed +-2 g now and then.
  expect(r.truth.artifacts.length).toBeGreaterThan(300);
  expect(saturated).toBeGreaterThan(0);
});

test('a sample-clock error stretches the recording: more samples for the same true span', () => {
  const span = { startMs: Date.UTC(2025, 0, 1, 2), endMs: Date.UTC(2025, 0, 1, 3) };
  const nominal = simulateRecording({ seed: 2, span, rateHz: 20, sampleTruth: false });
  const fast = simulateRecording({ seed: 2, span, rateHz: 20, sampleTruth: false, sampleRateErrorPpm: 20_000 });
  expect(nominal.sampleCount).toBe(3600 * 20);
  expect(fast.sampleCount).toBe(Math.floor(3600 * 20 * 1.02));
  expect(fast.truth.sampleRateErrorPpm).toBe(20_000);
});
