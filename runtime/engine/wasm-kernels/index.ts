// Kernels the wasm backend of tfjs 4.22 lacks, has only in a slow form (Conv2DBackpropInput, BatchMatMul with
// transposed operands) or has wrong (MaxPoolGrad), so that conv, depthwise and separable conv, pooling, batch
// norm, dropout, dense, embedding and recurrent layers train on it as they do on the cpu backend.
//
// The wasm package is imported here for its side effect of registering the backend's own kernels: those
// must be in place before ours, or loading the package later would put its versions back.
import '@tensorflow/tfjs-backend-wasm';
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { batchMatMulOnXnnpack, type WrappingKernelConfig } from './batch-mat-mul.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise-conv2d-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise-conv2d-backprop-input.js';
import { WASM } from './kernel-calls.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/** A kernel that stands on its own, or one built around the stock wasm kernel it replaces. */
type KernelSource = KernelConfig | { kernelName: string; wrap: (stock: KernelConfig) => WrappingKernelConfig };

const KERNEL_SOURCES: readonly KernelSource[] = [
  { kernelName: 'BatchMatMul', wrap: batchMatMulOnXnnpack },
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  maxPoolGradConfig,
  unsortedSegmentSumConfig,
];

/** Names of the kernels registerWasmGradientKernels puts on the wasm backend. */
export const WASM_KERNEL_NAMES: readonly string[] = KERNEL_SOURCES.map((source) => source.kernelName);

export interface RegisteredKernel {
  kernelName: string;
  /** True when a kernel of the same name was already registered for wasm and this one took its place. */
  replaced: boolean;
  config: KernelConfig;
  /** For a wrapping kernel: the stock wasm kernel it delegates to. */
  stock?: KernelConfig;
}

function isWrapping(config: KernelConfig): config is WrappingKernelConfig {
  return 'wraps' in config;
}

/**
 * Registers the kernels on the wasm backend; safe to call more than once. A kernel that already exists
 * (wasm's own, or ours from an earlier call) is unregistered first on purpose: registering over it would
 * replace it all the same, but with a console warning and without saying so to the caller, who gets the list
 * of what was replaced instead. Replaced on a fresh backend: Conv2DBackpropInput (correct but a slow loop),
 * BatchMatMul (wrapped: transposed operands fell to a naive loop) and MaxPoolGrad (loses the gradient of
 * windows whose values are all <= 0).
 */
export function registerWasmGradientKernels(): RegisteredKernel[] {
  const registered: RegisteredKernel[] = [];
  for (const source of KERNEL_SOURCES) {
    const existing = getKernel(source.kernelName, WASM) as KernelConfig | undefined;
    // A second call must wrap the stock kernel again, not the wrapper from the first call.
    const stock = existing !== undefined && isWrapping(existing) ? existing.wraps : existing;
    let config: KernelConfig;
    if ('wrap' in source) {
      if (stock === undefined) throw new Error(`wasm backend has no ${source.kernelName} kernel to build on`);
      config = source.wrap(stock);
    } else {
      config = source;
    }
    if (existing !== undefined) unregisterKernel(source.kernelName, WASM);
    registerKernel(config);
    registered.push({
      kernelName: source.kernelName,
      replaced: existing !== undefined,
      config,
      ...('wrap' in source && stock !== undefined ? { stock } : {}),
    });
  }
  return registered;
}
