import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extrapolateDistinct, SampleSketch } from '../../../runtime/data/sketches/distinct.js';
import { keyText } from '../../../runtime/data/sketches/hyperloglog.js';

const within = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * expected, `${what}: ${actual} is not within ${tolerance * 100}% of ${expected}`);

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
  // 37 keys in 4,096 registers: two may share one (linear counting then says 36).
  assert.ok(Math.abs(few.estimateFor(10_000_000) - 37) <= 1, String(few.estimateFor(10_000_000)));
  assert.equal(few.sampledRows, 65_536);
  const nulls = new SampleSketch();
  for (let i = 0; i < 100; i++) nulls.addRow([i % 2 ? null : i]);
  within(nulls.sampledDistinct(), 50, 0.02, 'rows with a null key are not sketched');
});
