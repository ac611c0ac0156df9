import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HyperLogLog, hashValue, murmur3 } from '../../../runtime/data/sketches/hyperloglog.js';

const relErr = (est: number, n: number): number => Math.abs(est - n) / Math.max(1, n);
const utf8 = (s: string) => new TextEncoder().encode(s);

test('murmur3 is MurmurHash3 x86_32: the reference vectors', () => {
  assert.equal(murmur3(utf8(''), 0), 0);
  assert.equal(murmur3(utf8(''), 1), 0x514e28b7);
  assert.equal(murmur3(utf8('hello'), 0), 0x248bfa47);
  assert.equal(murmur3(utf8('The quick brown fox jumps over the lazy dog'), 0), 0x2e4ff723);
  // Strings hash as their UTF-8 bytes, ASCII or not.
  for (const s of ['hello', 'héllo wörld', '日本語のキー', '😀 emoji', 'x'.repeat(300)]) assert.equal(hashValue(s), murmur3(utf8(s), 0), s);
  // Every tail length (1, 2, 3 bytes after the 4-byte blocks) changes the hash.
  const seen = new Set(['a', 'ab', 'abc', 'abcd', 'abcde'].map((s) => murmur3(utf8(s), 0)));
  assert.equal(seen.size, 5);
});

test('estimates distinct counts within a few standard errors, from tiny to millions', () => {
  for (const n of [0, 1, 10, 1_000, 50_000, 2_000_000]) {
    const h = new HyperLogLog(14);
    for (let i = 0; i < n; i++) h.add(i);
    // Standard error 1.04/sqrt(2^14) = 0.81%; allow 4 of them, and exactness below a few hundred.
    const est = h.estimate();
    if (n <= 200) assert.ok(Math.abs(est - n) <= Math.max(1, 0.02 * n), `n=${n}: ${est}`);
    else assert.ok(relErr(est, n) < 4 * 0.0081, `n=${n}: estimate ${est.toFixed(0)}, error ${(100 * relErr(est, n)).toFixed(2)}%`);
  }
});

test('the planner precision: exact while small (linear counting), within a few percent at scale, over text keys', () => {
  for (const n of [0, 1, 10, 100, 1000, 10_000, 100_000, 1_000_000]) {
    const h = new HyperLogLog();
    for (let i = 0; i < n; i++) h.add(String(i));
    // Two of a few values can share a register (about 1% of the time for ten): off by one at most.
    if (n <= 100) assert.ok(Math.abs(h.estimate() - n) <= Math.max(1, 0.02 * n), `n=${n}: ${h.estimate()}`);
    // Standard error 1.04/sqrt(2^12) = 1.6%; allow 4 of them.
    else assert.ok(relErr(h.estimate(), n) < 4 * (1.04 / 64), `n=${n}: ${h.estimate()}`);
  }
});

test('duplicates do not count twice, whatever the value type', () => {
  const h = new HyperLogLog(12);
  for (let r = 0; r < 5; r++) for (let i = 0; i < 3_000; i++) h.add(`user-${i}`);
  assert.ok(relErr(h.estimate(), 3_000) < 4 * (1.04 / 64));
  const mixed = new HyperLogLog(10);
  for (const v of [1, 1, 1n, 1n, 'a', 'a', true, true, 0, -0]) mixed.add(v);
  // 1 and 1n hash alike only by accident; 0 and -0 are the same number.
  assert.ok(mixed.estimate() >= 4 && mixed.estimate() <= 5.5, String(mixed.estimate()));
  assert.equal(hashValue(0), hashValue(-0));
});

test('sketches merge into the sketch of the union; intersections come from inclusion-exclusion', () => {
  const a = new HyperLogLog(14);
  const b = new HyperLogLog(14);
  const union = new HyperLogLog(14);
  for (let i = 0; i < 200_000; i++) {
    if (i < 150_000) a.add(i);
    if (i >= 50_000) b.add(i);
    union.add(i);
  }
  const inter = HyperLogLog.intersection(a, b);
  assert.ok(relErr(inter, 100_000) < 0.05, `intersection ${inter}`);
  const before = a.estimate();
  assert.equal(a.estimate(), before, 'intersection leaves its inputs alone');
  a.merge(b);
  assert.deepEqual(a.registers, union.registers);
  assert.equal(HyperLogLog.intersection(new HyperLogLog(14), new HyperLogLog(14)), 0);
});

test('registers given to the constructor are used in place (shared memory); clones are independent', () => {
  const shared = new Uint8Array(new SharedArrayBuffer(1 << 10));
  const h = new HyperLogLog(10, shared);
  h.add('x');
  assert.ok(shared.some((r) => r > 0), 'the caller sees the write');
  const copy = h.clone();
  for (let i = 0; i < 10_000; i++) copy.add(i);
  assert.ok(h.estimate() < 2, 'the original did not change');
  assert.ok(relErr(copy.estimate(), 10_001) < 0.15);
});

test('precision sets the error: p = 10 is within 4 x 3.25%, p = 16 within 4 x 0.41%', () => {
  for (const p of [10, 16]) {
    const h = new HyperLogLog(p);
    for (let i = 0; i < 300_000; i++) h.addHash(hashValue(`k${i}`));
    const se = 1.04 / Math.sqrt(2 ** p);
    assert.ok(relErr(h.estimate(), 300_000) < 4 * se, `p=${p}: ${h.estimate()}`);
  }
  assert.throws(() => new HyperLogLog(3), /4 to 18/);
  assert.throws(() => new HyperLogLog(19), /4 to 18/);
  assert.throws(() => new HyperLogLog(12).merge(new HyperLogLog(13)), /same precision/);
  assert.throws(() => new HyperLogLog(12, new Uint8Array(5)), /4096 registers/);
});
