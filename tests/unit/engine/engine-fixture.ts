// Shared by the engine tests: an engine on wasm with the cpu backend registered beside it as the reference,
// deterministic data, and a relative comparison of results.
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-backend-cpu';
import type { Tensor } from '@tensorflow/tfjs-core';
import { initEngine } from '../../../runtime/engine/index.js';
import type { EngineInfo, Tf } from '../../../runtime/engine/index.js';

let engine: Promise<EngineInfo> | undefined;

/** The engine as a worker would get it here (wasm), shared by the tests of one file. */
export function wasmEngine(): Promise<EngineInfo> {
  engine ??= initEngine({}).then((info) => {
    assert.equal(info.backend, 'wasm', 'these tests expect the wasm backend to be selected');
    return info;
  });
  return engine;
}

/** Uniform values in [-0.5, 0.5) from a linear congruential generator: same numbers on every run. */
export function seededValues(count: number, seed: number): Float32Array {
  const values = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 32 - 0.5;
  }
  return values;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Runs `compute` with `backend` active and returns its outputs' values; leaves the backend set to wasm. */
export async function valuesOn(tf: Tf, backend: 'cpu' | 'wasm', compute: () => Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  try {
    return tf.tidy(() => compute()).map((t) => {
      const values = Float32Array.from(t.dataSync());
      t.dispose();
      return values;
    });
  } finally {
    await tf.setBackend('wasm');
  }
}

/** Largest absolute difference divided by the largest absolute expected value (so near-zero entries are fair). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, 'lengths differ');
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string, tolerance = 1e-4): void {
  const error = relativeError(actual, expected);
  assert.ok(error <= tolerance, `${label}: relative error ${error.toExponential(2)} > ${tolerance}`);
}
