/**
 * Small seeded pseudo-random helpers for the demo generator.
 *
 * Everything the generator draws comes from here, so the same seed gives the
 * same bytes. Never use `Math.random` or the clock in demo code.
 */

/** A seeded random source with the draws the generator needs. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** Standard normal draw (mean 0, sd 1). */
  normal(): number;
  /** Log-normal draw with the given median and log-space sd. */
  lognormal(median: number, sigma: number): number;
}

/**
 * Mixes two 32-bit integers into one well-spread 32-bit hash.
 *
 * @example
 * hash32(42, 7) === hash32(42, 7) // true, and differs from hash32(42, 8)
 */
export function hash32(a: number, b: number): number {
  let h = (Math.imul(a | 0, 0x9e3779b1) ^ Math.imul(b | 0, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Creates an sfc32 generator seeded through splitmix32, so that nearby seeds
 * give unrelated streams.
 *
 * @example
 * const rng = createRng(42);
 * rng.int(1, 6); // a die roll, the same one for every run with seed 42
 */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const normal = (): number => {
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    normal,
    lognormal: (median, sigma) => median * Math.exp(sigma * normal()),
  };
}

/**
 * Draws an index from raw weights (no preparation; for short, changing lists).
 *
 * @example
 * pickIndex(rng, [0.5, 0.25, 0.25]); // 0 half of the time
 */
export function pickIndex(rng: Rng, weights: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += weights[i] ?? 0;
  let x = rng.next() * sum;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i] ?? 0;
    if (x < 0) return i;
  }
  return weights.length - 1;
}
