// Pooling gradients on wasm against the cpu backend. MaxPoolGrad is this engine's replacement (wasm's own
// loses the gradient of windows whose values are all <= 0 and breaks ties the other way); AvgPoolGrad is
// wasm's own, checked because the layers depend on it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { maxPoolGradConfig } from '../../../runtime/engine/wasm-kernels/max-pool-grad.js';
import { assertClose, seededValues, sizeOf, valuesOn, wasmEngine } from './engine-fixture.js';

type Shape4 = [number, number, number, number];

const poolCases: Array<{ shape: Shape4; size: number | [number, number]; strides: number | [number, number]; pad: 'valid' | 'same' }> = [
  { shape: [3, 8, 8, 2], size: 2, strides: 2, pad: 'valid' },
  { shape: [2, 7, 9, 3], size: 2, strides: 2, pad: 'valid' },
  { shape: [2, 7, 9, 3], size: 2, strides: 2, pad: 'same' },
  { shape: [2, 7, 7, 2], size: 3, strides: 2, pad: 'same' },
  { shape: [2, 6, 5, 2], size: 3, strides: 1, pad: 'same' },
  { shape: [2, 9, 6, 4], size: [3, 2], strides: [2, 1], pad: 'valid' },
];

test('max and average pooling gradients on wasm equal the cpu backend, negative inputs included', async () => {
  const { tf } = await wasmEngine();
  for (const c of poolCases) {
    // Values in [-0.5, 0.5): plenty of windows are entirely negative.
    const x = seededValues(sizeOf(c.shape), 51);
    const gradients = () => {
      const input = tf.tensor4d(x, c.shape);
      const weights = tf.tensor(seededValues(sizeOf(tf.maxPool(input, c.size, c.strides, c.pad).shape), 52));
      const weighted = (pooled: Tensor) => tf.sum(tf.mul(pooled, tf.reshape(weights, pooled.shape)));
      return [
        tf.grad((t: Tensor) => weighted(tf.maxPool(t as Tensor4D, c.size, c.strides, c.pad)))(input),
        tf.grad((t: Tensor) => weighted(tf.avgPool(t as Tensor4D, c.size, c.strides, c.pad)))(input),
      ];
    };
    const [maxCpu, avgCpu] = await valuesOn(tf, 'cpu', gradients);
    const [maxWasm, avgWasm] = await valuesOn(tf, 'wasm', gradients);
    const label = `${c.shape} pool ${c.size} strides ${c.strides} ${c.pad}`;
    assertClose(maxWasm!, maxCpu!, `max, ${label}`);
    assertClose(avgWasm!, avgCpu!, `avg, ${label}`);
  }
});

test('max pooling routes the gradient to the first of tied maxima and through all-negative windows', async () => {
  const { tf } = await wasmEngine();
  assert.equal(tf.getKernel('MaxPoolGrad', 'wasm').kernelFunc, maxPoolGradConfig.kernelFunc);
  // One 2x2 window per channel: channel 0 holds a tie at 0 (after a ReLU, the usual case), channel 1 is all
  // negative with its maximum last.
  const x = tf.tensor4d([0, -4, 0, -3, -1, -2, 0, -1], [1, 2, 2, 2]);
  const dx = tf.grad((t: Tensor) => tf.sum(tf.mul(tf.maxPool(t as Tensor4D, 2, 2, 'valid'), tf.tensor4d([3, 5], [1, 1, 1, 2]))))(x);
  assert.deepEqual(Array.from(dx.dataSync()), [3, 0, 0, 0, 0, 0, 0, 5]);
  tf.dispose([x, dx]);
});
