// DepthwiseConv2dNativeBackpropFilter for wasm (missing in tfjs 4.22). With x [N,H,W,C], dy [N,Ho,Wo,C*m]:
//   dW[i,j,c,q] = sum over n,oh,ow of x[n, oh*s + i*d - padTop, ow*s + j*d - padLeft, c] * dy[n,oh,ow,c*m+q]
// Unlike the dense case there is no sum over channels, so a single forward convolution would compute C times
// the needed products. Instead, per channel, the kh*kw strided views of x become the rows of a [kh*kw, P]
// matrix (P = N*Ho*Wo) that one batched matrix product (batch = C, on XNNPACK) multiplies with dy's [P, m].
import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { axisWindow, cropSpatial, type Shape4 } from './conv-windows.js';
import { composeWasmKernels, WASM, type WasmBackendLike } from './kernel-calls.js';

const depthwiseBackpropFilterAsMatMul: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const [filterH, filterW, channels, multiplier] = filterShape;
  const info = backend_util.computeConv2DInfo(x.shape as Shape4, filterShape, strides, dilations ?? 1, pad, dimRoundingMode, true);
  const { batchSize, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const spanH = (outHeight - 1) * strideHeight + 1;
  const spanW = (outWidth - 1) * strideWidth + 1;
  const rows = axisWindow(info.inHeight, info.padInfo.top, spanH + (filterH - 1) * dilationHeight - info.padInfo.top - info.inHeight);
  const cols = axisWindow(info.inWidth, info.padInfo.left, spanW + (filterW - 1) * dilationWidth - info.padInfo.left - info.inWidth);
  const positions = batchSize * outHeight * outWidth;

  return composeWasmKernels(backend as WasmBackendLike, (run) => {
    let xWindow = cropSpatial(run, x, rows, cols);
    if (rows.padBefore + rows.padAfter + cols.padBefore + cols.padAfter > 0) {
      xWindow = run('PadV2', { x: xWindow }, {
        paddings: [[0, 0], [rows.padBefore, rows.padAfter], [cols.padBefore, cols.padAfter], [0, 0]],
        constantValue: 0,
      });
    }
    const byChannel = run('Transpose', { x: xWindow }, { perm: [3, 0, 1, 2] }); // [C, N, Hp, Wp]
    const taps: TensorInfo[] = [];
    for (let i = 0; i < filterH; i++) {
      for (let j = 0; j < filterW; j++) {
        const top = i * dilationHeight;
        const left = j * dilationWidth;
        const tap = run('StridedSlice', { x: byChannel }, {
          begin: [0, 0, top, left],
          end: [channels, batchSize, top + spanH, left + spanW],
          strides: [1, 1, strideHeight, strideWidth],
          beginMask: 0,
          endMask: 0,
          ellipsisMask: 0,
          newAxisMask: 0,
          shrinkAxisMask: 0,
        });
        taps.push(run('Reshape', { x: tap }, { shape: [channels, 1, positions] }));
      }
    }
    // Concat takes its inputs as a list, not by name.
    const patches = taps.length === 1 ? taps[0]! : run('Concat', taps as unknown as NamedTensorInfoMap, { axis: 1 });
    const dyGrouped = run('Reshape', { x: dy }, { shape: [positions, channels, multiplier] });
    const dyByChannel = run('Transpose', { x: dyGrouped }, { perm: [1, 0, 2] }); // [C, P, m]
    const grad = run('BatchMatMul', { a: patches, b: dyByChannel }, { transposeA: false, transposeB: false });
    const gradByTap = run('Reshape', { x: grad }, { shape: [channels, filterH, filterW, multiplier] });
    return run('Transpose', { x: gradByTap }, { perm: [1, 2, 0, 3] });
  });
};

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: WASM,
  kernelFunc: depthwiseBackpropFilterAsMatMul,
};
