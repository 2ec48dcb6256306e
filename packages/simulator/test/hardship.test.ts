// Hard conditions for posture models: three-quarter positions near the sector boundaries, aborted turns and a bed
// partner's movements. Off by default (the default plan is untouched); when on, the labels still follow the label
// rule (the sector of the settled roll) while the trunk or the mattress moves.
import { createHash } from 'node:crypto';
import { POSTURES } from '@restpose/protocol';
import { FLAG_TRANSITION, type Recording, sectorOf, simulateRecording, wrap180 } from '../src/index.js';

const NOMINAL: Record<string, number> = { supine: 0, left: 90, right: -90, prone: 180 };
const base = { seed: 31, rateHz: 10, nights: 1, afterRiseHours: 0 } as const;

function digest(rec: Recording): string {
  const h = createHash('sha256');
  for (const a of [rec.samples.ax, rec.samples.ay, rec.samples.az, rec.samples.truth!.posture]) {
    h.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  }
  h.update(JSON.stringify(rec.truth));
  return h.digest('hex');
}

/** Indices of lying samples inside bouts, away from their edges, with the bout each belongs to. */
function boutSamples(rec: Recording, each: (i: number, bout: Recording['truth']['nights'][0]['bouts'][0]) => void) {
  const at = (t: number) => Math.round(((t - rec.startMs) * rec.rateHz) / 1000);
  for (const bout of rec.truth.nights[0]!.bouts)
    for (let i = at(bout.start) + 2; i < at(bout.end) - 2; i++) each(i, bout);
}

test('the hardship defaults, given explicitly, give the same bytes as leaving them out', () => {
  const plain = digest(simulateRecording(base));
  const explicit = digest(
    simulateRecording({ ...base, hardship: { threeQuarterDeg: [25, 33], restlessPerHour: 0, partnerPerHour: 0 } }),
  );
  expect(explicit).toBe(plain);
});

test('three-quarter bouts can settle near the sector boundary, still inside their sector', () => {
  const rec = simulateRecording({
    ...base,
    person: { lying: { threeQuarterProb: 1 } },
    hardship: { threeQuarterDeg: [40, 44] },
  });
  const bouts = rec.truth.nights[0]!.bouts;
  const offsets = bouts.map((b) => Math.abs(wrap180(b.rollDeg - NOMINAL[b.posture]!)));
  for (const b of bouts) expect(sectorOf(b.rollDeg)).toBe(b.posture);
  expect(Math.max(...offsets)).toBeLessThanOrEqual(44 + 1e-9);
  // The default keeps bouts at most 33 degrees off nominal; here most go further.
  expect(offsets.filter((o) => o > 35).length).toBeGreaterThan(bouts.length / 2);
});

test('aborted turns roll the trunk 25-60 degrees and back while the label stays the bout position', () => {
  const rec = simulateRecording({ ...base, hardship: { restlessPerHour: 12 } });
  const { posture, flags, rollDeg } = rec.samples.truth!;
  let excursions = 0;
  let inExcursion = false;
  let wrongLabel = 0;
  let farthest = 0;
  boutSamples(rec, (i, bout) => {
    if (POSTURES[posture[i]!] !== bout.posture || flags[i]! & FLAG_TRANSITION) wrongLabel++;
    const away = Math.abs(wrap180(rollDeg[i]! - bout.rollDeg));
    farthest = Math.max(farthest, away);
    if (away > 20 && !inExcursion) excursions++;
    inExcursion = away > 20;
  });
  expect(wrongLabel).toBe(0);
  // An excursion starts from a repositioned roll (+-5) and adds breathing and twitches.
  expect(farthest).toBeGreaterThan(45);
  expect(farthest).toBeLessThan(60 + 5 + 2);
  const hours = rec.truth.nights[0]!.timeInBedMin / 60;
  // Poisson at 12 an hour, less those that would break the immobile stretch or fall at a bout's end.
  expect(excursions).toBeGreaterThan(4 * hours);
  expect(excursions).toBeLessThan(16 * hours);
});

test("a partner's movements shake the trunk without changing the plan or its labels", () => {
  const quiet = simulateRecording(base);
  const shaken = simulateRecording({ ...base, hardship: { partnerPerHour: 20 } });
  expect(Buffer.from(shaken.samples.truth!.posture)).toEqual(Buffer.from(quiet.samples.truth!.posture));
  expect(shaken.truth.nights[0]!.bouts).toEqual(quiet.truth.nights[0]!.bouts);
  // Sample-to-sample change of |a| while lying grows (the shaking; sensor offsets cancel out).
  const jitter = (rec: Recording) => {
    const g = rec.accScaleMg / 1000;
    const norm = (i: number) => Math.hypot(rec.samples.ax[i]! * g, rec.samples.ay[i]! * g, rec.samples.az[i]! * g);
    let s = 0;
    let n = 0;
    boutSamples(rec, (i) => {
      s += (norm(i) - norm(i - 1)) ** 2;
      n++;
    });
    return Math.sqrt(s / n);
  };
  expect(jitter(shaken)).toBeGreaterThan(1.5 * jitter(quiet));
});
