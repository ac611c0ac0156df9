import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../../runtime/random/rng.js';

const draw = (seed: number, label: string, n: number): number[] => {
  const r = createRng(seed, label);
  return Array.from({ length: n }, () => r.uint32());
};

test('a (seed, label) stream is reproducible, and other seeds or labels give other streams', () => {
  assert.deepEqual(draw(42, 'x', 20), draw(42, 'x', 20));
  const streams = [draw(42, 'x', 8), draw(43, 'x', 8), draw(42, 'y', 8), draw(42, 'x ', 8), draw(-42, 'x', 8), draw(2 ** 32 + 42, 'x', 8), draw(42.5, 'x', 8)];
  assert.equal(new Set(streams.map((s) => s.join(','))).size, streams.length);
});

test('streams do not interfere: drawing from one leaves another unchanged', () => {
  const a = createRng(7, 'trial:0');
  const b = createRng(7, 'trial:1');
  for (let i = 0; i < 1000; i++) a.next();
  assert.deepEqual([b.uint32(), b.uint32()], draw(7, 'trial:1', 2));
});

test('next() is uniform in [0, 1)', () => {
  const r = createRng(1, 'uniform');
  const bins = new Array<number>(10).fill(0);
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const x = r.next();
    assert.ok(x >= 0 && x < 1);
    bins[Math.floor(x * 10)]!++;
  }
  // Each bin within 5 standard deviations of n/10.
  for (const b of bins) assert.ok(Math.abs(b - n / 10) < 5 * Math.sqrt(n * 0.09), `bin count ${b}`);
});

test('int(lo, hi) is inclusive and covers the range evenly, also across 2^32', () => {
  const r = createRng(2, 'int');
  const counts = new Map<number, number>();
  for (let i = 0; i < 70_000; i++) {
    const x = r.int(-3, 3);
    counts.set(x, (counts.get(x) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort((a, b) => a - b), [-3, -2, -1, 0, 1, 2, 3]);
  for (const c of counts.values()) assert.ok(Math.abs(c - 10_000) < 600, `count ${c}`);
  assert.equal(r.int(5, 5), 5);
  for (let i = 0; i < 100; i++) {
    const big = r.int(0, 2 ** 40);
    assert.ok(Number.isInteger(big) && big >= 0 && big <= 2 ** 40);
  }
  assert.throws(() => r.int(3, 2), /lo <= hi/);
  assert.throws(() => r.int(0.5, 2), /integers/);
});

test('shuffle permutes a copy; pick takes an element; normal has mean 0 and sd 1', () => {
  const r = createRng(3, 'misc');
  const items = [1, 2, 3, 4, 5, 6, 7, 8];
  const s = r.shuffle(items);
  assert.deepEqual(items, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual([...s].sort(), items);
  // Every element lands in every position about equally often.
  const firsts = new Map<number, number>();
  for (let i = 0; i < 8000; i++) {
    const f = r.shuffle(items)[0]!;
    firsts.set(f, (firsts.get(f) ?? 0) + 1);
  }
  for (const c of firsts.values()) assert.ok(Math.abs(c - 1000) < 150, `first-position count ${c}`);
  assert.throws(() => r.pick([]), /empty/);
  assert.ok(items.includes(r.pick(items)));
  let sum = 0;
  let sq = 0;
  const n = 50_000;
  for (let i = 0; i < n; i++) {
    const x = r.normal();
    assert.ok(Number.isFinite(x));
    sum += x;
    sq += x * x;
  }
  const mean = sum / n;
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(Math.sqrt(sq / n - mean * mean) - 1) < 0.03);
});
