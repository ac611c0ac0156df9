import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HyperLogLog, hashValue } from '../../../runtime/relational/join/hyperloglog.js';

const relErr = (est: number, n: number): number => Math.abs(est - n) / Math.max(1, n);

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
  a.merge(b);
  assert.deepEqual(a.registers, union.registers);
  const disjoint = HyperLogLog.intersection(Object.assign(new HyperLogLog(14)), new HyperLogLog(14));
  assert.equal(disjoint, 0);
});

test('precision sets the error: p = 10 is within 4 x 3.25%, p = 16 within 4 x 0.41%', () => {
  for (const p of [10, 16]) {
    const h = new HyperLogLog(p);
    for (let i = 0; i < 300_000; i++) h.addHash(hashValue(`k${i}`));
    const se = 1.04 / Math.sqrt(2 ** p);
    assert.ok(relErr(h.estimate(), 300_000) < 4 * se, `p=${p}: ${h.estimate()}`);
  }
  assert.throws(() => new HyperLogLog(3), /4 to 16/);
  assert.throws(() => new HyperLogLog(17), /4 to 16/);
  assert.throws(() => new HyperLogLog(12).merge(new HyperLogLog(13)), /same precision/);
  assert.throws(() => new HyperLogLog(12, new Uint8Array(5)), /4096 registers/);
});
