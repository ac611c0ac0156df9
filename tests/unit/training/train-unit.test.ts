// One unit of training: a small MLP learns a separable problem, runs repeat exactly under the same seeds,
// streamed chunks train like arrays, and evaluation reports without changing the model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchesOf, type ExampleArrays } from '../../../runtime/training/batches.js';
import { evaluate, trainUnit } from '../../../runtime/training/train-unit.js';
import { createTrainer, disposeTrainer, type TrainerSpec } from '../../../runtime/training/trainer.js';
import { clusters, cpuTf, maxDifference, weightsOf } from './fixture.js';

const mlp = (extra: Partial<TrainerSpec> = {}): TrainerSpec => ({
  model: {
    input_shape: [10],
    layers: [{ dense: { units: 16, activation: 'relu' } }, { dropout: { rate: 0.2 } }, { dense: { units: 4, activation: 'softmax' } }],
  },
  optimizer: { name: 'adam', learning_rate: 0.01 },
  loss: 'sparse_categorical_crossentropy',
  metrics: ['accuracy'],
  ...extra,
});

test('a small MLP learns a separable problem to over 90% held-out accuracy', async () => {
  const tf = await cpuTf();
  const train = clusters(800, 10, 4, 1);
  const heldOut = clusters(400, 10, 4, 2);
  const trainer = createTrainer(tf, mlp({ metrics: ['accuracy', 'top_k_accuracy', 'precision', 'recall', 'auc', 'mse'] }), { seed: 1 });
  const first = await trainUnit(tf, trainer, train, { batchSize: 32, shuffleSeed: 1 });
  assert.equal(first.examples, 800);
  assert.equal(first.batches, 25);
  assert.equal(first.iterations, 25);
  let last = first;
  for (let epoch = 2; epoch <= 4; epoch++) last = await trainUnit(tf, trainer, train, { batchSize: 32, shuffleSeed: epoch });
  assert.equal(last.iterations, 100, 'the step count runs on across units');
  assert.ok(last.metrics.loss < first.metrics.loss, `training loss falls (${first.metrics.loss} -> ${last.metrics.loss})`);
  const result = await evaluate(tf, trainer, heldOut);
  assert.equal(result.examples, 400);
  assert.ok(result.metrics.accuracy! > 0.9, `held-out accuracy ${result.metrics.accuracy}`);
  assert.deepEqual(Object.keys(result.metrics), ['loss', 'accuracy', 'top_k_accuracy', 'precision', 'recall', 'auc', 'mse']);
  for (const [name, value] of Object.entries(result.metrics)) assert.ok(Number.isFinite(value), `${name} = ${value}`);
  disposeTrainer(trainer);
});

test('the same seeds give the same weights after a unit; another shuffle seed does not', async () => {
  const tf = await cpuTf();
  const data = clusters(200, 10, 4, 3);
  const run = async (seed: number, shuffleSeed: number) => {
    const trainer = createTrainer(tf, mlp(), { seed });
    const result = await trainUnit(tf, trainer, data, { batchSize: 16, shuffleSeed });
    const weights = weightsOf(trainer.model);
    disposeTrainer(trainer);
    return { weights, loss: result.metrics.loss };
  };
  const a = await run(4, 1);
  const b = await run(4, 1);
  assert.equal(maxDifference(a.weights, b.weights), 0);
  assert.equal(a.loss, b.loss);
  assert.ok(maxDifference(a.weights, (await run(4, 2)).weights) > 1e-4, 'the shuffle seed matters');
  assert.ok(maxDifference(a.weights, (await run(5, 1)).weights) > 1e-4, 'the model seed matters');
});

test('streamed chunks train exactly like the same examples in one array when not shuffled', async () => {
  const tf = await cpuTf();
  const data = clusters(100, 10, 4, 4);
  async function* chunks(): AsyncGenerator<ExampleArrays> {
    // Uneven chunk sizes so batches straddle chunk boundaries.
    for (const [from, to] of [[0, 7], [7, 40], [40, 41], [41, 100]] as const) {
      yield { features: data.features.subarray(from * 10, to * 10), labels: data.labels.subarray(from, to) };
    }
  }
  const whole = createTrainer(tf, mlp(), { seed: 2 });
  const streamed = createTrainer(tf, mlp(), { seed: 2 });
  const a = await trainUnit(tf, whole, data, { batchSize: 16, shuffle: false });
  const b = await trainUnit(tf, streamed, chunks(), { batchSize: 16, shuffle: false });
  assert.equal(a.batches, 7);
  assert.equal(b.batches, 7);
  assert.equal(maxDifference(weightsOf(whole.model), weightsOf(streamed.model)), 0);
  assert.equal(a.metrics.loss, b.metrics.loss);
  disposeTrainer(whole);
  disposeTrainer(streamed);
});

