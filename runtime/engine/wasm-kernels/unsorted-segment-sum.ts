// UnsortedSegmentSum for wasm (missing in tfjs 4.22). It is the gradient of gather, so without it an
// Embedding layer cannot train. One pass over the rows of x straight on the wasm heap: the cpu backend's
// version builds a mask per segment, which is quadratic in the vocabulary size.
//
// Semantics follow TensorFlow: segmentIds covers a prefix of x's shape, output is [numSegments, ...rest],
// rows whose id is negative or >= numSegments are dropped, and the dtype of x is kept.
import {
  UnsortedSegmentSum,
  util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs-core';
import { WASM, type WasmBackendLike } from './kernel-calls.js';

const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
  const wasm = backend as WasmBackendLike;
  const idsRank = segmentIds.shape.length;
  if (segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(`UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] is not a prefix of x shape [${x.shape}]`);
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum: unsupported dtype ${x.dtype}`);
  const rowShape = x.shape.slice(idsRank);
  const rowSize = util.sizeFromShape(rowShape);
  const rowCount = util.sizeFromShape(segmentIds.shape);

  const out = wasm.makeOutput([numSegments, ...rowShape], x.dtype);
  // Views are taken only after the output exists: allocating it may grow wasm memory, which detaches any
  // typed array made over the old buffer.
  const sums = wasm.typedArrayFromHeap(out);
  const values = wasm.typedArrayFromHeap(x);
  const ids = wasm.typedArrayFromHeap(segmentIds);
  sums.fill(0);
  for (let r = 0; r < rowCount; r++) {
    const id = ids[r]!;
    if (id < 0 || id >= numSegments) continue;
    const from = r * rowSize;
    const to = id * rowSize;
    for (let k = 0; k < rowSize; k++) sums[to + k]! += values[from + k]!;
  }
  return out;
};

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: WASM,
  kernelFunc: unsortedSegmentSum,
};
