// Reference values: R 4.2.2, m <- lm(y ~ x); coef(m), confint(m)["x", ], summary(m)$r.squared.
import { slope } from '../src/index.js';

test.each([
  [
    'A',
    [2.1, 3.4, 1.9, 5.6, 4.4, 6.0, 3.3, 7.2, 5.1, 4.8],
    [11, 14, 9, 20, 15, 24, 16, 22, 13, 19],
    0.95,
    { intercept: 5.52195456624485, value: 2.46074096661076, ci: [1.299390965742, 3.62209096747953] },
    0.749011960416742,
  ],
  [
    'B',
    [1, 2, 2, 3, 4, 4, 4, 5, 6, 7, 7, 8],
    [3, 1, 4, 4, 5, 9, 2, 6, 5, 8, 9, 7],
    0.95,
    { intercept: 1.57056145675266, value: 0.833080424886191, ci: [0.245914308977913, 1.42024654079447] },
    0.499848254931715,
  ],
  [
    'C at 90% (confint(m, level = 0.9))',
    [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5],
    [4.2, 3.1, 5.0, 2.2, 3.9, 2.8, 3.6, 2.0],
    0.9,
    { intercept: 4.19761904761905, value: -0.211904761904762, ci: [-0.497252572143055, 0.0734430483335315] },
    0.25764376788967,
  ],
] as const)('slope, intercept, interval and r2 match R lm on %s', (_name, x, y, confidence, expected, r2) => {
  const result = slope(x, y, confidence);
  if (result.status !== 'ok') throw new Error(result.message);
  expect(result.value).toBeCloseTo(expected.value, 10);
  expect(result.intercept).toBeCloseTo(expected.intercept, 10);
  expect(result.ci[0]).toBeCloseTo(expected.ci[0], 10);
  expect(result.ci[1]).toBeCloseTo(expected.ci[1], 10);
  expect(result.r2).toBeCloseTo(r2, 10);
});

test('a constant x gives no slope; too few pairs say how many more are needed', () => {
  expect(slope([3, 3, 3, 3], [1, 2, 3, 4])).toMatchObject({ status: 'no variation' });
  expect(slope([1, 2], [1, 2])).toMatchObject({ status: 'not enough data', needed: 2 });
});
