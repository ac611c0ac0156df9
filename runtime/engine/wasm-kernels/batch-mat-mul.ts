// BatchMatMul for wasm, wrapping the backend's own. tfjs 4.22's wasm kernel uses XNNPACK only for a single
// product with neither operand transposed; anything else falls to a naive triple loop. Training asks for
// exactly the other cases: the gradients of a dense layer's x·W are dy·Wᵀ and xᵀ·dy, and the naive loop
// made those two the most expensive kernels of a CNN training step. Here a transposed single product is
// rewritten into a plain one, with the transposes materialised by the wasm Transpose kernel (one memory
// pass each), and handed to the stock kernel's XNNPACK path.
//
// Two rewrites compute op(a)·op(b): as it stands, A·B with A = op(a), B = op(b); or as (Bᵀ·Aᵀ)ᵀ. XNNPACK
// packs its right operand anew for every new tensor, so the rewrite that transposes and packs fewer
// elements wins: for dy·Wᵀ with a large W that is the second (W·dyᵀ, then a transpose of the small result).
//
// Batched products (several matrices at once) stay on the stock loop, but in the one layout where both of
// its inner loops walk memory sequentially: a as is, b transposed.
import {
  BatchMatMul,
  util,
  type BatchMatMulAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { composeWasmKernels, WASM, type WasmBackendLike } from './kernel-calls.js';

/** A kernel that delegates to the kernel it replaced, kept here so re-registration can find the original. */
export interface WrappingKernelConfig extends KernelConfig {
  wraps: KernelConfig;
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * Elements moved to compute op(a)·op(b) as (Bᵀ·Aᵀ)ᵀ versus as A·B: transposes materialised, the right
 * operand XNNPACK packs, and for the swapped form the transpose of the result.
 */
function swappedIsCheaper(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): boolean {
  const sizeA = util.sizeFromShape(a.shape);
  const sizeB = util.sizeFromShape(b.shape);
  const rows = transposeA ? a.shape[a.shape.length - 1]! : a.shape[a.shape.length - 2]!;
  const cols = transposeB ? b.shape[b.shape.length - 2]! : b.shape[b.shape.length - 1]!;
  const direct = (transposeA ? sizeA : 0) + (transposeB ? sizeB : 0) + sizeB;
  const swapped = (transposeA ? 0 : sizeA) + (transposeB ? 0 : sizeB) + sizeA + rows * cols;
  return swapped < direct;
}

export function batchMatMulOnXnnpack(stock: KernelConfig): WrappingKernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    const batchA = util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = util.sizeFromShape(b.shape.slice(0, -2));
    const single = batchA === 1 && batchB === 1;
    // The layout the stock kernel runs fastest: XNNPACK for single products, sequential loops otherwise.
    const wantA = false;
    const wantB = !single;
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || (transposeA === wantA && transposeB === wantB)) {
      return stock.kernelFunc({ inputs, backend, attrs });
    }
    return composeWasmKernels(backend as WasmBackendLike, (run) => {
      const transposed = (x: TensorInfo) => run('Transpose', { x }, { perm: swapLastTwo(x.shape.length) });
      const product = (left: TensorInfo, right: TensorInfo, transposeLeft: boolean, transposeRight: boolean) =>
        run(stock, { a: left, b: right }, { transposeA: transposeLeft, transposeB: transposeRight });
      if (!single || !swappedIsCheaper(a, b, transposeA, transposeB)) {
        const aLaidOut = transposeA === wantA ? a : transposed(a);
        const bLaidOut = transposeB === wantB ? b : transposed(b);
        return product(aLaidOut, bLaidOut, wantA, wantB);
      }
      // (op(b)ᵀ · op(a)ᵀ)ᵀ: op(b)ᵀ is b itself when b was to be transposed, likewise for a.
      const left = transposeB ? b : transposed(b);
      const right = transposeA ? a : transposed(a);
      return transposed(product(left, right, false, false));
    });
  };
  return { kernelName: BatchMatMul, backendName: WASM, kernelFunc, wraps: stock };
}
