import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readIdx } from '../../../runtime/data/idx.js';
import { inspectSource } from '../../../runtime/data/inspect/index.js';
import { assertOk } from './fixtures.js';

/** Debian's dataset-fashion-mnist package installs the full dataset here. */
const SYSTEM = '/usr/share/datasets/fashion-mnist';
/** The subset shipped for the quickstart; tests run from dist/tests/unit/data, four levels below the root. */
const SUBSET = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'specs', 'data', 'fashion-mnist-small');
const noSystemData = existsSync(SYSTEM) ? false : `${SYSTEM} is absent (apt-get install dataset-fashion-mnist to run this test)`;

const files = (dir: string, split: 'train' | 't10k') => ({
  images: join(dir, `${split}-images-idx3-ubyte.gz`),
  labels: join(dir, `${split}-labels-idx1-ubyte.gz`),
});

const FASHION_SCHEMA = [
  { name: 'image', type: { tensor: 'uint8', shape: [28, 28] } },
  { name: 'label', type: 'int32' },
];

test('Fashion-MNIST (system copy): inspect reads 60,000 and 10,000 examples from the headers', { skip: noSystemData }, () => {
  for (const [split, rows] of [['train', 60000], ['t10k', 10000]] as const) {
    const start = performance.now();
    const stats = assertOk(inspectSource({ format: 'idx', ...files(SYSTEM, split) }));
    assert.ok(performance.now() - start < 200, 'header inspection must not inflate the whole file');
    assert.deepEqual(stats.schema, FASHION_SCHEMA);
    assert.equal(stats.rows, rows);
  }
});

test('Fashion-MNIST (system copy): readIdx loads the test set', { skip: noSystemData }, async () => {
  const { images, labels } = files(SYSTEM, 't10k');
  const data = await readIdx(images, labels);
  assert.deepEqual(data.shape, [10000, 28, 28]);
  assert.equal(data.images.length, 10000 * 784);
  // The test set's first labels as published: Ankle boot, Pullover, Trouser, Trouser, Shirt.
  assert.deepEqual([...data.labels!.subarray(0, 5)], [9, 2, 1, 1, 6]);
  const counts = new Array(10).fill(0);
  for (const l of data.labels!) counts[l]++;
  assert.deepEqual(counts, new Array(10).fill(1000));
});

test('Fashion-MNIST subset shipped in specs/data: 6,000 + 1,000 examples, readable and valid', async () => {
  for (const [split, rows] of [['train', 6000], ['t10k', 1000]] as const) {
    const stats = assertOk(inspectSource({ format: 'idx', ...files(SUBSET, split) }));
    assert.deepEqual(stats.schema, FASHION_SCHEMA);
    assert.equal(stats.rows, rows);
    assert.ok(stats.bytes < 5_000_000);
    const { images, labels } = files(SUBSET, split);
    const data = await readIdx(images, labels);
    assert.deepEqual(data.shape, [rows, 28, 28]);
    assert.ok(data.labels!.every((l) => l >= 0 && l <= 9));
  }
});

test('Fashion-MNIST subset is the first examples of the full set', { skip: noSystemData }, async () => {
  const subset = await readIdx(files(SUBSET, 't10k').images, files(SUBSET, 't10k').labels);
  const full = await readIdx(files(SYSTEM, 't10k').images, files(SYSTEM, 't10k').labels);
  assert.deepEqual(subset.labels, full.labels!.subarray(0, 1000));
  assert.deepEqual(subset.images, full.images.subarray(0, 1000 * 784));
});
