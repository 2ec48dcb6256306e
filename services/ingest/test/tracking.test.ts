import fc from 'fast-check';
import { FleetTracker, sampleTimes } from '../src/tracking/fleet-tracker.js';
import { SampleClock } from '../src/tracking/sample-clock.js';
import { SequenceWindow } from '../src/tracking/sequence-window.js';

describe('sequence window', () => {
  test('reports gaps, late arrivals and resends', () => {
    const w = new SequenceWindow();
    expect(w.observe(10, 1000)).toEqual({ kind: 'next', missing: 0 });
    expect(w.observe(11, 2000)).toEqual({ kind: 'next', missing: 0 });
    expect(w.observe(14, 5000)).toEqual({ kind: 'next', missing: 2 });
    expect(w.observe(11, 2000)).toEqual({ kind: 'duplicate' });
    expect(w.observe(12, 3000)).toEqual({ kind: 'late' });
    expect(w.observe(12, 3000)).toEqual({ kind: 'duplicate' });
    expect(w.observe(14, 5000)).toEqual({ kind: 'duplicate' });
  });

  test('numbers wrap at 2^32', () => {
    const w = new SequenceWindow();
    w.observe(2 ** 32 - 2, 1000);
    expect(w.observe(2 ** 32 - 1, 2000)).toEqual({ kind: 'next', missing: 0 });
    expect(w.observe(1, 4000)).toEqual({ kind: 'next', missing: 1 });
    expect(w.observe(2 ** 32 - 1, 2000)).toEqual({ kind: 'duplicate' });
    expect(w.observe(0, 3000)).toEqual({ kind: 'late' });
  });

  test('a device whose numbering starts over is not mistaken for resends', () => {
    const w = new SequenceWindow();
    for (let s = 0; s < 50; s++) w.observe(s, 1_000_000 + s * 1000);
    // Reflashed: seq 0 again, later time.
    expect(w.observe(0, 2_000_000)).toEqual({ kind: 'restart' });
    expect(w.observe(1, 2_001_000)).toEqual({ kind: 'next', missing: 0 });
    expect(w.observe(1, 2_001_000)).toEqual({ kind: 'duplicate' });
    // Far behind with an older time: a very late batch, accepted.
    for (let s = 2; s < 400; s++) w.observe(s, 2_000_000 + s * 1000);
    expect(w.observe(5, 2_005_000)).toEqual({ kind: 'old' });
  });

  test('property: a sequence with resends yields every distinct batch once and flags every resend', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 200 }), (order) => {
        // Batches are delivered out of order within a small reordering distance, some twice.
        const w = new SequenceWindow();
        const seen = new Set<number>();
        for (const s of order) {
          const v = w.observe(s, 1_000_000 + s * 1000);
          if (seen.has(s)) expect(v.kind).toBe('duplicate');
          else expect(v.kind).not.toBe('duplicate');
          seen.add(s);
        }
      }),
    );
  });

  test('state survives a JSON round trip', () => {
    const w = new SequenceWindow();
    for (const s of [3, 4, 6, 9]) w.observe(s, s * 1000);
    const back = SequenceWindow.fromJSON(JSON.parse(JSON.stringify(w.toJSON())));
    expect(back.observe(4, 4000)).toEqual({ kind: 'duplicate' });
    expect(back.observe(5, 5000)).toEqual({ kind: 'late' });
    expect(back.observe(10, 10_000)).toEqual({ kind: 'next', missing: 0 });
  });
});

/**
 * A device whose sensor samples `ppm` faster than nominal and whose real-time clock is right to the millisecond
 * (t0 rounded, with +-1 ms of read-out jitter): the true time of every sample and the frames it would send.
 */
function driftingDevice(options: { ppm: number; rateHz: number; batchSeconds: number; batches: number; seed: number }) {
  const start = Date.UTC(2026, 10, 21, 22);
  const trueInterval = 1000 / options.rateHz / (1 + options.ppm / 1e6);
  const count = Math.round(options.rateHz * options.batchSeconds);
  let state = options.seed;
  const jitter = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31) * 2 - 1;
  };
  return Array.from({ length: options.batches }, (_, k) => {
    const trueT0 = start + k * count * trueInterval;
    return { seq: k, t0: Math.round(trueT0 + jitter()), count, trueT0, trueInterval };
  });
}

describe('sample clock drift', () => {
  test.each([
    { ppm: 50, batchSeconds: 1 },
    { ppm: 50, batchSeconds: 60 },
    { ppm: -50, batchSeconds: 10 },
    { ppm: 20_000, batchSeconds: 60 },
  ])('a sensor $ppm ppm off, batches of $batchSeconds s, over an hour: estimate and corrected spacing', (c) => {
    const rateHz = 50;
    const batches = driftingDevice({ ...c, rateHz, batches: Math.round(3600 / c.batchSeconds), seed: 7 });
    const tracker = new FleetTracker();
    let worstCorrected = 0;
    let worstNominal = 0;
    for (const b of batches) {
      const { intervalMs } = tracker.track('dev', b.seq, b.t0, b.count, rateHz);
      if (b.seq < batches.length / 2) continue; // judge after half an hour
      const t = sampleTimes(b.t0, b.count, intervalMs);
      // The spread within a batch: where the last sample lands relative to the first.
      const truth = (b.count - 1) * b.trueInterval;
      worstCorrected = Math.max(worstCorrected, Math.abs(t[b.count - 1]! - t[0]! - truth));
      worstNominal = Math.max(worstNominal, Math.abs(((b.count - 1) * 1000) / rateHz - truth));
    }
    const ppm = tracker.ppm('dev')!;
    // The t0 jitter of +-1 ms, spread over the hour of data the estimate averages, allows a few ppm.
    expect(Math.abs(ppm - c.ppm)).toBeLessThan(Math.max(3, Math.abs(c.ppm) * 0.002));
    expect(worstCorrected).toBeLessThan(worstNominal / 5);
  });

  test('a clock step between batches is left out of the estimate', () => {
    const clock = new SampleClock();
    const batches = driftingDevice({ ppm: 100, rateHz: 50, batchSeconds: 10, batches: 360, seed: 3 });
    for (const b of batches) {
      const stepped = b.seq >= 200 ? b.t0 + 2000 : b.t0; // the RTC was set 2 s forward before batch 200
      clock.observe(b.seq, stepped, b.count, 20);
    }
    expect(clock.pairsRefused).toBe(1);
    expect(Math.abs(clock.ppm! - 100)).toBeLessThan(5);
  });

  test('resends are not stored again and get the same timestamps after a restore from a snapshot', () => {
    const batches = driftingDevice({ ppm: 300, rateHz: 50, batchSeconds: 1, batches: 400, seed: 11 });
    const straight = new FleetTracker();
    const times: Float64Array[] = batches.map((b) => {
      const r = straight.track('dev', b.seq, b.t0, b.count, 50);
      return sampleTimes(b.t0, b.count, r.intervalMs);
    });
    let resumed = new FleetTracker();
    for (const [k, b] of batches.entries()) {
      if (k === 250) resumed = FleetTracker.restore(JSON.parse(JSON.stringify(resumed.snapshot())));
      const r = resumed.track('dev', b.seq, b.t0, b.count, 50);
      expect(r.store).toBe(true);
      expect(sampleTimes(b.t0, b.count, r.intervalMs)).toEqual(times[k]);
      if (k % 50 === 49) expect(resumed.track('dev', b.seq, b.t0, b.count, 50).store).toBe(false);
    }
  });
});
