// Reference values: R 4.2.2, p.adjust(p, method = "BH").
import { benjaminiHochberg } from '../src/index.js';

test('matches p.adjust(method = "BH") with ties and a test not performed (NA in R, null here)', () => {
  const p = [0.01, 0.04, 0.03, 0.04, 0.5, null, 0.0001, 0.2, 0.049, 1];
  const r = [0.045, 0.072, 0.072, 0.072, 0.5625, null, 9e-4, 0.257142857142857, 0.0735, 1];
  benjaminiHochberg(p).forEach((q, i) => {
    if (r[i] === null) expect(q).toBeNull();
    else expect(q).toBeCloseTo(r[i]!, 12);
  });
});

test('matches p.adjust(method = "BH") on 25 p-values', () => {
  const p = [
    0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.222, 0.251, 0.269, 0.275, 0.34, 0.341, 0.384,
    0.569, 0.594, 0.696, 0.762, 0.94, 0.942, 0.975, 0.986,
  ];
  const r = [
    0.025, 0.1, 0.21, 0.21, 0.21, 0.25, 0.264285714285714, 0.491071428571429, 0.491071428571429, 0.491071428571429,
    0.491071428571429, 0.491071428571429, 0.491071428571429, 0.491071428571429, 0.5328125, 0.5328125, 0.564705882352941,
    0.781578947368421, 0.781578947368421, 0.87, 0.907142857142857, 0.986, 0.986, 0.986, 0.986,
  ];
  benjaminiHochberg(p).forEach((q, i) => {
    expect(q).toBeCloseTo(r[i]!, 12);
  });
});

test('q is monotone in p and never below it, and an empty or all-missing list is fine', () => {
  const p = [0.3, 0.001, 0.02, 0.02, 0.8, 0.04];
  const q = benjaminiHochberg(p) as number[];
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  for (let k = 1; k < order.length; k++) expect(q[order[k]!]!).toBeGreaterThanOrEqual(q[order[k - 1]!]!);
  p.forEach((v, i) => {
    expect(q[i]!).toBeGreaterThanOrEqual(v);
  });
  expect(benjaminiHochberg([])).toEqual([]);
  expect(benjaminiHochberg([null, null])).toEqual([null, null]);
});

test('rejects a value that is not a probability', () => {
  expect(() => benjaminiHochberg([0.2, 1.5])).toThrow(/p-value 1 is 1.5/);
  expect(() => benjaminiHochberg([Number.NaN])).toThrow(/p-value 0/);
});
