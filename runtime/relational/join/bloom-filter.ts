/**
 * A split-block Bloom filter (the layout Parquet uses): each key sets one bit in each of the eight 32-bit
 * words of one 256-bit block, so a lookup touches one cache line where a classic filter touches k of them.
 * It answers "certainly absent" or "maybe present"; false positives only, never false negatives.
 *
 * Keys arrive as 32-bit hashes (hash.ts): the block comes from the hash's high bits, the bits inside the
 * block from a remix of it. Filters built on different workers over the same size merge with OR.
 */
import { fmix32 } from './hash.js';

const SALTS = new Uint32Array([0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31]);
const WORDS_PER_BLOCK = 8;

export class BloomFilter {
  readonly words: Uint32Array;
  readonly blocks: number;

  private constructor(words: Uint32Array) {
    if (words.length === 0 || words.length % WORDS_PER_BLOCK !== 0) throw new RangeError('a Bloom filter holds whole 256-bit blocks');
    this.words = words;
    this.blocks = words.length / WORDS_PER_BLOCK;
  }

  /** A filter for about `keys` distinct keys at a false-positive rate near `fpr` (see bitsPerKey). */
  static forCapacity(keys: number, fpr = 0.01, alloc: (bytes: number) => ArrayBufferLike = (b) => new ArrayBuffer(b)): BloomFilter {
    const bits = Math.max(256, Math.ceil(Math.max(1, keys) * bitsPerKey(fpr)));
    const blocks = Math.ceil(bits / 256);
    return new BloomFilter(new Uint32Array(alloc(blocks * WORDS_PER_BLOCK * 4)));
  }

  /** A filter over existing words (one built elsewhere and sent here). */
  static fromWords(words: Uint32Array): BloomFilter {
    return new BloomFilter(words);
  }

  get bytes(): number {
    return this.words.byteLength;
  }

  addHash(h: number): void {
    const base = Math.floor((h * this.blocks) / 4294967296) * WORDS_PER_BLOCK;
    const k = fmix32(h ^ 0x5bd1e995);
    const w = this.words;
    for (let i = 0; i < WORDS_PER_BLOCK; i++) w[base + i]! |= 1 << (Math.imul(k, SALTS[i]!) >>> 27);
  }

  mightContainHash(h: number): boolean {
    const base = Math.floor((h * this.blocks) / 4294967296) * WORDS_PER_BLOCK;
    const k = fmix32(h ^ 0x5bd1e995);
    const w = this.words;
    for (let i = 0; i < WORDS_PER_BLOCK; i++) {
      if ((w[base + i]! & (1 << (Math.imul(k, SALTS[i]!) >>> 27))) === 0) return false;
    }
    return true;
  }

  /** Adds every key of `other` (a filter of the same size). */
  merge(other: BloomFilter): void {
    if (other.words.length !== this.words.length) throw new RangeError('only Bloom filters of the same size merge');
    for (let i = 0; i < this.words.length; i++) this.words[i]! |= other.words[i]!;
  }
}

/**
 * Bits per key for a target false-positive rate: the classic filter's -ln(p)/ln(2)^2, plus a quarter for
 * the blocked layout's uneven block loads (tests/unit/relational/bloom-filter.test.ts measures the rate).
 */
export function bitsPerKey(fpr: number): number {
  if (!(fpr > 0 && fpr < 1)) throw new RangeError('a false-positive rate is between 0 and 1');
  return (1.25 * -Math.log(fpr)) / (Math.LN2 * Math.LN2);
}
