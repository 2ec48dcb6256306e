// UCI HAPT (real recordings, users 01-15): lying vs upright per 1-s epoch with the model, against the bar of 99%
// per user and overall; the rule's figures are printed beside. Skips when the data is absent.
import {
  DEFAULT_MODEL_DIR,
  evaluateHapt,
  haptDir,
  haptPresent,
  loadArtifact,
  loadHapt,
  selectBackend,
} from '../src/index.js';

const present = haptPresent();
const title = 'UCI HAPT lying vs upright per 1-s epoch: the model reaches 99% per user and overall';
(present ? test : test.skip)(
  present ? title : `${title} (skipped: no UCI HAPT data at ${haptDir()})`,
  async () => {
    await selectBackend();
    const net = await loadArtifact(DEFAULT_MODEL_DIR);
    const r = evaluateHapt(loadHapt(), net.postureModel());
    const pct = (ok: number, n: number) => `${((100 * ok) / n).toFixed(2)}%`;
    console.log(
      [
        `UCI HAPT, ${net.version}:`,
        ...r.perUser.map(
          (u) =>
            `  user ${String(u.user).padStart(2, '0')}: model ${pct(u.modelCorrect, u.epochs)}, rule ${pct(u.ruleCorrect, u.epochs)} of ${u.epochs}`,
        ),
        `  overall: model ${(100 * r.model.accuracy!).toFixed(3)}%, rule ${(100 * r.rule.accuracy!).toFixed(3)}% of ${r.model.n}`,
      ].join('\n'),
    );
    expect(r.perUser).toHaveLength(15);
    expect(r.model.confusion[1]!.reduce((a, b) => a + b, 0)).toBeGreaterThan(1000); // lying epochs
    for (const u of r.perUser) expect([u.user, u.modelCorrect / u.epochs >= 0.99]).toEqual([u.user, true]);
    expect(r.model.accuracy!).toBeGreaterThanOrEqual(0.99);
  },
  600_000,
);
