import { agreement } from '../src/index.js';

test("Cohen's kappa and per-class agreement match a worked example", () => {
  // 50 items: reference yes/no against prediction; p_o = 0.7, p_e = 0.5, kappa = 0.4 (the textbook example).
  const truth = [...Array(20).fill('yes'), ...Array(5).fill('yes'), ...Array(10).fill('no'), ...Array(15).fill('no')];
  const pred = [...Array(20).fill('yes'), ...Array(5).fill('no'), ...Array(10).fill('yes'), ...Array(15).fill('no')];
  const a = agreement(['yes', 'no'], truth, pred);
  expect(a.confusion).toEqual([
    [20, 5],
    [10, 15],
  ]);
  expect(a.accuracy).toBeCloseTo(0.7);
  expect(a.kappa).toBeCloseTo(0.4);
  expect(a.perClass[0]).toMatchObject({ label: 'yes', support: 25 });
  expect(a.perClass[0]!.precision).toBeCloseTo(20 / 30);
  expect(a.perClass[0]!.recall).toBeCloseTo(20 / 25);
  expect(a.macroF1).toBeCloseTo((2 * (2 / 3) * 0.8) / (2 / 3 + 0.8) / 2 + (2 * 0.6 * 0.75) / 1.35 / 2);
});

test('classes absent from the reference do not count in macro-F1; perfect agreement is kappa 1', () => {
  const a = agreement(['upright', 'supine', 'left'], ['upright', 'supine'], ['upright', 'supine']);
  expect(a.kappa).toBe(1);
  expect(a.macroF1).toBe(1);
  expect(a.perClass[2]).toEqual({ label: 'left', support: 0, precision: null, recall: null, f1: null });
  expect(() => agreement(['a'], ['a'], ['b'])).toThrow(/unknown label/);
});
