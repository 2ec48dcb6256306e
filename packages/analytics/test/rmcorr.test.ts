import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { pearson, rmcorr } from '../src/index.js';

// Bland & Altman (1995), "Calculating correlation coefficients with repeated observations: Part 1 - correlation
// within subjects", BMJ 310:446: intramural pH and PaCO2 of 8 subjects, 47 observations, in the paper's order (the
// rmcorr package's bland1995 data set). bland1995.csv holds them; the CLI test reads the same file. Their subject
// means agree with the table in Part 2 (BMJ 310:633), e.g. subject 1: pH 6.49, PaCO2 4.04; subject 3: 7.36, 4.83.
function readBland1995() {
  const [, ...lines] = readFileSync(new URL('./bland1995.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n');
  const rows = lines.map((line) => line.split(','));
  return {
    subject: rows.map((r) => r[0]!),
    pH: rows.map((r) => Number(r[1])),
    PaCO2: rows.map((r) => Number(r[2])),
  };
}
const bland1995 = readBland1995();

function ok<T>(result: { status: string }): T {
  expect(result.status).toBe('ok');
  return result as T;
}

type Ok = { r: number; df: number; p: number; ci: [number, number]; slope: number };

test('bland1995 reproduces the published repeated-measures correlation', () => {
  expect(bland1995.subject).toHaveLength(47);
  expect(new Set(bland1995.subject).size).toBe(8);
  const result = ok<Ok>(rmcorr(bland1995.subject, bland1995.PaCO2, bland1995.pH));
  // The rmcorr package's documentation (README), rmcorr(Subject, PaCO2, pH, bland1995): r -0.5067697, df 38,
  // p 0.0008471081, 95% CI -0.7112297 -0.223255 (Bakdash & Marusich 2017, Front. Psychol. 8:456, the method).
  expect(result.df).toBe(38);
  expect(result.r).toBeCloseTo(-0.5067697, 6);
  expect(result.p).toBeCloseTo(0.0008471081, 9);
  expect(result.ci[0]).toBeCloseTo(-0.7112297, 6);
  expect(result.ci[1]).toBeCloseTo(-0.223255, 6);
  // R 4.2.2: coef(lm(pH ~ factor(Subject) + PaCO2))["PaCO2"].
  expect(result.slope).toBeCloseTo(-0.108323047069682, 10);
});

test('an unbalanced cohort with a single-observation subject matches the ANCOVA in R', () => {
  // R 4.2.2 with psych 2.2.9, the steps of rmcorr::rmcorr:
  //   options(contrasts = c("contr.sum", "contr.poly")); m <- lm(y ~ s + x); t3 <- drop1(m, ~., test = "F")
  //   r <- sign(coef(m)["x"]) * sqrt(t3$"Sum of Sq"[3] / (t3$"Sum of Sq"[3] + t3$RSS[1]))
  //   m$df.residual; t3$"Pr(>F)"[3]; psych::r.con(r, m$df.residual, p = 0.95)
  const s = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c', 'c', 'c', 'd', 'e', 'e'];
  const x = [1.0, 2.0, 3.5, 4.0, 6.0, 7.5, 8.0, 10.0, 11.0, 12.5, 13.0, 14.0, 9.0, 16.0, 17.5];
  const y = [20.0, 21.5, 22.0, 24.5, 12.0, 14.5, 14.0, 5.0, 6.5, 6.0, 8.5, 9.0, 3.0, 1.0, 2.5];
  const result = ok<Ok>(rmcorr(s, x, y));
  expect(result.r).toBeCloseTo(0.89058671871192, 10);
  expect(result.df).toBe(9);
  expect(result.p).toBeCloseTo(0.000236464957597825, 12);
  expect(result.ci[0]).toBeCloseTo(0.554324881273742, 10);
  expect(result.ci[1]).toBeCloseTo(0.97690825225683, 10);
  expect(result.slope).toBeCloseTo(1.04931566369759, 10);
  // The same data pooled: R cor.test(x, y) gives r = -0.870495458131392, the between-subject trend.
  expect(ok<{ r: number }>(pearson(x, y)).r).toBeCloseTo(-0.870495458131392, 10);
});

describe('minimums', () => {
  test('needs two subjects with repeats and df >= 4, and says how many more observations', () => {
    // One subject with repeats: one more observation in another subject makes two, but df stays short.
    expect(rmcorr(['a', 'a', 'a', 'b'], [1, 2, 3, 4], [2, 3, 5, 1])).toMatchObject({
      status: 'not enough data',
      needed: 3, // df = 4 - 2 - 1 = 1
    });
    expect(rmcorr(['a', 'a', 'a', 'b', 'b', 'b', 'b'], [1, 2, 3, 4, 5, 6, 7], [2, 3, 5, 1, 3, 2, 4])).toMatchObject({
      status: 'ok',
      df: 4,
    });
    expect(rmcorr(['a', 'b', 'c', 'd', 'e', 'f', 'g'], [1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7])).toMatchObject({
      status: 'not enough data',
      needed: 5, // df = 7 - 7 - 1 = -1: five more observations in these subjects reach df 4
    });
  });

  test('with fewer than two subjects, the subjects to add count too', () => {
    // None: two new subjects, N - 2 - 1 >= 4, so 7 observations.
    expect(rmcorr([], [], [])).toMatchObject({ status: 'not enough data', needed: 7 });
    // One subject with one observation: one more subject, 6 more observations make N = 7, k = 2, df = 4.
    expect(rmcorr(['a'], [1], [2])).toMatchObject({ status: 'not enough data', needed: 6 });
    // One subject with five: two more in a second subject make N = 7, df = 4.
    expect(rmcorr(['a', 'a', 'a', 'a', 'a'], [1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toMatchObject({ needed: 2 });
    expect(rmcorr(['a', 'a', 'a', 'a', 'a', 'b', 'b'], [1, 2, 3, 4, 5, 1, 2], [2, 1, 4, 3, 5, 2, 3]).status).toBe('ok');
  });

  test('x constant within every subject has no within-subject variation', () => {
    const s = ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c'];
    expect(rmcorr(s, [1, 1, 1, 5, 5, 5, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8])).toMatchObject({
      status: 'no variation',
      message: 'x does not vary within any subject',
    });
  });
});

// A cohort whose people differ in baseline: those with a higher x have a much lower y, while within each person
// y rises with x. Pooled correlation sees the between-person trend; rmcorr must see the within-person one.
const cohort = fc.record({
  subjects: fc.integer({ min: 3, max: 8 }),
  perSubject: fc.integer({ min: 3, max: 10 }),
  withinSlope: fc.double({ min: 0.5, max: 3, noNaN: true }),
  sign: fc.constantFrom(1, -1),
  jitter: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 160, maxLength: 160 }),
  offsets: fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 8, maxLength: 8 }),
});

