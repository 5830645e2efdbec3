// Seeded pseudo-random numbers: xoshiro128** seeded through splitmix32, plus normal sampling.
// Every random choice in the optimizer goes through here so runs are reproducible from a seed.

/** A seeded random source. */
export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform in [0, 1) with 53 bits of resolution. */
  next(): number;
  /** Uniform in [low, high). */
  uniform(low: number, high: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Normal deviate (Box–Muller). */
  normal(mean?: number, sd?: number): number;
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
}

/** Finalizer of murmur3/splitmix: a good 32-bit avalanche mix. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Maps any number (negative, > 2^32, fractional) to a well-mixed 32-bit seed. */
function seedToUint32(seed: number): number {
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  if (Number.isSafeInteger(seed)) {
    const lo = Number(BigInt.asUintN(32, BigInt(seed)));
    const hi = Number(BigInt.asUintN(32, BigInt(seed) >> 32n));
    return mix32(lo ^ mix32(hi + 0x9e3779b9));
  }
  // Fractional seeds: hash their decimal text (FNV-1a) so 0.5 and 0.25 differ.
  let h = 0x811c9dc5;
  for (const ch of String(seed)) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return mix32(h);
}

/**
 * Derives an independent 32-bit seed from a base seed and integer salts (a stream id, a proposal
 * index, a generation number…). Used so that each proposal has its own stream and can be replayed.
 */
export function deriveSeed(seed: number, ...salts: number[]): number {
  let h = seedToUint32(seed);
  for (const s of salts) h = mix32(h ^ mix32((seedToUint32(s) + 0x9e3779b9) >>> 0));
  return h;
}

/** Creates a xoshiro128** generator for a seed (any finite number). */
export function createRng(seed: number): Rng {
  // splitmix32 expands the seed into the 128-bit state (never all zero).
  let sm = seedToUint32(seed);
  const splitmix = (): number => {
    sm = (sm + 0x9e3779b9) >>> 0;
    return mix32(sm);
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix() | 1;
  let spare: number | undefined;

  const uint32 = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return r;
  };
  const rng: Rng = {
    uint32,
    next: () => ((uint32() >>> 5) * 67108864 + (uint32() >>> 6)) / 9007199254740992,
    uniform: (low, high) => low + (high - low) * rng.next(),
    int(n) {
      if (!(n >= 1) || !Number.isSafeInteger(n)) throw new Error(`rng.int needs a positive integer, got ${n}`);
      return Math.floor(rng.next() * n);
    },
    normal(mean = 0, sd = 1) {
      if (spare !== undefined) {
        const z = spare;
        spare = undefined;
        return mean + sd * z;
      }
      // 1 - next() is in (0, 1], so the log is finite.
      const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
      const theta = 2 * Math.PI * rng.next();
      spare = r * Math.sin(theta);
      return mean + sd * r * Math.cos(theta);
    },
    pick(items) {
      if (items.length === 0) throw new Error("rng.pick on an empty array");
      return items[rng.int(items.length)];
    },
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
