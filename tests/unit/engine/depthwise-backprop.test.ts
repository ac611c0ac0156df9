// DepthwiseConv2dNativeBackpropFilter/Input on wasm against the cpu backend through tf.grads (depthwise and
// separable convolutions), and against a direct loop for dilations: the cpu backend's own backprop kernels
// ignore the dilations attribute in tfjs 4.22 (tf.grads never passes one, it rejects dilated gradients).
import { test } from 'node:test';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { assertClose, seededValues, sizeOf, valuesOn, wasmEngine } from './engine-fixture.js';

type Shape4 = [number, number, number, number];

test('depthwise conv2d gradients on wasm equal the cpu backend', async () => {
  const { tf } = await wasmEngine();
  for (const pad of ['valid', 'same'] as const) {
    for (const strides of [1, 2] as const) {
      for (const [inShape, filterShape] of [
        [[3, 7, 9, 2], [3, 3, 2, 1]],
        [[2, 8, 6, 3], [2, 3, 3, 2]],
        [[2, 5, 5, 4], [1, 1, 4, 3]],
      ] as Array<[Shape4, Shape4]>) {
        const x = seededValues(sizeOf(inShape), 11);
        const w = seededValues(sizeOf(filterShape), 12);
        const gradients = () =>
          tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(a as Tensor4D, b as Tensor4D, strides, pad))))([
            tf.tensor4d(x, inShape),
            tf.tensor4d(w, filterShape),
          ]);
        const [dxCpu, dwCpu] = await valuesOn(tf, 'cpu', gradients);
        const [dxWasm, dwWasm] = await valuesOn(tf, 'wasm', gradients);
        const label = `in ${inShape} filter ${filterShape} strides ${strides} ${pad}`;
        assertClose(dxWasm!, dxCpu!, `dx, ${label}`);
        assertClose(dwWasm!, dwCpu!, `dw, ${label}`);
      }
    }
  }
});

test('separable conv2d gradients on wasm equal the cpu backend', async () => {
  const { tf } = await wasmEngine();
  const inShape: Shape4 = [2, 7, 6, 3];
  const depthShape: Shape4 = [3, 3, 3, 2];
  const pointShape: Shape4 = [1, 1, 6, 4];
  const values = [seededValues(sizeOf(inShape), 13), seededValues(sizeOf(depthShape), 14), seededValues(sizeOf(pointShape), 15)];
  for (const [strides, pad] of [[1, 'same'], [2, 'valid']] as const) {
    const gradients = () =>
      tf.grads((x: Tensor, d: Tensor, p: Tensor) =>
        tf.sum(tf.square(tf.separableConv2d(x as Tensor4D, d as Tensor4D, p as Tensor4D, strides, pad))),
      )([tf.tensor4d(values[0]!, inShape), tf.tensor4d(values[1]!, depthShape), tf.tensor4d(values[2]!, pointShape)]);
    const cpu = await valuesOn(tf, 'cpu', gradients);
    const wasm = await valuesOn(tf, 'wasm', gradients);
    for (let i = 0; i < 3; i++) assertClose(wasm[i]!, cpu[i]!, `gradient ${i}, strides ${strides} ${pad}`);
  }
});

/** dx and dW of a depthwise convolution by definition, in float64. */
function depthwiseBackpropByLoops(
  inShape: Shape4,
  filterShape: Shape4,
  outShape: Shape4,
  x: Float32Array,
  w: Float32Array,
  dy: Float32Array,
  geometry: { stride: number; dilation: number; padTop: number; padLeft: number },
): [Float64Array, Float64Array] {
  const [n, h, wd, c] = inShape;
  const [kh, kw, , m] = filterShape;
  const [, oh, ow] = outShape;
  const { stride, dilation, padTop, padLeft } = geometry;
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  for (let b = 0; b < n; b++)
    for (let r = 0; r < oh; r++)
      for (let s = 0; s < ow; s++)
        for (let ch = 0; ch < c; ch++)
          for (let q = 0; q < m; q++) {
            const g = dy[((b * oh + r) * ow + s) * c * m + ch * m + q]!;
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const row = r * stride + i * dilation - padTop;
                const col = s * stride + j * dilation - padLeft;
                if (row < 0 || row >= h || col < 0 || col >= wd) continue;
                const xi = ((b * h + row) * wd + col) * c + ch;
                const wi = ((i * kw + j) * c + ch) * m + q;
                dx[xi]! += g * w[wi]!;
                dw[wi]! += g * x[xi]!;
              }
          }
  return [dx, dw];
}

test('depthwise backprop kernels on wasm honour dilations and strides together', async () => {
  const { tf } = await wasmEngine();
  const inShape: Shape4 = [2, 11, 10, 3];
  for (const pad of ['valid', 'same'] as const) {
    for (const [stride, dilation, multiplier] of [[1, 2, 1], [1, 3, 2], [2, 2, 2]] as const) {
      const filterShape: Shape4 = [3, 2, 3, multiplier];
      const info = tf.backend_util.computeConv2DInfo(inShape, filterShape, stride, dilation, pad, undefined, true);
      const outShape = info.outShape as Shape4;
      const x = seededValues(sizeOf(inShape), 16);
      const w = seededValues(sizeOf(filterShape), 17);
      const dy = seededValues(sizeOf(outShape), 18);
      const [dxWasm, dwWasm] = await valuesOn(tf, 'wasm', () => {
        const attrs = { strides: stride, dilations: dilation, pad };
        return [
          tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: tf.tensor(dy, outShape), filter: tf.tensor(w, filterShape) }, {
            ...attrs,
            inputShape: inShape,
          } as never) as Tensor,
          tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tf.tensor(x, inShape), dy: tf.tensor(dy, outShape) }, {
            ...attrs,
            filterShape,
          } as never) as Tensor,
        ];
      });
      const [dxRef, dwRef] = depthwiseBackpropByLoops(inShape, filterShape, outShape, x, w, dy, {
        stride,
        dilation,
        padTop: info.padInfo.top,
        padLeft: info.padInfo.left,
      });
      const label = `stride ${stride} dilation ${dilation} multiplier ${multiplier} ${pad}`;
      assertClose(dxWasm!, dxRef, `dx, ${label}`);
      assertClose(dwWasm!, dwRef, `dw, ${label}`);
    }
  }
});
