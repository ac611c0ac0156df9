// The spec's optimizer, loss and metric names map to the right tfjs objects and numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tensor } from '@tensorflow/tfjs-core';
import { LOSSES, METRICS, OPTIMIZERS } from '../../../compiler/spec/vocabulary.js';
import { createLoss } from '../../../runtime/training/losses.js';
import { createMetrics } from '../../../runtime/training/metrics.js';
import { clipGradients, createOptimizer } from '../../../runtime/training/optimizers.js';
import { cpuTf } from './fixture.js';

const close = (actual: number, expected: number, label: string, tolerance = 1e-5) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${label}: ${actual} vs ${expected}`);

test('every optimizer name maps to its tfjs optimizer with Keras defaults', async () => {
  const tf = await cpuTf();
  const expected: Record<string, { className: string; config: Record<string, unknown> }> = {
    sgd: { className: 'SGD', config: { learningRate: 0.01 } },
    momentum: { className: 'Momentum', config: { learningRate: 0.01, momentum: 0.9, useNesterov: false } },
    adam: { className: 'Adam', config: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
    adamax: { className: 'Adamax', config: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decay: 0 } },
    rmsprop: { className: 'RMSProp', config: { learningRate: 0.001, decay: 0.9, momentum: 0, epsilon: 1e-7, centered: false } },
    adagrad: { className: 'Adagrad', config: { learningRate: 0.001, initialAccumulatorValue: 0.1 } },
    adadelta: { className: 'Adadelta', config: { learningRate: 0.001, rho: 0.95, epsilon: 1e-7 } },
  };
  assert.deepEqual(Object.keys(expected).sort(), [...OPTIMIZERS].sort());
  for (const name of OPTIMIZERS) {
    const setup = createOptimizer(tf, name);
    assert.equal(setup.optimizer.getClassName(), expected[name]!.className, name);
    assert.deepEqual(setup.optimizer.getConfig(), expected[name]!.config, name);
    setup.optimizer.dispose();
  }
});

test('optimizer settings in Keras spelling reach tfjs; clipping is kept aside', async () => {
  const tf = await cpuTf();
  const adam = createOptimizer(tf, { name: 'adam', learning_rate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, clipnorm: 1 });
  assert.deepEqual(adam.optimizer.getConfig(), { learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 });
  assert.deepEqual(adam.clipping, { clipnorm: 1 });
  assert.deepEqual(adam.settings, { learning_rate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 });
  const rms = createOptimizer(tf, { name: 'rmsprop', rho: 0.8, momentum: 0.5, clipvalue: 0.5, global_clipnorm: 2 });
  assert.deepEqual(rms.optimizer.getConfig(), { learningRate: 0.001, decay: 0.8, momentum: 0.5, epsilon: 1e-7, centered: false });
  assert.deepEqual(rms.clipping, { clipvalue: 0.5, global_clipnorm: 2 });
  const sgd = createOptimizer(tf, { name: 'sgd', learning_rate: 0.1, momentum: 0.9, nesterov: true });
  assert.equal(sgd.name, 'momentum', 'sgd with momentum is the momentum optimizer, as in Keras');
  assert.deepEqual(sgd.optimizer.getConfig(), { learningRate: 0.1, momentum: 0.9, useNesterov: true });
  assert.equal(createOptimizer(tf, undefined).name, 'adam');
  for (const s of [adam, rms, sgd]) s.optimizer.dispose();

  assert.throws(() => createOptimizer(tf, 'adamw'), /unknown optimizer "adamw" \(known: sgd, momentum/);
  assert.throws(() => createOptimizer(tf, { name: 'adam', rho: 0.9 }), /optimizer adam has no setting 'rho' \(it takes: learning_rate, beta1, beta2, epsilon, clipnorm/);
  assert.throws(() => createOptimizer(tf, { name: 'adam', learning_rate: '0.1' }), /learning_rate must be a number/);
  assert.throws(() => createOptimizer(tf, { name: 'sgd', learning_rate: 0 }), /learning_rate must be > 0/);
  assert.throws(() => createOptimizer(tf, { name: 'adam', beta1: 1 }), /beta1 must be in \[0, 1\)/);
  assert.throws(() => createOptimizer(tf, { name: 'adam', clipnorm: -1 }), /clipnorm must be a number > 0/);
  assert.throws(() => createOptimizer(tf, { name: 'rmsprop', centered: true }), /centered: true is not supported/);
});

test('gradient clipping by value, per-weight norm and global norm', async () => {
  const tf = await cpuTf();
  const grads = { a: tf.tensor1d([3, 4]), b: tf.tensor1d([0.5, 0]) };
  const values = (clipping: Parameters<typeof clipGradients>[2]) => {
    const out = clipGradients(tf, grads, clipping);
    const result = { a: Array.from(out.a!.dataSync()), b: Array.from(out.b!.dataSync()) };
    tf.dispose(Object.values(out));
    return result;
  };
  const norm = values({ clipnorm: 1 });
  close(norm.a[0]!, 0.6, 'a scaled to norm 1');
  close(norm.a[1]!, 0.8, 'a scaled to norm 1');
  assert.deepEqual(norm.b, [0.5, 0], 'b is within the limit');
  const global = values({ global_clipnorm: 1 });
  const total = Math.sqrt(25 + 0.25);
  close(global.a[0]!, 3 / total, 'global');
  close(global.b[0]!, 0.5 / total, 'global');
  assert.deepEqual(values({ clipvalue: 1 }), { a: [1, 1], b: [0.5, 0] });
  assert.deepEqual(values({}), { a: [3, 4], b: [0.5, 0] });
  tf.dispose(Object.values(grads));
});

/** Evaluates a loss on plain arrays. */
async function lossValue(name: string, yTrue: Tensor, yPred: Tensor): Promise<number> {
  const tf = await cpuTf();
  const value = createLoss(tf, name).compute(yTrue, yPred);
  const result = value.dataSync()[0]!;
  tf.dispose([value, yTrue, yPred]);
  return result;
}

test('every loss name maps to the Keras formula', async () => {
  const tf = await cpuTf();
  const probs = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]];
  const ce = -(Math.log(0.7) + Math.log(0.6)) / 2;
  close(await lossValue('sparse_categorical_crossentropy', tf.tensor1d([0, 2], 'int32'), tf.tensor2d(probs)), ce, 'sparse CE');
  close(await lossValue('categorical_crossentropy', tf.tensor2d([[1, 0, 0], [0, 0, 1]]), tf.tensor2d(probs)), ce, 'CE');
  // tfjs-layers' own implementations as references where it has them.
  const reference = (fn: (a: Tensor, b: Tensor) => Tensor, a: number[][], b: number[][]) => tf.tidy(() => tf.mean(fn(tf.tensor2d(a), tf.tensor2d(b))).dataSync()[0]!);
  const yb = [[1], [0], [1]];
  const pb = [[0.9], [0.2], [0.4]];
  close(await lossValue('binary_crossentropy', tf.tensor2d(yb), tf.tensor2d(pb)), reference(tf.metrics.binaryCrossentropy, yb, pb), 'BCE');
  const yr = [[1, 2], [3, 4]];
  const pr = [[1.5, 2], [1, 4.25]];
  close(await lossValue('mean_squared_error', tf.tensor2d(yr), tf.tensor2d(pr)), reference(tf.metrics.meanSquaredError, yr, pr), 'MSE');
  close(await lossValue('mean_absolute_error', tf.tensor2d(yr), tf.tensor2d(pr)), reference(tf.metrics.meanAbsoluteError, yr, pr), 'MAE');
  // Huber (delta 1): errors 0.5, 0, 2, 0.25 -> 0.125, 0, 1.5, 0.03125.
  close(await lossValue('huber', tf.tensor2d(yr), tf.tensor2d(pr)), (0.125 + 0 + 1.5 + 0.03125) / 4, 'huber');
  // Hinge with 0/1 labels mapped to -1/1: max(0, 1 - y*p) for (1, 0.3), (-1, -2), (1, 2), (-1, 0.5).
  close(await lossValue('hinge', tf.tensor2d([[1], [0], [1], [0]]), tf.tensor2d([[0.3], [-2], [2], [0.5]])), (0.7 + 0 + 0 + 1.5) / 4, 'hinge 0/1');
  close(await lossValue('hinge', tf.tensor2d([[1], [-1]]), tf.tensor2d([[0.3], [0.5]])), (0.7 + 1.5) / 2, 'hinge ±1');
  assert.throws(() => createLoss(tf, 'kld'), /unknown loss "kld" \(known: sparse_categorical_crossentropy/);
  assert.equal(LOSSES.length, 7, 'a new loss in the vocabulary needs a case here');
});

test('labels are shaped for the loss: class ids, one-hot for categorical, dense targets', async () => {
  const tf = await cpuTf();
  const sparse = createLoss(tf, 'sparse_categorical_crossentropy').labels(new Int32Array([2, 0]), 2, [3]);
  assert.equal(sparse.dtype, 'int32');
  assert.deepEqual(Array.from(sparse.dataSync()), [2, 0]);
  const categorical = createLoss(tf, 'categorical_crossentropy').labels(new Int32Array([2, 0]), 2, [3]);
  assert.deepEqual(categorical.arraySync(), [[0, 0, 1], [1, 0, 0]]);
  const dense = createLoss(tf, 'mean_squared_error').labels(new Float32Array([1, 2, 3, 4]), 2, [2]);
  assert.deepEqual(dense.shape, [2, 2]);
  assert.throws(() => createLoss(tf, 'sparse_categorical_crossentropy').labels(new Int32Array(6), 2, [3]), /one class id per example: got 6 label values for 2 examples/);
  assert.throws(() => createLoss(tf, 'mean_squared_error').labels(new Float32Array(3), 2, [2]), /needs 2 label value\(s\) per example/);
  tf.dispose([sparse, categorical, dense]);
});

/** A metric over batches, its statistics summed as a pass sums them. */
async function metricValue(metric: string, loss: string, batches: [Tensor, Tensor][]): Promise<number> {
  const tf = await cpuTf();
  const [setup] = createMetrics(tf, [metric], createLoss(tf, loss));
  const stats = batches.map(([y, p]) => setup!.stats(y, p));
  const total = tf.addN(stats);
  const value = setup!.result(total.dataSync());
  tf.dispose([...stats, total, ...batches.flat()]);
  return value;
}

test('every metric name maps to the Keras definition, accumulated over batches', async () => {
  const tf = await cpuTf();
  const probs = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3], [0.4, 0.35, 0.25]];
  const ids = [0, 1, 1, 2];
  const sparse = (): [Tensor, Tensor][] => [[tf.tensor1d(ids.slice(0, 3), 'int32'), tf.tensor2d(probs.slice(0, 3))], [tf.tensor1d(ids.slice(3), 'int32'), tf.tensor2d(probs.slice(3))]];
  const oneHot = ids.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
  const categorical = (): [Tensor, Tensor][] => [[tf.tensor2d(oneHot), tf.tensor2d(probs)]];

  close(await metricValue('accuracy', 'sparse_categorical_crossentropy', sparse()), 0.5, 'sparse accuracy (rows 0 and 2 right)');
  close(await metricValue('accuracy', 'categorical_crossentropy', categorical()), 0.5, 'categorical accuracy');
  close(await metricValue('accuracy', 'binary_crossentropy', [[tf.tensor2d([[1], [0], [1]]), tf.tensor2d([[0.8], [0.6], [0.4]])]]), 1 / 3, 'binary accuracy');
  // k = 5 covers all three classes; with six classes the true class must beat at least one other.
  close(await metricValue('top_k_accuracy', 'sparse_categorical_crossentropy', sparse()), 1, 'top-5 of 3 classes');
  const six = [[0.3, 0.25, 0.2, 0.1, 0.1, 0.05], [0.3, 0.25, 0.2, 0.1, 0.1, 0.05]];
  close(await metricValue('top_k_accuracy', 'sparse_categorical_crossentropy', [[tf.tensor1d([5, 1], 'int32'), tf.tensor2d(six)]]), 0.5, 'top-5 of 6');
  // Binary decisions at 0.5 over all outputs (one-hot labels): predicted positive only probs[0][0] and probs[1][2].
  close(await metricValue('precision', 'sparse_categorical_crossentropy', sparse()), 1 / 2, 'precision');
  close(await metricValue('recall', 'categorical_crossentropy', categorical()), 1 / 4, 'recall');
  const yr = [[1, 2], [3, 4]];
  const pr = [[1.5, 2], [1, 4.25]];
  const regression = (): [Tensor, Tensor][] => [[tf.tensor2d(yr), tf.tensor2d(pr)]];
  const squares = (0.25 + 0 + 4 + 0.0625) / 4;
  close(await metricValue('mse', 'mean_squared_error', regression()), squares, 'mse');
  close(await metricValue('rmse', 'mean_squared_error', regression()), Math.sqrt(squares), 'rmse');
  close(await metricValue('mae', 'mean_squared_error', regression()), (0.5 + 0 + 2 + 0.25) / 4, 'mae');
  assert.equal(METRICS.length, 8, 'a new metric in the vocabulary needs a case here');
});

test('auc: 1 for a perfect ranking, 0.5 for a constant score, close to the exact area otherwise', async () => {
  const tf = await cpuTf();
  const y = [1, 0, 1, 0, 1, 0, 0, 1];
  const perfect = [0.9, 0.1, 0.8, 0.3, 0.7, 0.2, 0.35, 0.6];
  const mixed = [0.9, 0.6, 0.3, 0.4, 0.7, 0.2, 0.8, 0.1];
  const column = (v: number[]) => tf.tensor2d(v, [v.length, 1]);
  close(await metricValue('auc', 'binary_crossentropy', [[column(y), column(perfect)]]), 1, 'perfect', 1e-6);
  close(await metricValue('auc', 'binary_crossentropy', [[column(y), column(y.map(() => 0.5))]]), 0.5, 'constant', 1e-6);
  // Exact AUC: the fraction of (positive, negative) pairs ranked correctly.
  let correct = 0;
  let pairs = 0;
  y.forEach((yi, i) => y.forEach((yj, j) => {
    if (yi === 1 && yj === 0) {
      pairs++;
      correct += mixed[i]! > mixed[j]! ? 1 : 0;
    }
  }));
  close(await metricValue('auc', 'binary_crossentropy', [[column(y.slice(0, 4)), column(mixed.slice(0, 4))], [column(y.slice(4)), column(mixed.slice(4))]]), correct / pairs, 'mixed', 0.01);
  assert.throws(() => createMetrics(tf, ['f1'], createLoss(tf, 'mean_squared_error')), /unknown metric "f1" \(known: accuracy/);
});
