/**
 * Lists of tensors as one flat float32 vector and back: what crosses a link is always a single vector, so
 * a collective runs once per step rather than once per weight (Horovod's tensor fusion).
 */
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Tf } from '../engine/index.js';

/** Values per tensor of `shapes`, and where each begins in the flat vector. */
export interface Layout {
  shapes: number[][];
  offsets: number[];
  total: number;
}

export function layoutOf(shapes: readonly (readonly number[])[]): Layout {
  const offsets: number[] = [];
  let total = 0;
  for (const s of shapes) {
    offsets.push(total);
    total += s.reduce((a, b) => a * b, 1);
  }
  return { shapes: shapes.map((s) => [...s]), offsets, total };
}

/** Writes `tensors` (undefined ones as zeros) into `out` from `start`; returns `out`. */
export function flattenInto(tensors: readonly (Tensor | undefined)[], layout: Layout, out: Float32Array, start = 0): Float32Array {
  tensors.forEach((t, i) => {
    const at = start + layout.offsets[i]!;
    const size = (layout.offsets[i + 1] ?? layout.total) - layout.offsets[i]!;
    if (t === undefined) out.fill(0, at, at + size);
    else out.set(t.dataSync() as Float32Array, at);
  });
  return out;
}

/** Tensors of the layout's shapes over `flat` from `start` (new tensors; the caller disposes them). */
export function unflatten(tf: Tf, flat: Float32Array, layout: Layout, start = 0): Tensor[] {
  return layout.shapes.map((shape, i) => {
    const at = start + layout.offsets[i]!;
    const size = (layout.offsets[i + 1] ?? layout.total) - layout.offsets[i]!;
    return tf.tensor(flat.slice(at, at + size), shape, 'float32');
  });
}

/** Assigns `flat` (from `start`) to `variables`, in order. */
export function assignFlat(tf: Tf, variables: readonly Variable[], flat: Float32Array, layout: Layout, start = 0): void {
  const values = unflatten(tf, flat, layout, start);
  try {
    variables.forEach((v, i) => v.assign(values[i]!));
  } finally {
    tf.dispose(values);
  }
}
