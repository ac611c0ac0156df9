// UnsortedSegmentSum on wasm: as the gradient of gather (what Embedding layers need) against the cpu backend,
// and its edge cases against values worked out by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tensor } from '@tensorflow/tfjs-core';
import { assertClose, seededValues, valuesOn, wasmEngine } from './engine-fixture.js';

test('gather gradients on wasm equal the cpu backend (repeated indices, both axes)', async () => {
  const { tf } = await wasmEngine();
  const params = seededValues(30 * 5, 21);
  const indices = [3, 7, 3, 29, 0, 7, 7, 12];
  for (const axis of [0, 1]) {
    const gradients = () => {
      const p = tf.tensor2d(params, axis === 0 ? [30, 5] : [5, 30]);
      const idx = tf.tensor1d(indices, 'int32');
      return [tf.grad((q: Tensor) => tf.sum(tf.square(tf.gather(q, idx, axis))))(p)];
    };
    const [cpu] = await valuesOn(tf, 'cpu', gradients);
    const [wasm] = await valuesOn(tf, 'wasm', gradients);
    assertClose(wasm!, cpu!, `axis ${axis}`);
  }
});

test('unsortedSegmentSum drops out-of-range ids, keeps int32 and accepts multi-dimensional ids', async () => {
  const { tf } = await wasmEngine();
  const floats = tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]), tf.tensor1d([2, -1, 2, 5], 'int32'), 3);
  assert.deepEqual(floats.shape, [3, 2]);
  assert.deepEqual(Array.from(floats.dataSync()), [0, 0, 0, 0, 6, 8]);

  const ints = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], 'int32'), tf.tensor1d([1, 0, 1, 1], 'int32'), 2);
  assert.equal(ints.dtype, 'int32');
  assert.deepEqual(Array.from(ints.dataSync()), [2, 8]);

  // ids of shape [2, 2] cover the first two axes of x [2, 2, 3] (TensorFlow's semantics).
  const x = tf.tensor3d([[[1, 1, 1], [2, 2, 2]], [[3, 3, 3], [4, 4, 4]]]);
  const multi = tf.engine().runKernel('UnsortedSegmentSum', { x, segmentIds: tf.tensor2d([[0, 1], [1, 0]], [2, 2], 'int32') }, {
    numSegments: 2,
  }) as Tensor;
  assert.deepEqual(multi.shape, [2, 3]);
  assert.deepEqual(Array.from(multi.dataSync()), [5, 5, 5, 5, 5, 5]);
  tf.dispose([floats, ints, x, multi]);
});
