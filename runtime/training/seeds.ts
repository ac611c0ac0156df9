/**
 * Seed derivation for training. One spec-level seed has to drive weight initialisation, shuffling and
 * dropout masks independently (changing the shuffle must not change the initial weights), so every
 * consumer draws from its own stream of the shared generator, named by its parts.
 */
import { createRng } from '../random/rng.js';

const label = (parts: (number | string)[]): string => parts.map((p) => (typeof p === 'number' ? `#${p}` : p)).join('\u0000');

/** A 32-bit seed for `parts` under `base`: stable across runs, platforms and Node versions. */
export function deriveSeed(base: number, ...parts: (number | string)[]): number {
  return createRng(Math.trunc(base), label(parts)).uint32();
}

/** Uniform floats in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  const rng = createRng(seed >>> 0);
  return () => rng.next();
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