test('batches: full batches of shuffled examples, one short batch at the end, every example once', async () => {
  const count = 23;
  const features = Float32Array.from({ length: count * 2 }, (_, i) => Math.floor(i / 2));
  const labels = Int32Array.from({ length: count }, (_, i) => i);
  const chunks = [0, 5, 17, 23].slice(1).map((to, i, all) => {
    const from = i === 0 ? 0 : all[i - 1]!;
    return { features: features.subarray(from * 2, to * 2), labels: labels.subarray(from, to) };
  });
  const seen: number[] = [];
  const sizes: number[] = [];
  for await (const batch of batchesOf(chunks, [2], { batchSize: 4, shuffleSeed: 9 })) {
    sizes.push(batch.count);
    for (let i = 0; i < batch.count; i++) {
      assert.equal(batch.features[i * 2], batch.labels[i], 'features and labels stay paired');
      seen.push(batch.labels[i]!);
    }
  }
  assert.deepEqual(sizes, [4, 4, 4, 4, 4, 3]);
  assert.deepEqual([...seen].sort((x, y) => x - y), [...labels]);
  assert.notDeepEqual(seen, [...labels], 'shuffled');
  await assert.rejects(async () => {
    for await (const _ of batchesOf({ features: new Float32Array(5), labels: new Int32Array(2) }, [2], { batchSize: 2 })) {
      // consume
    }
  }, /not a whole number of examples/);
});

test('evaluate leaves the model unchanged, and repeated units leak no tensors', async () => {
  const tf = await cpuTf();
  const data = clusters(64, 10, 4, 5);
  const trainer = createTrainer(tf, mlp({ optimizer: { name: 'momentum', learning_rate: 0.05, clipnorm: 0.5 } }), { seed: 3 });
  await trainUnit(tf, trainer, data, { batchSize: 16 });
  const tensors = tf.memory().numTensors;
  await trainUnit(tf, trainer, data, { batchSize: 16, shuffleSeed: 1 });
  const before = weightsOf(trainer.model);
  const first = await evaluate(tf, trainer, data, { batchSize: 10 });
  const second = await evaluate(tf, trainer, data, { batchSize: 64 });
  assert.equal(maxDifference(before, weightsOf(trainer.model)), 0);
  assert.ok(Math.abs(first.metrics.loss - second.metrics.loss) < 1e-5, 'batch size does not change the result');
  assert.equal(first.metrics.accuracy, second.metrics.accuracy);
  assert.equal(tf.memory().numTensors, tensors, 'tensors alive after a unit and evaluations');
  disposeTrainer(trainer);
});

test('a unit makes exactly the updates tfjs-layers trainOnBatch makes (loss, L2 penalty, batch norm, Adam)', async () => {
  const tf = await cpuTf();
  const spec: TrainerSpec = {
    model: { input_shape: [10], layers: [{ dense: { units: 8, activation: 'relu', kernel_l2: 0.01 } }, { batch_normalization: {} }, { dense: { units: 4, activation: 'softmax' } }] },
    optimizer: { name: 'adam', learning_rate: 0.01 },
    loss: 'sparse_categorical_crossentropy',
  };
  const data = clusters(64, 10, 4, 6);
  const ours = createTrainer(tf, spec, { seed: 8 });
  const result = await trainUnit(tf, ours, data, { batchSize: 16, shuffle: false });
  const reference = createTrainer(tf, spec, { seed: 8 });
  reference.model.compile({ optimizer: reference.optimizer.optimizer, loss: 'sparseCategoricalCrossentropy' });
  let lossSum = 0;
  for (let i = 0; i < 4; i++) {
    const x = tf.tensor(data.features.subarray(i * 160, (i + 1) * 160), [16, 10]);
    const y = tf.tensor(data.labels.subarray(i * 16, (i + 1) * 16), [16], 'float32');
    lossSum += (await reference.model.trainOnBatch(x, y)) as number;
    tf.dispose([x, y]);
  }
  assert.equal(maxDifference(weightsOf(ours.model), weightsOf(reference.model)), 0);
  assert.ok(Math.abs(result.metrics.loss - lossSum / 4) < 1e-6, `loss ${result.metrics.loss} vs ${lossSum / 4}`);
  disposeTrainer(ours);
  disposeTrainer(reference);
});
