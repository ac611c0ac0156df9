// A small CNN (conv2d, max pooling, batch norm, dropout, flatten, dense) trains on wasm: its loss falls, and
// one SGD step moves every weight as the same step on the cpu backend does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tf } from '../../../runtime/engine/index.js';
import { seededValues, wasmEngine } from './engine-fixture.js';
import { assertUpdatesClose, oneHotLabels, oneStep, updates, type TrainingProblem } from './training-fixture.js';

const BATCH = 8;
const CLASSES = 3;

function buildCnn(tf: Tf) {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [11, 11, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      // No bias before batch norm: its gradient is zero in exact arithmetic, so the backends' noise need not agree.
      tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'valid', useBias: false }),
      tf.layers.batchNormalization(),
      // A fixed seed draws the same mask on both backends (tfjs samples it in JavaScript, not in a kernel).
      tf.layers.dropout({ rate: 0.25, seed: 7 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: CLASSES, activation: 'softmax' }),
    ],
  });
}

const problem: TrainingProblem = {
  build: buildCnn,
  x: { values: seededValues(BATCH * 11 * 11 * 2, 31), shape: [BATCH, 11, 11, 2] },
  y: { values: oneHotLabels(BATCH, CLASSES), shape: [BATCH, CLASSES] },
};

test('one SGD step of the CNN on wasm updates every weight as the cpu backend does', async () => {
  const { tf } = await wasmEngine();
  const cpu = await oneStep(tf, 'cpu', problem);
  const wasm = await oneStep(tf, 'wasm', problem, cpu.before);
  assert.ok(Math.abs(wasm.loss - cpu.loss) <= 1e-4 * Math.abs(cpu.loss), `loss ${wasm.loss} vs ${cpu.loss}`);
  assertUpdatesClose(updates(wasm), updates(cpu), 'CNN');
});

test('the CNN loss goes down over a few steps on wasm', async () => {
  const { tf } = await wasmEngine();
  assert.equal(tf.getBackend(), 'wasm');
  const model = buildCnn(tf);
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const x = tf.tensor(problem.x.values, problem.x.shape);
  const y = tf.tensor(problem.y.values, problem.y.shape);
  const losses: number[] = [];
  for (let step = 0; step < 8; step++) {
    const loss = await model.trainOnBatch(x, y);
    losses.push(Array.isArray(loss) ? loss[0]! : loss);
  }
  assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
  assert.ok(losses.at(-1)! < losses[0]! * 0.9, `loss did not fall: ${losses.map((l) => l.toFixed(4)).join(' ')}`);
  tf.dispose([x, y]);
  model.dispose();
});
