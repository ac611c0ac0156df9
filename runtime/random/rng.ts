/**
 * A small seedable PRNG (xoshiro128**) with independent streams derived from (seed, label).
 *
 * Every random decision of a run draws from a stream named for what it decides (`trial:3/param:lr`,
 * `hopper`), so adding a trial or a parameter never shifts the numbers another one sees: a stream's
 * output depends only on the run's seed and its own label, never on how many draws other streams made.
 */

export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  uint32(): number;
  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** A uniform integer in [lo, hi], both inclusive, without modulo bias. */
  int(lo: number, hi: number): number;
  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** A uniformly shuffled copy (Fisher–Yates); the input is left as it was. */
  shuffle<T>(items: readonly T[]): T[];
  /** A standard normal draw (Box–Muller; always consumes two uniforms, so draw counts stay predictable). */
  normal(): number;
}

const TWO_32 = 2 ** 32;

/** A stream for (seed, label). The same pair always yields the same sequence. */
export function createRng(seed: number, label = ''): Rng {
  const [a, b, c, d] = seedState(seed, label);
  return xoshiro128ss(a, b, c, d);
}

/**
 * 128 bits of state from the seed and the label: four differently-keyed FNV-1a passes over the label,
 * each folded with the seed's two 32-bit halves and whitened with a murmur3 finalizer, so that nearby
 * seeds and labels that differ in one character give unrelated streams.
 */
function seedState(seed: number, label: string): [number, number, number, number] {
  const [lo, hi] = seedWords(seed);
  const out: number[] = [];
  for (let k = 0; k < 4; k++) {
    let h = (0x811c9dc5 ^ Math.imul(k + 1, 0x9e3779b9)) >>> 0;
    h = Math.imul(h ^ lo, 0x01000193);
    h = Math.imul(h ^ hi, 0x01000193);
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ label.length, 0x01000193);
    out.push(fmix32(h ^ Math.imul(k, 0x85ebca6b)));
  }
  // xoshiro must not start from the all-zero state; the chance is 2^-128, but it costs one line.
  if (!out.some((w) => w !== 0)) out[0] = 1;
  return out as [number, number, number, number];
}

/** A seed as two 32-bit words: integers up to 2^53 (and negatives) exactly, anything else by its text. */
function seedWords(seed: number): [number, number] {
  if (Number.isSafeInteger(seed)) {
    const neg = seed < 0 ? 1 : 0;
    const abs = Math.abs(seed);
    return [abs >>> 0, ((Math.floor(abs / TWO_32) >>> 0) ^ (neg ? 0x80000000 : 0)) >>> 0];
  }
  const text = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return [fmix32(h), 0x7fffffff];
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

function xoshiro128ss(s0: number, s1: number, s2: number, s3: number): Rng {
  const uint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const next = (): number => ((uint32() >>> 5) * 67108864 + (uint32() >>> 6)) / 9007199254740992;
  const int = (lo: number, hi: number): number => {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi) {
      throw new RangeError(`int(${lo}, ${hi}): bounds must be integers with lo <= hi`);
    }
    const range = hi - lo + 1;
    if (range <= TWO_32) {
      // Rejection keeps every value equally likely when 2^32 is not a multiple of the range.
      const limit = TWO_32 - (TWO_32 % range);
      let x = uint32();
      while (x >= limit) x = uint32();
      return lo + (x % range);
    }
    return lo + Math.floor(next() * range);
  };
  return {
    uint32,
    next,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        const tmp = out[i] as T;
        out[i] = out[j] as T;
        out[j] = tmp;
      }
      return out;
    },
    normal(): number {
      // 1 - next() lies in (0, 1], so the logarithm is finite.
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}
