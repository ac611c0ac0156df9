/**
 * 32-bit key hashes (MurmurHash3's x86_32 mixing over the normalized key). They decide partitions
 * (`partitionOf`, from the high bits), hash-table buckets (the low bits) and Bloom-filter positions, so
 * they must be the same in every worker and in whatever wrote co-located partition files: change nothing
 * here without changing `HASH_VERSION`.
 *
 * For a one-word key the hash is a bijection of the word, so equal hashes mean equal keys and a hash
 * table of such keys never compares the keys themselves.
 */
import type { NormalizedKeys } from './keys.js';

export const HASH_VERSION = 1;
const SEED = 0x2f6b1c3d;
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixWord(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

export function hashWord(w: number): number {
  return fmix32(mixWord(SEED, w) ^ 4);
}

export function hashTwoWords(lo: number, hi: number): number {
  return fmix32(mixWord(mixWord(SEED, lo), hi) ^ 8);
}

export function hashBytes(data: Uint8Array, start: number, end: number): number {
  let h = SEED;
  const len = end - start;
  const whole = start + (len & ~3);
  let i = start;
  for (; i < whole; i += 4) h = mixWord(h, data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
  const tail = end - i;
  if (tail > 0) {
    let k = data[i]!;
    if (tail >= 2) k ^= data[i + 1]! << 8;
    if (tail === 3) k ^= data[i + 2]! << 16;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  return fmix32(h ^ len);
}

/** Hashes of every row's key into `out` (null keys hash too; callers skip them). */
export function hashKeys(keys: NormalizedKeys, out: Uint32Array = new Uint32Array(keys.count)): Uint32Array {
  const n = keys.count;
  if (keys.kind === 'bytes') {
    const { offsets, data } = keys;
    for (let i = 0; i < n; i++) out[i] = hashBytes(data, offsets[i]!, offsets[i + 1]!);
    return out;
  }
  const { words, width } = keys;
  if (width === 1) for (let i = 0; i < n; i++) out[i] = hashWord(words[i]!);
  else if (width === 2) for (let i = 0; i < n; i++) out[i] = hashTwoWords(words[2 * i]!, words[2 * i + 1]!);
  else {
    for (let i = 0; i < n; i++) {
      let h = SEED;
      for (let k = 0; k < width; k++) h = mixWord(h, words[i * width + k]!);
      out[i] = fmix32(h ^ (4 * width));
    }
  }
  return out;
}

/** The partition of a hash among `partitions`, from its high bits (buckets use the low ones). */
export function partitionOf(hash: number, partitions: number): number {
  return Math.floor((hash * partitions) / 4294967296);
}
