// Real recordings: UCI HAPT users 01-15 (waist smartphone, 50 Hz), in ../shared/data beside the repository.
// Bar: lying vs upright per 1-s epoch at least 99% on labelled, non-transition segments, with the mounting
// estimated from the data (--orientation auto), not set by hand. Skips when the data is absent.
import { haptClass, haptDir, haptPresent, loadHapt } from '@restpose/classifier';
import { analyzeRecording } from '@restpose/signal';

const present = haptPresent();
const run = present ? test : test.skip;
const title = 'the angle rule: lying vs upright per 1-s epoch is at least 99% per user and overall (auto orientation)';

run(present ? title : `${title} (skipped: no UCI HAPT data at ${haptDir()})`, () => {
  const perUser = new Map<number, { ok: number; n: number }>();
  const confusion = { upright: { upright: 0, lying: 0 }, lying: { upright: 0, lying: 0 } };
  for (const h of loadHapt()) {
    const a = analyzeRecording(h.rec, { orientation: 'auto', epochSeconds: 1 });
    const t0 = h.rec.t[0]!;
    for (const e of a.epochs) {
      const first = Math.round((e.start - t0) / 20);
      // Only epochs wholly inside one labelled, non-transition segment.
      const seg = h.segments.find((s) => s.start <= first && s.end >= first + 49);
      const truth = seg ? haptClass(seg.activity) : null;
      if (!truth) continue;
      const predicted = e.posture === 'upright' ? 'upright' : 'lying';
      const u = perUser.get(h.user) ?? { ok: 0, n: 0 };
      u.n++;
      if (predicted === truth) u.ok++;
      perUser.set(h.user, u);
      confusion[truth][predicted]++;
    }
  }
  const rows = [...perUser.entries()].sort((a, b) => a[0] - b[0]);
  const total = rows.reduce((s, [, u]) => ({ ok: s.ok + u.ok, n: s.n + u.n }), { ok: 0, n: 0 });
  console.log(
    [
      'UCI HAPT lying vs upright, 1-s epochs, auto orientation:',
      ...rows.map(
        ([user, u]) => `  user ${String(user).padStart(2, '0')}: ${((100 * u.ok) / u.n).toFixed(2)}% of ${u.n}`,
      ),
      `  overall: ${((100 * total.ok) / total.n).toFixed(3)}% of ${total.n}`,
      `  confusion (truth -> predicted): ${JSON.stringify(confusion)}`,
    ].join('\n'),
  );
  expect(rows).toHaveLength(15);
  expect(confusion.lying.lying + confusion.lying.upright).toBeGreaterThan(1000);
  for (const [, u] of rows) expect(u.ok / u.n).toBeGreaterThanOrEqual(0.99);
  expect(total.ok / total.n).toBeGreaterThanOrEqual(0.99);
});
