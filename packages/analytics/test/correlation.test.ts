// Reference values: R 4.2.2 (Debian r-base-core 4.2.2), printed with options(digits = 15).
//   Pearson:  cor.test(x, y)                      estimate, conf.int, p.value (conf.level 0.95 unless said)
//   Spearman: cor.test(x, y, method = "spearman", exact = FALSE)   estimate, p.value (t approximation)
//   Spearman interval: no R function gives one; computed in R from cor.test's rho as
//     tanh(atanh(rho) + c(-1, 1) * qnorm(0.975) * sqrt((1 + rho^2 / 2) / (n - 3)))   (Bonett & Wright 2000)
import fc from 'fast-check';
import { sampleRankCorrelation } from 'simple-statistics';
import { midranks } from '../src/correlation.js';
import { pearson, spearman } from '../src/index.js';

const A = {
  x: [2.1, 3.4, 1.9, 5.6, 4.4, 6.0, 3.3, 7.2, 5.1, 4.8],
  y: [11, 14, 9, 20, 15, 24, 16, 22, 13, 19],
};
// Ties in both columns.
const B = {
  x: [1, 2, 2, 3, 4, 4, 4, 5, 6, 7, 7, 8],
  y: [3, 1, 4, 4, 5, 9, 2, 6, 5, 8, 9, 7],
};
// Weak negative association, p well above 0.05.
const C = {
  x: [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5],
  y: [4.2, 3.1, 5.0, 2.2, 3.9, 2.8, 3.6, 2.0],
};

function ok<T>(result: { status: string }): T {
  expect(result.status).toBe('ok');
  return result as T;
}

describe('pearson', () => {
  test.each([
    ['A', A, 0.865454770867168, [0.518205342721909, 0.967744454529113], 0.0012149306715489],
    ['B (ties)', B, 0.706999473077396, [0.223975497949555, 0.911188180079489], 0.0101360746662491],
    ['C (weak, negative)', C, -0.50758621719829, [-0.892888694134883, 0.306836789392493], 0.199111225528946],
  ] as const)('matches R cor.test on %s', (_name, data, r, ci, p) => {
    const result = ok<{ r: number; ci: [number, number]; p: number }>(pearson(data.x, data.y));
    expect(result.r).toBeCloseTo(r, 10);
    expect(result.ci[0]).toBeCloseTo(ci[0], 10);
    expect(result.ci[1]).toBeCloseTo(ci[1], 10);
    expect(result.p).toBeCloseTo(p, 10);
  });

  test('other confidence levels: R cor.test(x, y, conf.level = 0.9) on C', () => {
    const result = ok<{ ci: [number, number] }>(pearson(C.x, C.y, 0.9));
    expect(result.ci[0]).toBeCloseTo(-0.860449588539824, 10);
    expect(result.ci[1]).toBeCloseTo(0.174329128216993, 10);
  });

  test('a perfect line gives r 1, p near 0 and an interval at 1, not NaN', () => {
    const result = ok<{ r: number; ci: [number, number]; p: number }>(pearson([1, 2, 3, 4, 5], [3, 5, 7, 9, 11]));
    expect(result.r).toBeCloseTo(1, 12);
    expect(result.p).toBeLessThan(1e-6);
    for (const bound of result.ci) expect(bound).toBeCloseTo(1, 6);
    const negative = ok<{ r: number; ci: [number, number]; p: number }>(pearson([1, 2, 3, 4], [8, 6, 4, 2]));
    expect(negative.r).toBeCloseTo(-1, 12);
    expect([negative.p, ...negative.ci].every(Number.isFinite)).toBe(true);
  });
});

describe('spearman', () => {
  test.each([
    ['A', A, 0.83030303030303, 0.00294022702327952, [0.318587218959745, 0.96727602422638]],
    ['B (ties, average ranks)', B, 0.738909247009061, 0.00604308563520001, [0.207875347467912, 0.933532519587581]],
    ['C', C, -0.571428571428572, 0.138959957160706, [-0.920914405086509, 0.287400084285114]],
  ] as const)('matches R on %s', (_name, data, rho, p, ci) => {
    const result = ok<{ rho: number; ci: [number, number]; p: number }>(spearman(data.x, data.y));
    expect(result.rho).toBeCloseTo(rho, 10);
    expect(result.p).toBeCloseTo(p, 10);
    expect(result.ci[0]).toBeCloseTo(ci[0], 10);
    expect(result.ci[1]).toBeCloseTo(ci[1], 10);
  });

  test('does not depend on the order of the pairs when there are ties', () => {
    const order = B.x.map((_, i) => i).reverse();
    const shuffled = spearman(
      order.map((i) => B.x[i]!),
      order.map((i) => B.y[i]!),
    );
    expect(shuffled).toEqual(spearman(B.x, B.y));
  });
});

describe('too little data', () => {
  test.each([
    [[], 4],
    [[1], 3],
    [[1, 2, 3], 1],
  ])('n = %j says how many more pairs are needed', (x, needed) => {
    const y = x.map((v) => v * 2);
    for (const result of [pearson(x, y), spearman(x, y)]) {
      expect(result).toMatchObject({ status: 'not enough data', needed });
    }
  });

  test('a constant column has no variation', () => {
    expect(pearson([1, 2, 3, 4, 5], [2, 2, 2, 2, 2])).toMatchObject({ status: 'no variation' });
    expect(spearman([7, 7, 7, 7], [1, 2, 3, 4])).toMatchObject({
      status: 'no variation',
      message: expect.stringContaining('x takes a single value'),
    });
  });

  test('missing values must be removed first', () => {
    expect(() => pearson([1, 2, Number.NaN, 4], [1, 2, 3, 4])).toThrow(/pair 2/);
    expect(() => pearson([1, 2, 3], [1, 2])).toThrow(/3 values but y has 2/);
  });
});

describe('midranks', () => {
  test('ties share their average rank, from 0, as simple-statistics ranks them', () => {
    expect(midranks([30, 10, 20, 10, -0, 0])).toEqual([5, 2.5, 4, 2.5, 0.5, 0.5]);
  });

  test("rho from them equals simple-statistics' sampleRankCorrelation, ties and order included", () => {
    const column = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 4, maxLength: 60 });
    fc.assert(
      fc.property(column, fc.infiniteStream(fc.integer({ min: -5, max: 5 })), (x, more) => {
        const y = x.map(() => more.next().value);
        fc.pre(new Set(x).size > 1 && new Set(y).size > 1);
        const rho = (spearman(x, y) as { rho: number }).rho;
        expect(rho).toBeCloseTo(sampleRankCorrelation(x, y), 12);
      }),
    );
  });
});
