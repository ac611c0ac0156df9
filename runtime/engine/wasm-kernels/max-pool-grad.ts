// MaxPoolGrad for wasm, replacing the backend's own. tfjs 4.22's wasm MaxPoolGrad starts each window's
// running maximum at std::numeric_limits<float>::min(), the smallest positive float, not the lowest: a window
// whose values are all <= 0 never records its maximum and its gradient is lost. Pooling after a ReLU hides
// this (such windows are all zeros, whose ReLU gradient is zero anyway); pooling pre-activations, or after
// batch norm, tanh or leaky ReLU, trains on wrong gradients. It also picks the last of tied maxima where
// TensorFlow and the cpu backend pick the first.
//
// This version follows TensorFlow: each window routes dy to its first maximum. One pass over the windows on
// the wasm heap, channels innermost so every read is sequential in NHWC memory.
import {
  backend_util,
  MaxPoolGrad,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { WASM, type WasmBackendLike } from './kernel-calls.js';

const maxPoolGradFirstMax: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const wasm = backend as WasmBackendLike;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;

  const out = wasm.makeOutput(input.shape, 'float32');
  // Views only after the allocation, which may grow (and so detach) the wasm memory.
  const dx = wasm.typedArrayFromHeap(out) as Float32Array;
  const x = wasm.typedArrayFromHeap(input) as Float32Array;
  const g = wasm.typedArrayFromHeap(dy) as Float32Array;
  dx.fill(0);

  const best = new Float32Array(channels);
  const bestAt = new Int32Array(channels);
  const rowStride = inWidth * channels;
  for (let n = 0; n < batchSize; n++) {
    const image = n * inHeight * rowStride;
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight - padTop;
      const rowFrom = Math.max(0, top);
      const rowTo = Math.min(inHeight, top + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const left = ow * strideWidth - padLeft;
        const colFrom = Math.max(0, left);
        const colTo = Math.min(inWidth, left + filterWidth);
        best.fill(-Infinity);
        bestAt.fill(-1);
        for (let r = rowFrom; r < rowTo; r++) {
          for (let col = colFrom; col < colTo; col++) {
            const at = image + r * rowStride + col * channels;
            for (let c = 0; c < channels; c++) {
              const v = x[at + c]!;
              // Strictly greater keeps the first maximum; NaN never wins, as in the cpu backend.
              if (v > best[c]!) {
                best[c] = v;
                bestAt[c] = at + c;
              }
            }
          }
        }
        const dyAt = ((n * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          const at = bestAt[c]!;
          if (at >= 0) dx[at]! += g[dyAt + c]!;
        }
      }
    }
  }
  return out;
};

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: WASM,
  kernelFunc: maxPoolGradFirstMax,
};
