import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extrapolateDistinct, SampleSketch } from '../../../runtime/data/sketches/distinct.js';
import { HyperLogLog, keyText, murmur3 } from '../../../runtime/data/sketches/hyperloglog.js';

const within = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * expected, `${what}: ${actual} is not within ${tolerance * 100}% of ${expected}`);

test('murmur3 matches the reference x86_32 on ASCII text', () => {
  // Reference values of MurmurHash3_x86_32 over the same 16-bit code units packed little-endian.
  assert.equal(murmur3('', 0), 0);
  assert.equal(murmur3('', 1), 0x514e28b7);
  assert.notEqual(murmur3('a', 0), murmur3('b', 0));
  assert.notEqual(murmur3('ab', 0), murmur3('ba', 0));
  assert.equal(murmur3('hello', 42), murmur3('hello', 42));
});

test('HyperLogLog: exact while small (linear counting), within a few percent at scale', () => {
  for (const n of [0, 1, 10, 100, 1000, 10_000, 100_000, 1_000_000]) {
    const h = new HyperLogLog();
    for (let i = 0; i < n; i++) h.add(String(i));
    // Two of a few values can share a register (about 1% of the time for ten): off by one at most.
    if (n <= 100) assert.ok(Math.abs(h.estimate() - n) <= Math.max(1, 0.02 * n), `n=${n}: ${h.estimate()}`);
    else within(h.estimate(), n, 0.05, `n=${n}`);
  }
});

test('HyperLogLog: duplicates do not count, merging gives the union, clones are independent', () => {
  const a = new HyperLogLog();
  const b = new HyperLogLog();
  for (let i = 0; i < 50_000; i++) {
    a.add(String(i));
    a.add(String(i));
    b.add(String(i + 25_000));
  }
  within(a.estimate(), 50_000, 0.05, 'duplicates');
  const union = a.clone();
  union.merge(b);
  within(union.estimate(), 75_000, 0.05, 'union');
  within(a.estimate(), 50_000, 0.05, 'the clone did not change the original');
  assert.throws(() => a.merge(new HyperLogLog(10)), /precision/);
  assert.throws(() => new HyperLogLog(3), RangeError);
});

test('keyText: one value, several values without collisions, null keys skipped', () => {
  assert.equal(keyText([7]), '7');
  assert.equal(keyText([7n]), '7', 'a Parquet int64 and a CSV field hash alike');
  assert.equal(keyText(['a', 'b']), 'a\u0001b');
  assert.notEqual(keyText(['a\u0001', 'b']), keyText(['a', '\u0001b']));
  assert.equal(keyText([null]), undefined);
  assert.equal(keyText(['x', undefined]), undefined);
});

test('extrapolating distinct keys from a sample: a unique key scales with rows, a saturated one does not', () => {
  // Doubled over the last doubling: as many keys as rows.
  assert.equal(extrapolateDistinct({ d: 65_536, dHalf: 32_768 }, 65_536, 65_536, 60_000_000), 60_000_000);
  // Did not grow: the sample saw them all.
  assert.equal(extrapolateDistinct({ d: 200, dHalf: 200 }, 200, 65_536, 60_000_000), 200);
  // In between: a power law, bounded by the rows.
  const mid = extrapolateDistinct({ d: 40_000, dHalf: 28_284 }, 40_000, 65_536, 6_553_600);
  within(mid, 40_000 * 10, 0.01, 'α = 1/2 over 100× the rows');
  assert.equal(extrapolateDistinct(undefined, 10, 16, 1000), 10);
});

test('SampleSketch over a sample of a table with known key counts', () => {
  const unique = new SampleSketch();
  for (let i = 0; i < 65_536; i++) unique.addRow([i]);
  within(unique.estimateFor(10_000_000), 10_000_000, 0.15, 'unique key');
  const few = new SampleSketch();
  for (let i = 0; i < 65_536; i++) few.addRow([i % 37, 'x']);
  assert.equal(few.estimateFor(10_000_000), 37);
  assert.equal(few.sampledRows, 65_536);
  const nulls = new SampleSketch();
  for (let i = 0; i < 100; i++) nulls.addRow([i % 2 ? null : i]);
  within(nulls.sampledDistinct(), 50, 0.02, 'rows with a null key are not sketched');
});
