/**
 * Seed derivation and a small seeded generator. One spec-level seed has to drive weight initialisation,
 * shuffling and dropout masks independently (changing the shuffle must not change the initial weights), so
 * every consumer derives its own 32-bit seed from the base seed and a label.
 */

/** A 32-bit seed for `parts` under `base`: stable across runs, platforms and Node versions. */
export function deriveSeed(base: number, ...parts: (number | string)[]): number {
  let h = mix32((Math.trunc(base) >>> 0) ^ 0x9e3779b9);
  for (const part of parts) {
    if (typeof part === 'number') {
      h = mix32(h ^ mix32((Math.trunc(part) >>> 0) + 0x85ebca6b));
      // Seeds above 2^32 (a timestamp, say) keep their high bits.
      h = mix32(h ^ (Math.floor(part / 2 ** 32) >>> 0));
    } else {
      for (let i = 0; i < part.length; i++) h = mix32(h ^ part.charCodeAt(i));
      h = mix32(h ^ part.length);
    }
  }
  return h >>> 0;
}

/** The murmur3 32-bit finaliser: every input bit affects every output bit. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: uniform floats in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Fisher-Yates permutation of 0..n-1 under `seed`. */
export function seededPermutation(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const random = seededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
