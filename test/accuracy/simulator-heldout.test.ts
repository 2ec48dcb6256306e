// Accuracy bars on held-out simulator seeds (docs/metrics.md, "Simulator seeds"). The engine was tuned on
// development seeds 1-5 only; seeds 9001-9010 were fixed before any simulator data was seen and never tuned on.
// Each seed: one night and the following morning and day, the device in a random placement on the back (one of the
// eight flat placements, tilted up to ~10 degrees, 3 degrees of jitter), the simulator's sensor errors and noise,
// analyzed with --orientation auto (the mounting estimated from the data).

import { agreement, analyzeRecording, POSTURE_LABELS } from '@restpose/signal';
import { accelerationG, angularRateDps, epochLabels, FLAG_TRANSITION, simulateRecording } from '@restpose/simulator';

/** The seeds the engine was tuned on; never among the held-out ones. */
const DEVELOPMENT_SEEDS = [1, 2, 3, 4, 5];
const HELD_OUT_SEEDS = [9001, 9002, 9003, 9004, 9005, 9006, 9007, 9008, 9009, 9010];

interface SeedResult {
  seed: number;
  truth: string[];
  predicted: string[];
  riseErrorMin: number | null;
  romErrors: number[];
  loosen: { truth: number | null; estimate: number | null; reason: string | null };
}

function evaluate(seed: number): SeedResult {
  const rec = simulateRecording({ seed, nights: 1, mounting: { base: 'random', jitterDeg: 3, slipsPerNight: 0 } });
  const acc = accelerationG(rec);
  const gyro = angularRateDps(rec);
  const t = Float64Array.from({ length: rec.sampleCount }, (_, i) => rec.startMs + (i * 1000) / rec.rateHz);
  const a = analyzeRecording(
    { t, ax: acc.x, ay: acc.y, az: acc.z, ...(gyro ? { gx: gyro.x, gy: gyro.y, gz: gyro.z } : {}) },
    { orientation: 'auto', epochSeconds: 30 },
  );

  // Epochs: the simulator's majority label per 30-s epoch; epochs off the body or holding a transition (lying
  // down, sitting up, turning) are left out, as `restpose validate` leaves out mixed epochs.
  const labels = epochLabels(rec, 30);
  const flags = rec.samples.truth!.flags;
  const per = 30 * rec.rateHz;
  const truth: string[] = [];
  const predicted: string[] = [];
  for (const e of a.epochs) {
    const k = Math.round((e.start - rec.startMs) / 30_000);
    const label = labels[k]?.label;
    if (!label || label === 'non-wear') continue;
    let transition = false;
    for (let i = k * per; i < (k + 1) * per && i < rec.sampleCount; i++)
      if (flags[i]! & FLAG_TRANSITION) transition = true;
    if (transition) continue;
    truth.push(label);
    predicted.push(e.posture);
  }

  const nightTruth = rec.truth.nights[0]!;
  const night = a.nights.find((n) => Math.abs(n.finalRise - nightTruth.finalRise) < 6 * 3_600_000);
  // Range of motion is reported from the person's upright neutral (docs/metrics.md); the simulator's peaks are
  // inclinations from vertical, so they are taken relative to the simulated person's standing posture.
  const { standSagDeg, standLatDeg } = rec.truth.person.body;
  const morningTruth = rec.truth.mornings[0]!;
  const morning = a.mornings.find((m) => night && m.finalRise === night.finalRise);
  const romErrors: number[] = [];
  morningTruth.windows.forEach((w, i) => {
    const m = morning?.windows[i];
    const pairs: Array<[number | null, number | null | undefined]> = [
      [w.flexionDeg === null ? null : w.flexionDeg - standSagDeg, m?.flexionDeg],
      [w.extensionDeg === null ? null : w.extensionDeg + standSagDeg, m?.extensionDeg],
      [w.leftDeg === null ? null : w.leftDeg + standLatDeg, m?.lateralLeftDeg],
      [w.rightDeg === null ? null : w.rightDeg - standLatDeg, m?.lateralRightDeg],
    ];
    for (const [expected, got] of pairs) {
      if (expected === null) continue;
      // A window the engine has no value for counts as missing the whole bend.
      romErrors.push((got ?? 0) - expected);
    }
  });
  return {
    seed,
    truth,
    predicted,
    riseErrorMin: night ? (night.finalRise - nightTruth.finalRise) / 60_000 : null,
    romErrors,
    loosen: {
      truth: morningTruth.timeToLoosenMin,
      estimate: morning?.timeToLoosenMinutes ?? null,
      reason: morning?.timeToLoosenReason ?? 'no morning',
    },
  };
}

test('held-out simulator seeds: posture accuracy >= 99%, macro-F1 >= 0.98, final rise within 2 min, ROM error <= 2 degrees RMS, time to loosen within 5 min', () => {
  expect(HELD_OUT_SEEDS.filter((s) => DEVELOPMENT_SEEDS.includes(s))).toEqual([]);
  const results = HELD_OUT_SEEDS.map(evaluate);
  const all = agreement(
    POSTURE_LABELS,
    results.flatMap((r) => r.truth),
    results.flatMap((r) => r.predicted),
  );
  const rom = results.flatMap((r) => r.romErrors);
  const romRms = Math.sqrt(rom.reduce((s, e) => s + e * e, 0) / rom.length);
  console.log(
    [
      'Held-out simulator seeds (random mounting, --orientation auto):',
      ...results.map((r) => {
        const ok = r.truth.filter((l, i) => l === r.predicted[i]).length;
        const rms = Math.sqrt(r.romErrors.reduce((s, e) => s + e * e, 0) / r.romErrors.length);
        return `  seed ${r.seed}: epochs ${((100 * ok) / r.truth.length).toFixed(2)}% of ${r.truth.length}, final rise ${r.riseErrorMin?.toFixed(2)} min, ROM RMS ${rms.toFixed(2)} deg, time to loosen ${r.loosen.estimate} vs ${r.loosen.truth} min`;
      }),
      `  pooled: accuracy ${(100 * all.accuracy!).toFixed(2)}%, macro-F1 ${all.macroF1!.toFixed(3)}, kappa ${all.kappa!.toFixed(3)}, ROM RMS ${romRms.toFixed(2)} deg over ${rom.length} peaks`,
      `  confusion (rows truth, columns restpose; ${POSTURE_LABELS.join(', ')}): ${JSON.stringify(all.confusion)}`,
    ].join('\n'),
  );
  expect(all.n).toBeGreaterThan(10 * 1000);
  expect(all.accuracy!).toBeGreaterThanOrEqual(0.99);
  expect(all.macroF1!).toBeGreaterThanOrEqual(0.98);
  for (const r of results) {
    expect([r.seed, r.riseErrorMin !== null && Math.abs(r.riseErrorMin) <= 2]).toEqual([r.seed, true]);
    if (r.loosen.truth !== null) {
      expect([r.seed, r.loosen.estimate !== null && Math.abs(r.loosen.estimate - r.loosen.truth) <= 5]).toEqual([
        r.seed,
        true,
      ]);
    }
  }
  expect(romRms).toBeLessThanOrEqual(2);
}, 600_000);
