// Conv2DBackpropInput for wasm as one forward Conv2D on XNNPACK; it replaces the wasm backend's own kernel,
// a direct loop that is several times slower than the forward convolution. With dy [N,Ho,Wo,Co] and the
// filter W [kh,kw,Ci,Co]:
//   dx[n,h,w,ci] = sum over (oh*s + kh - padTop == h), kw likewise, co of dy[n,oh,ow,co] * W[kh,kw,ci,co]
// Spreading dy out by the stride (zeros between) turns that into a stride-1 convolution with W flipped in
// both spatial axes and its channel axes swapped to [kh,kw,Co,Ci], padded by kh-1-padTop above.
import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { axisWindow, cropSpatial, explicitPadding, zeroStuff } from './conv-windows.js';
import { composeWasmKernels, WASM, type WasmBackendLike } from './kernel-calls.js';

const conv2DBackpropInputAsConv: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') throw new Error(`wasm Conv2DBackpropInput supports NHWC only, got ${dataFormat}`);

  const stuffedH = info.outHeight * info.strideHeight;
  const stuffedW = info.outWidth * info.strideWidth;
  // Output row h reads stuffed rows h + padTop - (kh-1) .. h + padTop: pad kh-1-padTop above and whatever
  // makes the output exactly inHeight tall below; a negative amount only drops rows that fed padding.
  const rows = axisWindow(stuffedH, info.filterHeight - 1 - info.padInfo.top, info.inHeight + info.padInfo.top - stuffedH);
  const cols = axisWindow(stuffedW, info.filterWidth - 1 - info.padInfo.left, info.inWidth + info.padInfo.left - stuffedW);

  return composeWasmKernels(backend as WasmBackendLike, (run) => {
    const stuffed = cropSpatial(run, zeroStuff(run, dy, info.strideHeight, info.strideWidth), rows, cols);
    const flipped = run('Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
    return run('Conv2D', { x: stuffed, filter: swapped }, {
      strides: [1, 1],
      pad: explicitPadding(rows, cols),
      dataFormat: 'NHWC',
      dilations: [1, 1],
    });
  });
};

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: WASM,
  kernelFunc: conv2DBackpropInputAsConv,
};
