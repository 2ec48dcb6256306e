// The engine's flat night and morning metrics carry every name of the catalogue the API's links, flags and trends
// read (packages/protocol/src/day-metrics.ts), and the values under those names are the quantities the catalogue
// describes: checked against the simulator's truth on held-out seeds (never tuned on).
import { MORNING_METRICS, NIGHT_METRICS } from '@restpose/protocol';
import { analyzeRecording, morningMetrics, nightMetrics } from '@restpose/signal';
import { accelerationG, simulateRecording } from '@restpose/simulator';

const HELD_OUT_SEEDS = [9001, 9002, 9003];

describe.each(HELD_OUT_SEEDS)('seed %i', (seed) => {
  const rec = simulateRecording({ seed, nights: 1 });
  const acc = accelerationG(rec);
  const t = Float64Array.from({ length: rec.sampleCount }, (_, i) => rec.startMs + (i * 1000) / rec.rateHz);
  const a = analyzeRecording({ t, ax: acc.x, ay: acc.y, az: acc.z }, { epochSeconds: 30 });
  const truth = rec.truth.nights[0]!;
  const night = nightMetrics(a.nights.find((n) => n.date === truth.date)!);
  const morning = morningMetrics(a.mornings.find((m) => m.date === truth.date)!);

  test('every catalogue name is written', () => {
    for (const name of Object.keys(NIGHT_METRICS)) expect(night).toHaveProperty(name);
    for (const name of Object.keys(MORNING_METRICS)) expect(morning).toHaveProperty(name);
  });

  test('the values are what the catalogue says', () => {
    expect(night.time_in_bed_min).toBeCloseTo(truth.timeInBedMin, -1); // within 5 min
    for (const p of ['supine', 'prone', 'left', 'right'] as const) {
      expect(Math.abs(night[`share_${p}`]! - truth.shareByPosture[p])).toBeLessThan(0.05);
    }
    expect(night.out_of_bed_count).toBe(truth.outOfBedEpisodes.length);
    const mid = (truth.sleepOnset + truth.finalRise) / 2;
    expect(night.out_of_bed_second_half).toBe(truth.outOfBedEpisodes.filter((e) => e.start >= mid).length);
    expect(night.wake_second_half_min).not.toBeNull();
    expect(night.wake_second_half_min!).toBeGreaterThanOrEqual(0);
    expect(morning.rom_first_30min_deg).toBeGreaterThan(0);
    expect(morning.time_to_first_upright_s).not.toBeNull();
  });
});
