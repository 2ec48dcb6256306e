import { PostureStream } from '../src/index.js';

test('the same seed gives the same recording, and |a| is about 1 g', () => {
  const a = new PostureStream({ seed: 7, rateHz: 50, minBoutS: 1, maxBoutS: 3 }).next(2000);
  const b = new PostureStream({ seed: 7, rateHz: 50, minBoutS: 1, maxBoutS: 3 }).next(2000);
  const c = new PostureStream({ seed: 8, rateHz: 50, minBoutS: 1, maxBoutS: 3 }).next(2000);
  expect(Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(true);
  expect(Buffer.from(a.x.buffer).equals(Buffer.from(c.x.buffer))).toBe(false);
  for (let i = 0; i < 2000; i++) expect(Math.abs(Math.hypot(a.x[i]!, a.y[i]!, a.z[i]!) - 1)).toBeLessThan(0.06);
  expect(new Set(a.truth).size).toBeGreaterThan(2);
});
