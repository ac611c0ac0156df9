// BatchMatMul on wasm (the stock kernel behind a wrapper that lays operands out for its fast paths) against
// the cpu backend: every transpose combination, single and batched, and the gradients of a dense product.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tensor } from '@tensorflow/tfjs-core';
import { assertClose, seededValues, sizeOf, valuesOn, wasmEngine } from './engine-fixture.js';

test('matMul on wasm equals the cpu backend for every transpose combination, single and batched', async () => {
  const { tf } = await wasmEngine();
  // The second shape makes rewriting op(a)·op(b) as (op(b)ᵀ·op(a)ᵀ)ᵀ the cheaper form for several combinations.
  for (const [m, k, n] of [[7, 13, 5], [3, 40, 50]] as const) for (const batch of [[], [1], [3]]) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const aShape = [...batch, ...(transposeA ? [k, m] : [m, k])];
        const bShape = [...batch, ...(transposeB ? [n, k] : [k, n])];
        const a = seededValues(sizeOf(aShape), 61);
        const b = seededValues(sizeOf(bShape), 62);
        const product = () => [tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), transposeA, transposeB)];
        const [cpu] = await valuesOn(tf, 'cpu', product);
        const [wasm] = await valuesOn(tf, 'wasm', product);
        assertClose(wasm!, cpu!, `batch [${batch}] transposeA ${transposeA} transposeB ${transposeB}`);
      }
    }
  }
});

test('dense-product gradients (transposed operands) on wasm equal the cpu backend', async () => {
  const { tf } = await wasmEngine();
  assert.ok('wraps' in tf.getKernel('BatchMatMul', 'wasm'), 'the wrapping BatchMatMul is registered');
  // A wide layer as in a CNN's first dense layer (dx = dy·Wᵀ takes the rewritten form), and a small one.
  for (const [batch, inputs, units] of [[4, 300, 8], [9, 31, 6]] as const) {
    const x = seededValues(batch * inputs, 63);
    const w = seededValues(inputs * units, 64);
    const gradients = () =>
      tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.square(tf.matMul(a, b))))([
        tf.tensor2d(x, [batch, inputs]),
        tf.tensor2d(w, [inputs, units]),
      ]);
    const [dxCpu, dwCpu] = await valuesOn(tf, 'cpu', gradients);
    const [dxWasm, dwWasm] = await valuesOn(tf, 'wasm', gradients);
    assertClose(dxWasm!, dxCpu!, `dx, ${batch}x${inputs} by ${inputs}x${units}`);
    assertClose(dwWasm!, dwCpu!, `dw, ${batch}x${inputs} by ${inputs}x${units}`);
  }
});
