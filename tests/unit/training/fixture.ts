// Shared by the training tests: tfjs on the plain cpu backend (deterministic, and independent of the wasm
// gradient kernels), synthetic data, temporary directories and weight comparisons.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { initEngine, type Tf } from '../../../runtime/engine/index.js';
import { seededRandom } from '../../../runtime/training/seeds.js';
import { scratchDir } from '../../helpers.js';

let engine: Promise<Tf> | undefined;

/** tfjs on the cpu backend, loaded once per test file. */
export function cpuTf(): Promise<Tf> {
  engine ??= initEngine({ prefer: 'cpu' }).then((info) => {
    assert.equal(info.backend, 'cpu', 'the training tests run on the cpu backend');
    return info.tf;
  });
  return engine;
}

/**
 * A separable classification problem: `classes` clusters in `dims` dimensions, each example its class's
 * centre plus uniform noise of ±`spread` per coordinate. Same arrays for the same seed.
 */
export function clusters(count: number, dims: number, classes: number, seed: number, spread = 0.6): { features: Float32Array; labels: Int32Array } {
  const random = seededRandom(seed);
  const centres = Array.from({ length: classes }, (_, c) => Array.from({ length: dims }, (_, j) => ((c * 7 + j * 3) % 5) - 2 + (j === c % dims ? 2 : 0)));
  const features = new Float32Array(count * dims);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const c = Math.floor(random() * classes);
    labels[i] = c;
    for (let j = 0; j < dims; j++) features[i * dims + j] = centres[c]![j]! + (random() * 2 - 1) * spread;
  }
  return { features, labels };
}

/** Uniform values in [-1, 1). */
export function uniform(count: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: count }, () => random() * 2 - 1);
}

/** Every weight of the model (trainable and not) as plain arrays, in model.weights order. */
export function weightsOf(model: LayersModel): Float32Array[] {
  return model.weights.map((w) => Float32Array.from(w.read().dataSync()));
}

/** Largest absolute difference between two weight lists. */
export function maxDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  assert.equal(a.length, b.length, 'number of weights');
  let worst = 0;
  a.forEach((values, i) => {
    assert.equal(values.length, b[i]!.length, `size of weight ${i}`);
    for (let j = 0; j < values.length; j++) worst = Math.max(worst, Math.abs(values[j]! - b[i]![j]!));
  });
  return worst;
}

/** A fresh temporary directory and its removal. */
export function tempDir(label: string): { path: string; remove: () => void } {
  const path = scratchDir(`dlc-training-${label}-`);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
