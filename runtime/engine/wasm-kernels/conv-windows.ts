// Geometry shared by the backward convolutions written as forward ones. Each of them reads a window of a
// tensor that may start before it (padding) or stop short of its end (rows no output ever reaches); the
// forward Conv2D kernel accepts only non-negative explicit padding, so a negative amount becomes a crop.
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { RunKernel } from './kernel-calls.js';

/** How one spatial axis of a tensor is fed to a convolution: crop it first, then zero-pad what remains. */
export interface AxisWindow {
  cropBegin: number;
  cropSize: number;
  padBefore: number;
  padAfter: number;
}

/** Window over an axis of `length` extended by `before`/`after` elements; negative amounts cut instead. */
export function axisWindow(length: number, before: number, after: number): AxisWindow {
  const cropBegin = Math.max(0, -before);
  const cropEnd = length - Math.max(0, -after);
  if (cropEnd <= cropBegin) throw new Error(`convolution window is empty (length ${length}, pads ${before}/${after})`);
  return { cropBegin, cropSize: cropEnd - cropBegin, padBefore: Math.max(0, before), padAfter: Math.max(0, after) };
}

/** The explicit NHWC padding a forward convolution takes for the given row and column windows. */
export function explicitPadding(rows: AxisWindow, cols: AxisWindow): backend_util.ExplicitPadding {
  return [
    [0, 0],
    [rows.padBefore, rows.padAfter],
    [cols.padBefore, cols.padAfter],
    [0, 0],
  ];
}

/** Crops axes 1 and 2 of an NHWC tensor to the windows, or returns it untouched when nothing is cut. */
export function cropSpatial(run: RunKernel, x: TensorInfo, rows: AxisWindow, cols: AxisWindow): TensorInfo {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  if (rows.cropBegin === 0 && rows.cropSize === h && cols.cropBegin === 0 && cols.cropSize === w) return x;
  return run('Slice', { x }, { begin: [0, rows.cropBegin, cols.cropBegin, 0], size: [n, rows.cropSize, cols.cropSize, c] });
}

/**
 * Spreads an NHWC gradient out by the stride: value (i, j) moves to (i*sH, j*sW) with zeros between, giving
 * [N, H*sH, W*sW, C] (the trailing sH-1 rows and sW-1 columns are zeros too). Done as one zero pad of a rank-5
 * view, [N*H, 1, W, 1, C] padded to [N*H, sH, W, sW, C], which is the stuffed tensor in row-major order.
 */
export function zeroStuff(run: RunKernel, dy: TensorInfo, strideH: number, strideW: number): TensorInfo {
  if (strideH === 1 && strideW === 1) return dy;
  const [n, h, w, c] = dy.shape as [number, number, number, number];
  const view = run('Reshape', { x: dy }, { shape: [n * h, 1, w, 1, c] });
  const padded = run('PadV2', { x: view }, {
    paddings: [[0, 0], [0, strideH - 1], [0, 0], [0, strideW - 1], [0, 0]],
    constantValue: 0,
  });
  return run('Reshape', { x: padded }, { shape: [n, h * strideH, w * strideW, c] });
}

export type Conv2DInfo = backend_util.Conv2DInfo;
export type Shape4 = [number, number, number, number];
