// Composite kernels call the wasm backend's own kernels directly instead of going through tf ops: a kernel
// runs inside the engine, where ops would be taped and tracked as tensors, while a kernel must hand back
// plain TensorInfos that the engine wraps itself. Intermediates are therefore freed by hand, here.
import { getKernel, type KernelConfig, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';

export const WASM = 'wasm';

/** The part of the wasm backend the composite kernels use (kept structural so no wasm types leak out). */
export interface WasmBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
  makeOutput(shape: number[], dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** A kernel by name (as registered for wasm now) or a specific kernel, such as the stock one a wrapper wraps. */
export type KernelRef = string | KernelConfig;

export type RunKernel = (kernel: KernelRef, inputs: NamedTensorInfoMap, attrs?: NamedAttrMap) => TensorInfo;

/** Calls a wasm kernel directly, as the engine would, and returns its one output. */
export function runWasmKernel(
  backend: WasmBackendLike,
  kernel: KernelRef,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config = typeof kernel === 'string' ? (getKernel(kernel, WASM) as KernelConfig | undefined) : kernel;
  if (config === undefined) throw new Error(`wasm backend has no '${String(kernel)}' kernel to build on`);
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`wasm kernel '${config.kernelName}' returned ${out.length} outputs, expected one`);
  return out;
}

/**
 * Runs `body` with a kernel caller bound to `backend` and frees every intermediate the body produced except
 * the TensorInfo it returns. Views (Reshape shares its input's buffer and bumps a reference count) are freed
 * the same way: disposeData only releases the buffer when its last reference goes.
 */
export function composeWasmKernels(backend: WasmBackendLike, body: (run: RunKernel) => TensorInfo): TensorInfo {
  const made: TensorInfo[] = [];
  const run: RunKernel = (kernel, inputs, attrs) => {
    const out = runWasmKernel(backend, kernel, inputs, attrs);
    made.push(out);
    return out;
  };
  let result: TensorInfo | undefined;
  try {
    result = body(run);
    return result;
  } finally {
    for (const info of made) if (info !== result) backend.disposeData(info.dataId);
  }
}
