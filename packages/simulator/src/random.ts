// Seeded randomness: every recording is a pure function of its seed.
// Plans draw from sequential generators (one per purpose, derived from the seed and a label, so that changing one
// part of a plan never shifts the draws of another); per-sample noise is counter based, so any stretch of samples
// can be rendered on its own and equals the same stretch of a longer rendering.

// Module-level copies of Math functions: under a vm context (Jest) every lookup of the global `Math` is a slow
// interceptor call, which made hot loops tens of times slower.
const { PI, cos, exp, floor, imul, log, max, min, round, sin, sqrt } = Math;

/** mulberry32: small, fast, and good enough for simulation noise. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates by Box-Muller. */
export function createGaussian(rng: () => number): () => number {
  return () => {
    const u = 1 - rng();
    const v = rng();
    return sqrt(-2 * log(u)) * cos(2 * PI * v);
  };
}

/** murmur3's 32-bit finalizer: a bijective avalanche mix. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seed for one purpose, derived from a parent seed and labels (strings or integers). */
export function deriveSeed(seed: number, ...labels: Array<string | number>): number {
  let h = mix32((seed >>> 0) ^ 0x9e3779b9);
  for (const label of labels) {
    if (typeof label === 'number') {
      h = mix32(h ^ mix32(label >>> 0) ^ mix32(floor(label / 4294967296) + 0x632be5ab));
    } else {
      for (let i = 0; i < label.length; i++) h = mix32(h ^ imul(label.charCodeAt(i) + 1, 0x27d4eb2d));
    }
  }
  return h;
}

/** Sequential draws for planning: distributions named for what they model. */
export class Random {
  private readonly rng: () => number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.rng = createRng(seed);
  }

  /** Uniform on [0, 1). */
  next(): number {
    return this.rng();
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.rng();
  }

  /** Integer uniform on [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + floor(this.rng() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.rng() < p;
  }

  normal(mean = 0, sd = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + sd * z;
    }
    const u = 1 - this.rng();
    const v = this.rng();
    const r = sqrt(-2 * log(u));
    this.spare = r * sin(2 * PI * v);
    return mean + sd * r * cos(2 * PI * v);
  }

  /** Normal clipped to [lo, hi] (clipped, not truncated: rare tails land on the bounds). */
  normalIn(mean: number, sd: number, lo: number, hi: number): number {
    return min(hi, max(lo, this.normal(mean, sd)));
  }

  /** Log-normal with the given median and log-space standard deviation. */
  lognormal(median: number, sigma: number): number {
    return median * exp(sigma * this.normal());
  }

  /** Poisson count (Knuth's method for small means, normal approximation above 50). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 50) return max(0, round(this.normal(mean, sqrt(mean))));
    const limit = exp(-mean);
    let k = 0;
    let p = this.rng();
    while (p > limit) {
      k++;
      p *= this.rng();
    }
    return k;
  }

  pick<T>(items: readonly T[]): T {
    return items[floor(this.rng() * items.length)]!;
  }

  /** Index drawn with probability proportional to its weight. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += max(0, w);
    let r = this.rng() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= max(0, weights[i]!);
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}

const NORMAL_TABLE_BITS = 16;
const NORMAL_TABLE_MASK = (1 << NORMAL_TABLE_BITS) - 1;
let normalTable: Float64Array | null = null;

/** A fixed table of standard normal deviates, shared by every generator in the process. */
function normals(): Float64Array {
  if (!normalTable) {
    const gauss = createGaussian(createRng(0x5eed));
    normalTable = new Float64Array(1 << NORMAL_TABLE_BITS);
    for (let i = 0; i < normalTable.length; i++) normalTable[i] = gauss();
  }
  return normalTable;
}

/**
 * Counter-based standard normal noise: the value for (key, index) depends on nothing else, so rendering samples
 * 1000-1999 alone gives the same noise as rendering 0-1999 at once. Draws from a 65,536-entry table by a hash of
 * the key and index: white, Gaussian, and a few table reads per sample.
 */
export class CounterNoise {
  private readonly table = normals();

  constructor(private readonly key: number) {}

  /** Noise for sample `index` (a non-negative integer), channel `channel` (0-7). */
  at(index: number, channel: number): number {
    const lo = index >>> 0;
    const hi = floor(index / 4294967296);
    const h = mix32(this.key ^ mix32(lo) ^ imul(channel + 1, 0x68e31da4) ^ imul(hi, 0x9e3779b1));
    return this.table[h & NORMAL_TABLE_MASK]!;
  }
}