function makeCohort(c: { subjects: number; perSubject: number; withinSlope: number; sign: number; jitter: number[] }) {
  const s: string[] = [];
  const x: number[] = [];
  const y: number[] = [];
  let k = 0;
  for (let i = 0; i < c.subjects; i++) {
    for (let j = 0; j < c.perSubject; j++) {
      const u = j - (c.perSubject - 1) / 2 + 0.3 * c.jitter[k++ % c.jitter.length]!;
      s.push(`s${i}`);
      x.push(20 * i + u);
      // Between subjects y falls 40 per 20 of x, the opposite way to the within-subject slope.
      y.push(-c.sign * 40 * i + c.sign * c.withinSlope * u + 0.2 * c.jitter[(k * 7) % c.jitter.length]!);
    }
  }
  return { s, x, y };
}

test('property: rmcorr recovers the within-subject sign where pooled Pearson shows the opposite', () => {
  fc.assert(
    fc.property(cohort, (c) => {
      const { s, x, y } = makeCohort(c);
      const pooled = ok<{ r: number }>(pearson(x, y));
      const within = ok<Ok>(rmcorr(s, x, y));
      expect(Math.sign(pooled.r)).toBe(-c.sign);
      expect(Math.sign(within.r)).toBe(c.sign);
      expect(Math.sign(within.slope)).toBe(c.sign);
    }),
  );
});

test('property: shifting any subject’s baseline in x or y leaves rmcorr unchanged', () => {
  fc.assert(
    fc.property(cohort, (c) => {
      const { s, x, y } = makeCohort(c);
      const shift = (values: number[], by: number) => values.map((v, i) => v + c.offsets[Number(s[i]!.slice(1))]! * by);
      const before = ok<Ok>(rmcorr(s, x, y));
      const after = ok<Ok>(rmcorr(s, shift(x, 1), shift(y, -2)));
      expect(after.df).toBe(before.df);
      expect(after.r).toBeCloseTo(before.r, 8);
      expect(after.slope).toBeCloseTo(before.slope, 6);
    }),
  );
});
