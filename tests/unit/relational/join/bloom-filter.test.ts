import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BloomFilter, bitsPerKey } from '../../../../runtime/relational/join/bloom-filter.js';
import { hashTwoWords } from '../../../../runtime/relational/join/hash.js';

const keyHash = (i: number): number => hashTwoWords(i >>> 0, Math.floor(i / 2 ** 32));

/** The share of `probes` keys never added that the filter still says may be present. */
function falsePositiveRate(f: BloomFilter, added: number, probes: number): number {
  let hits = 0;
  for (let i = 0; i < probes; i++) if (f.mightContainHash(keyHash(added + 1 + i))) hits++;
  return hits / probes;
}

test('no false negatives: every added key is found', () => {
  const f = BloomFilter.forCapacity(50_000, 0.01);
  for (let i = 0; i < 50_000; i++) f.addHash(keyHash(i));
  for (let i = 0; i < 50_000; i++) assert.ok(f.mightContainHash(keyHash(i)), `key ${i}`);
});

test('the false-positive rate stays near the target it was sized for', () => {
  for (const target of [0.05, 0.01, 0.001]) {
    const n = 100_000;
    const f = BloomFilter.forCapacity(n, target);
    for (let i = 0; i < n; i++) f.addHash(keyHash(i));
    const probes = 400_000;
    const rate = falsePositiveRate(f, n, probes);
    // The sizing aims at the target; allow 1.5x for the blocked layout plus 4 binomial standard deviations.
    const limit = 1.5 * target + 4 * Math.sqrt((target * (1 - target)) / probes);
    assert.ok(rate <= limit, `target ${target}: measured ${rate.toFixed(5)} > ${limit.toFixed(5)}`);
    assert.ok(rate > 0 || target < 0.01, `target ${target}: no false positive at all in ${probes} probes is implausible`);
  }
});

test('more bits per key give fewer false positives; an overfull filter gives many', () => {
  const n = 50_000;
  const rates = [0.1, 0.01, 0.001].map((target) => {
    const f = BloomFilter.forCapacity(n, target);
    for (let i = 0; i < n; i++) f.addHash(keyHash(i));
    return falsePositiveRate(f, n, 100_000);
  });
  assert.ok(rates[0]! > rates[1]! && rates[1]! > rates[2]!, `rates ${rates.join(', ')}`);
  const small = BloomFilter.forCapacity(1_000, 0.01);
  for (let i = 0; i < 100_000; i++) small.addHash(keyHash(i));
  assert.ok(falsePositiveRate(small, 100_000, 10_000) > 0.5);
});

test('filters of the same size built on different workers merge into the filter of the union', () => {
  const a = BloomFilter.forCapacity(20_000, 0.01);
  const b = BloomFilter.fromWords(new Uint32Array(a.words.length));
  const whole = BloomFilter.fromWords(new Uint32Array(a.words.length));
  for (let i = 0; i < 20_000; i++) {
    (i % 2 === 0 ? a : b).addHash(keyHash(i));
    whole.addHash(keyHash(i));
  }
  a.merge(b);
  assert.deepEqual(a.words, whole.words);
  assert.throws(() => a.merge(BloomFilter.forCapacity(1, 0.5)), /same size/);
});

test('sizing: whole 256-bit blocks, about bitsPerKey bits a key, and bad arguments refused', () => {
  const f = BloomFilter.forCapacity(10_000, 0.01);
  assert.equal(f.words.length % 8, 0);
  assert.ok(Math.abs((f.bytes * 8) / 10_000 - bitsPerKey(0.01)) < 0.1);
  assert.equal(BloomFilter.forCapacity(0).blocks, 1);
  assert.throws(() => bitsPerKey(0), /between 0 and 1/);
  assert.throws(() => bitsPerKey(1), /between 0 and 1/);
  assert.throws(() => BloomFilter.fromWords(new Uint32Array(7)), /whole 256-bit blocks/);
});
