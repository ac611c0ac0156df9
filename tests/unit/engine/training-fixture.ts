// One optimiser step of a small model on a given backend, starting from given weights, so the same step can
// be compared between wasm and the cpu backend.
import assert from 'node:assert/strict';
import type { LayersModel, Sequential } from '@tensorflow/tfjs-layers';
import type { Tf } from '../../../runtime/engine/index.js';

export interface StepResult {
  loss: number;
  /** Every weight (trainable or not) after the step, in model.getWeights() order. */
  after: Float32Array[];
}

export interface TrainingProblem {
  build: (tf: Tf) => Sequential | LayersModel;
  x: { values: Float32Array; shape: number[] };
  y: { values: Float32Array; shape: number[] };
}

/** Builds the model on `backend`, loads `initial` (if given), takes one SGD step; returns the weights. */
export async function oneStep(
  tf: Tf,
  backend: 'cpu' | 'wasm',
  problem: TrainingProblem,
  initial?: readonly Float32Array[],
  learningRate = 0.1,
): Promise<StepResult & { before: Float32Array[] }> {
  await tf.setBackend(backend);
  const model = problem.build(tf);
  if (initial !== undefined) {
    const shapes = model.getWeights().map((w) => w.shape);
    const weights = initial.map((values, i) => tf.tensor(values, shapes[i]));
    model.setWeights(weights);
    tf.dispose(weights);
  }
  const before = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  model.compile({ optimizer: tf.train.sgd(learningRate), loss: 'categoricalCrossentropy' });
  const x = tf.tensor(problem.x.values, problem.x.shape);
  const y = tf.tensor(problem.y.values, problem.y.shape);
  const loss = await model.trainOnBatch(x, y);
  const after = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  tf.dispose([x, y]);
  model.dispose();
  await tf.setBackend('wasm');
  return { loss: Array.isArray(loss) ? loss[0]! : loss, before, after };
}

/** Per-element difference after - before, for comparing updates rather than weights that barely moved. */
export function updates(result: { before: Float32Array[]; after: Float32Array[] }): Float32Array[] {
  return result.after.map((a, i) => a.map((v, j) => v - result.before[i]![j]!));
}

/** One-hot labels cycling through `classes`. */
export function oneHotLabels(count: number, classes: number): Float32Array {
  const labels = new Float32Array(count * classes);
  for (let i = 0; i < count; i++) labels[i * classes + (i % classes)] = 1;
  return labels;
}

/**
 * Compares two steps' updates weight by weight, each relative to the larger of its own largest expected
 * update and 1e-3 of the largest update anywhere in the model. The floor is for weights whose gradient is
 * zero in exact arithmetic, where both backends return float noise that need not agree (a bias feeding batch
 * normalisation: the normalisation subtracts it again).
 */
export function assertUpdatesClose(actual: Float32Array[], expected: Float32Array[], label: string, tolerance = 1e-3): void {
  assert.equal(actual.length, expected.length, `${label}: number of weights`);
  const largest = (values: Float32Array) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const floor = 1e-3 * Math.max(...expected.map(largest));
  expected.forEach((want, i) => {
    const got = actual[i]!;
    assert.equal(got.length, want.length, `${label}: size of weight ${i}`);
    let diff = 0;
    for (let j = 0; j < want.length; j++) diff = Math.max(diff, Math.abs(got[j]! - want[j]!));
    const error = diff / Math.max(largest(want), floor);
    assert.ok(error <= tolerance, `${label}: update of weight ${i} differs by ${error.toExponential(2)} (relative) > ${tolerance}`);
  });
}
