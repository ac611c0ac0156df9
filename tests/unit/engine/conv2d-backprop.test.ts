// Conv2DBackpropFilter and Conv2DBackpropInput on wasm (forward convolutions underneath) against the cpu
// backend: through tf.grads as training uses them, and called directly for padding the layers never ask for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { assertClose, seededValues, sizeOf, valuesOn, wasmEngine } from './engine-fixture.js';
import { conv2DBackpropInputConfig } from '../../../runtime/engine/wasm-kernels/conv2d-backprop-input.js';

type Pad = 'valid' | 'same' | [[0, 0], [number, number], [number, number], [0, 0]];

interface ConvCase {
  inShape: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

const cases: ConvCase[] = [];
for (const pad of ['valid', 'same'] as const) {
  for (const strides of [1, 2, [2, 1]] as Array<number | [number, number]>) {
    cases.push({ inShape: [3, 7, 9, 2], filter: [3, 3, 2, 4], strides, pad });
    cases.push({ inShape: [2, 8, 6, 3], filter: [2, 3, 3, 5], strides, pad });
    cases.push({ inShape: [2, 5, 5, 1], filter: [1, 1, 1, 3], strides, pad });
  }
}
cases.push({ inShape: [2, 9, 9, 2], filter: [5, 5, 2, 3], strides: 3, pad: 'same' });
cases.push({ inShape: [2, 9, 8, 2], filter: [3, 3, 2, 2], strides: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] });

function describe(c: ConvCase): string {
  return `in ${c.inShape} filter ${c.filter} strides ${c.strides} pad ${JSON.stringify(c.pad)}`;
}

test('conv2d gradients on wasm equal the cpu backend', async () => {
  const { tf } = await wasmEngine();
  for (const c of cases) {
    const xValues = seededValues(sizeOf(c.inShape), 1);
    const wValues = seededValues(sizeOf(c.filter), 2);
    const gradients = () => {
      const x = tf.tensor4d(xValues, c.inShape);
      const w = tf.tensor4d(wValues, c.filter);
      // Squaring makes dy depend on the output, so the incoming gradient is not all ones.
      const loss = (a: Tensor, b: Tensor) => tf.sum(tf.square(tf.conv2d(a as Tensor4D, b as Tensor4D, c.strides, c.pad)));
      return tf.grads(loss)([x, w]);
    };
    const [dxCpu, dwCpu] = await valuesOn(tf, 'cpu', gradients);
    const [dxWasm, dwWasm] = await valuesOn(tf, 'wasm', gradients);
    assertClose(dxWasm!, dxCpu!, `dx, ${describe(c)}`);
    assertClose(dwWasm!, dwCpu!, `dw, ${describe(c)}`);
  }
});

test('backprop kernels handle padding wider than the filter (rows that only see padding)', async () => {
  const { tf } = await wasmEngine();
  const inShape: [number, number, number, number] = [2, 6, 5, 2];
  const filterShape: [number, number, number, number] = [2, 2, 2, 3];
  const pad: Pad = [[0, 0], [3, 1], [2, 4], [0, 0]];
  const strides: [number, number] = [2, 2];
  const outShape = tf.backend_util.computeConv2DInfo(inShape, filterShape, strides, 1, pad).outShape;
  const x = seededValues(sizeOf(inShape), 3);
  const w = seededValues(sizeOf(filterShape), 4);
  const dy = seededValues(sizeOf(outShape), 5);
  const run = () => {
    const attrs = { strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
    const dxT = tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dy, outShape), filter: tf.tensor(w, filterShape) }, {
      ...attrs,
      inputShape: inShape,
    } as never) as Tensor;
    const dwT = tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(x, inShape), dy: tf.tensor(dy, outShape) }, {
      ...attrs,
      filterShape,
    } as never) as Tensor;
    return [dxT, dwT];
  };
  const [dxCpu, dwCpu] = await valuesOn(tf, 'cpu', run);
  const [dxWasm, dwWasm] = await valuesOn(tf, 'wasm', run);
  assertClose(dxWasm!, dxCpu!, 'dx');
  assertClose(dwWasm!, dwCpu!, 'dw');
});

test('conv2dTranspose (whose forward pass is Conv2DBackpropInput) equals the cpu backend', async () => {
  const { tf } = await wasmEngine();
  const xShape: [number, number, number, number] = [2, 4, 5, 3];
  const filterShape: [number, number, number, number] = [3, 3, 2, 3];
  const x = seededValues(sizeOf(xShape), 6);
  const w = seededValues(sizeOf(filterShape), 7);
  for (const [strides, pad, outShape] of [
    [2, 'same', [2, 8, 10, 2]],
    [2, 'valid', [2, 9, 11, 2]],
    [1, 'valid', [2, 6, 7, 2]],
  ] as const) {
    const run = () => [
      tf.conv2dTranspose(tf.tensor4d(x, xShape), tf.tensor4d(w, filterShape), [...outShape], strides, pad),
    ];
    const [cpu] = await valuesOn(tf, 'cpu', run);
    const [wasm] = await valuesOn(tf, 'wasm', run);
    assertClose(wasm!, cpu!, `conv2dTranspose strides ${strides} ${pad}`);
  }
});

test("the wasm backend's own Conv2DBackpropInput is replaced by the forward-convolution one", async () => {
  const { tf } = await wasmEngine();
  assert.equal(tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc, conv2DBackpropInputConfig.kernelFunc);
});
