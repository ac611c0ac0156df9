// DepthwiseConv2dNativeBackpropInput for wasm (missing in tfjs 4.22), as one forward depthwise convolution on
// XNNPACK. With dy [N,Ho,Wo,C*m] and the filter W [kh,kw,C,m] (m = channel multiplier):
//   dx[n,h,w,c] = sum over i,j,q with oh*s + i*d - padTop == h (columns likewise) of dy[n,oh,ow,c*m+q] * W[i,j,c,q]
// After spreading dy out by the stride this is a stride-1 depthwise convolution of the C*m channels with W
// flipped spatially (multiplier 1, dilation d), padded by (kh-1)*d - padTop above, followed by a sum over
// each channel's m outputs.
import {
  backend_util,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { axisWindow, cropSpatial, explicitPadding, zeroStuff, type Shape4 } from './conv-windows.js';
import { composeWasmKernels, WASM, type WasmBackendLike } from './kernel-calls.js';

const depthwiseBackpropInputAsConv: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const [filterH, filterW, channels, multiplier] = filter.shape as Shape4;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as Shape4,
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    true,
  );
  const [batch, inH, inW] = inputShape;
  const stuffedH = info.outHeight * info.strideHeight;
  const stuffedW = info.outWidth * info.strideWidth;
  const rows = axisWindow(stuffedH, (filterH - 1) * info.dilationHeight - info.padInfo.top, inH + info.padInfo.top - stuffedH);
  const cols = axisWindow(stuffedW, (filterW - 1) * info.dilationWidth - info.padInfo.left, inW + info.padInfo.left - stuffedW);

  return composeWasmKernels(backend as WasmBackendLike, (run) => {
    const stuffed = cropSpatial(run, zeroStuff(run, dy, info.strideHeight, info.strideWidth), rows, cols);
    const flipped = run('Reverse', { x: filter }, { dims: [0, 1] });
    // [kh,kw,C,m] is already [kh,kw,C*m] in memory, one filter per dy channel.
    const perDyChannel = run('Reshape', { x: flipped }, { shape: [filterH, filterW, channels * multiplier, 1] });
    const spread = run('DepthwiseConv2dNative', { x: stuffed, filter: perDyChannel }, {
      strides: [1, 1],
      dilations: [info.dilationHeight, info.dilationWidth],
      pad: explicitPadding(rows, cols),
    });
    if (multiplier === 1) return spread;
    const grouped = run('Reshape', { x: spread }, { shape: [batch, inH, inW, channels, multiplier] });
    return run('Sum', { x: grouped }, { axis: [4], keepDims: false });
  });
};

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: WASM,
  kernelFunc: depthwiseBackpropInputAsConv,
};
