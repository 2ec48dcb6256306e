// Benjamini-Hochberg false discovery rate adjustment, as R's p.adjust(p, method = "BH").

/**
 * q-values for p-values; null entries (tests not performed) stay null and do not count among the m tests, as in
 * p.adjust with NA. q_(i) = min over j >= i of p_(j) * m / j, capped at 1, so q is monotone in p.
 */
export function benjaminiHochberg(p: readonly (number | null)[]): (number | null)[] {
  const tested = p.flatMap((value, index) => {
    if (value === null) return [];
    if (!(value >= 0 && value <= 1)) throw new RangeError(`p-value ${index} is ${value}; expected 0 to 1`);
    return [{ value, index }];
  });
  const m = tested.length;
  const q: (number | null)[] = p.map(() => null);
  tested.sort((a, b) => b.value - a.value);
  let running = 1;
  tested.forEach(({ value, index }, k) => {
    running = Math.min(running, (value * m) / (m - k));
    q[index] = running;
  });
  return q;
}
