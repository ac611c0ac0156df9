// Conv2DBackpropFilter for wasm (tfjs 4.22's wasm backend has none), written as one forward Conv2D so it runs
// on XNNPACK. With x [N,H,W,Ci] and dy [N,Ho,Wo,Co]:
//   dW[kh,kw,ci,co] = sum over n,oh,ow of x[n, oh*s + kh - padTop, ow*s + kw - padLeft, ci] * dy[n,oh,ow,co]
// which is a convolution of x transposed to [Ci,H,W,N] (channels as the batch, the batch as channels) with dy
// transposed to [Ho,Wo,N,Co] as the filter, stride 1 and the forward stride as dilation; the result
// [Ci,kh,kw,Co] is transposed back to the filter layout [kh,kw,Ci,Co].
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { axisWindow, cropSpatial, explicitPadding, type Shape4 } from './conv-windows.js';
import { composeWasmKernels, WASM, type WasmBackendLike } from './kernel-calls.js';

const conv2DBackpropFilterAsConv: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as Shape4,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') throw new Error(`wasm Conv2DBackpropFilter supports NHWC only, got ${dataFormat}`);

  // The rows of x the forward pass read run from -padTop to (Ho-1)*sH + kh - 1 - padTop; past the end of x
  // that is padding, short of it those rows never reached an output and are cut.
  const rows = axisWindow(
    info.inHeight,
    info.padInfo.top,
    (info.outHeight - 1) * info.strideHeight + info.filterHeight - info.padInfo.top - info.inHeight,
  );
  const cols = axisWindow(
    info.inWidth,
    info.padInfo.left,
    (info.outWidth - 1) * info.strideWidth + info.filterWidth - info.padInfo.left - info.inWidth,
  );

  return composeWasmKernels(backend as WasmBackendLike, (run) => {
    const xWindow = cropSpatial(run, x, rows, cols);
    const xByChannel = run('Transpose', { x: xWindow }, { perm: [3, 1, 2, 0] });
    const dyAsFilter = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const grad = run('Conv2D', { x: xByChannel, filter: dyAsFilter }, {
      strides: [1, 1],
      pad: explicitPadding(rows, cols),
      dataFormat: 'NHWC',
      dilations: [info.strideHeight, info.strideWidth],
    });
    return run('Transpose', { x: grad }, { perm: [1, 2, 0, 3] });
  });
};

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: WASM,
  kernelFunc: conv2DBackpropFilterAsConv,
};
