/** Deterministic hashing and pseudo-random numbers: every "random" choice of the sim comes from here. */

/** 53-bit string hash (cyrb53); stable across platforms and runs. */
export function hashString(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Uniform number in [0, 1) derived from the given parts (same parts → same number). */
export function hashUnit(...parts: ReadonlyArray<string | number | boolean | undefined>): number {
  // A separator that cannot appear by accident keeps ("ab","c") and ("a","bc") apart.
  return hashString(parts.map((p) => String(p)).join("\u241f")) / 2 ** 53;
}

/** Index in [0, n) derived from the given parts. */
export function hashPick(n: number, ...parts: ReadonlyArray<string | number | boolean | undefined>): number {
  return Math.min(n - 1, Math.floor(hashUnit(...parts) * n));
}

/** A seeded PRNG (mulberry32) with a few helpers, used by the task generators. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
}

/** Creates a mulberry32 PRNG; the same seed always yields the same sequence. */
export function createRng(seed: number): Rng {
  let state = hashString(`rng:${seed}`) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  };
}
