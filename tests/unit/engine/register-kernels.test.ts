// Registration on its own, in a process where nothing else registered the kernels: what is added, what is
// replaced, and that neither the first nor a repeated call makes tfjs warn.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getKernel } from '@tensorflow/tfjs-core';
import { registerWasmGradientKernels, WASM_KERNEL_NAMES } from '../../../runtime/engine/wasm-kernels/index.js';

function warningsDuring(fn: () => void): string[] {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
  try {
    fn();
  } finally {
    console.warn = original;
  }
  return warnings;
}

test('registers every gradient kernel, replacing only the wasm kernels that exist, without warnings', () => {
  let first: ReturnType<typeof registerWasmGradientKernels> = [];
  assert.deepEqual(warningsDuring(() => (first = registerWasmGradientKernels())), []);
  assert.deepEqual(first.filter((k) => k.replaced).map((k) => k.kernelName), ['BatchMatMul', 'Conv2DBackpropInput', 'MaxPoolGrad']);
  assert.deepEqual(first.map((k) => k.kernelName), [...WASM_KERNEL_NAMES]);
  assert.deepEqual(WASM_KERNEL_NAMES, [
    'BatchMatMul',
    'Conv2DBackpropFilter',
    'Conv2DBackpropInput',
    'DepthwiseConv2dNativeBackpropFilter',
    'DepthwiseConv2dNativeBackpropInput',
    'MaxPoolGrad',
    'UnsortedSegmentSum',
  ]);
  for (const k of first) assert.equal(getKernel(k.kernelName, 'wasm'), k.config);
  const stockBatchMatMul = first.find((k) => k.kernelName === 'BatchMatMul')!.stock;
  assert.ok(stockBatchMatMul, 'the wrapped stock kernel is reported');

  let second: ReturnType<typeof registerWasmGradientKernels> = [];
  assert.deepEqual(warningsDuring(() => (second = registerWasmGradientKernels())), []);
  assert.ok(second.every((k) => k.replaced), 'a second call replaces its own earlier registrations');
  for (const k of second) assert.equal(getKernel(k.kernelName, 'wasm'), k.config);
  // The wrapper is rebuilt around the stock kernel, not around the first call's wrapper.
  assert.equal(second.find((k) => k.kernelName === 'BatchMatMul')!.stock, stockBatchMatMul);
});
