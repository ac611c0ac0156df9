// The planner's checkpoint size (compiler/cost/checkpoint-size.ts) against checkpoints the runtime really
// writes: every value it saves (weights, each optimizer's accumulators and scalars) counted exactly, the
// header close enough not to matter. Model state moves between workers only as these files, so every
// traffic estimate rests on this.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkpointOptimizerState, checkpointSize } from '../../../compiler/cost/checkpoint-size.js';
import { estimateLayersModel } from '../../../compiler/cost/model-memory.js';
import type { LayerItem } from '../../../compiler/spec/types.js';
import type { BoundOptimizerSpec } from '../../../runtime/training/bind-hyperparameters.js';
import { readCheckpoint, saveCheckpoint } from '../../../runtime/training/checkpoint.js';
import { trainUnit } from '../../../runtime/training/train-unit.js';
import { createTrainer, disposeTrainer } from '../../../runtime/training/trainer.js';
import { clusters, cpuTf, tempDir } from './fixture.js';

const dir = tempDir('checkpoint-size');
after(() => dir.remove());

const asIs = (_layer: string, _arg: string, v: unknown) => v;

// Batch normalisation brings weights that do not train (no accumulators), dropout none at all.
const MODELS: [string, number[], LayerItem[]][] = [
  ['mlp with batch normalisation', [6], [{ dense: { units: 12, activation: 'relu' } }, { batch_normalization: {} }, { dropout: { rate: 0.25 } }, { dense: { units: 3, activation: 'softmax' } }]],
  ['mlp 784-128-10', [28, 28], [{ flatten: {} }, { dense: { units: 128, activation: 'relu' } }, { dense: { units: 10, activation: 'softmax' } }]],
];

const OPTIMIZERS: [string, BoundOptimizerSpec, Record<string, unknown>][] = [
  ['sgd', { name: 'sgd', learning_rate: 0.1 }, {}],
  ['sgd', { name: 'sgd', learning_rate: 0.05, momentum: 0.9 }, { momentum: 0.9 }],
  ['momentum', { name: 'momentum', learning_rate: 0.05, momentum: 0.9 }, { momentum: 0.9 }],
  ['adam', { name: 'adam', learning_rate: 0.01 }, {}],
  ['adamax', { name: 'adamax', learning_rate: 0.01 }, {}],
  ['rmsprop', { name: 'rmsprop', learning_rate: 0.01 }, {}],
  ['rmsprop', { name: 'rmsprop', learning_rate: 0.01, momentum: 0.5 }, { momentum: 0.5 }],
  ['adagrad', { name: 'adagrad', learning_rate: 0.1 }, {}],
  ['adadelta', { name: 'adadelta', learning_rate: 1 }, {}],
];

for (const [label, inputShape, layers] of MODELS) {
  test(`the estimated checkpoint of ${label} holds exactly the values the runtime saves, for every optimizer`, async () => {
    const tf = await cpuTf();
    const estimate = estimateLayersModel(inputShape, layers, asIs);
    assert.ok(estimate.ok);
    const dims = inputShape.reduce((a, b) => a * b, 1);
    const data = clusters(48, dims, 3, 1);
    for (const [name, optimizer, settings] of OPTIMIZERS) {
      const trainer = createTrainer(tf, { model: { input_shape: inputShape, layers }, optimizer, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] }, { seed: 3 });
      try {
        // Accumulators exist once the optimizer has taken a step, as they have after any unit.
        await trainUnit(tf, trainer, data, { batchSize: 16, shuffleSeed: 1 });
        const path = join(dir.path, `${name}.ckpt`);
        // The meta a unit of a hopper run records.
        const saved = await saveCheckpoint(path, { model: trainer.model, optimizer: trainer.optimizer, meta: { node: 'search', trial: 3, epoch: 4, partition: 1, params: { units: 128, lr: 0.002 } } });
        const { data: values } = await readCheckpoint(path);
        const size = checkpointSize(estimate.model, checkpointOptimizerState(name, settings));
        const what = `${label}, ${name} ${JSON.stringify(settings)}`;
        assert.equal(size.values * 4, values.length, `${what}: values saved`);
        const header = saved.bytes - values.length;
        const estimatedHeader = size.bytes - size.values * 4;
        assert.ok(Math.abs(estimatedHeader - header) <= 0.4 * header, `${what}: header ${header} B, estimated ${estimatedHeader} B`);
      } finally {
        disposeTrainer(trainer);
      }
    }
  });
}

test('for a model of any size the header is noise: the MLP 784-128-10 with Adam within 0.1% of the file', async () => {
  const tf = await cpuTf();
  const [, inputShape, layers] = MODELS[1]!;
  const trainer = createTrainer(tf, { model: { input_shape: inputShape, layers }, optimizer: { name: 'adam', learning_rate: 0.002 }, loss: 'sparse_categorical_crossentropy' }, { seed: 3 });
  try {
    await trainUnit(tf, trainer, clusters(32, 784, 3, 2), { batchSize: 16, shuffleSeed: 1 });
    const saved = await saveCheckpoint(join(dir.path, 'mlp.ckpt'), { model: trainer.model, optimizer: trainer.optimizer, meta: { node: 'search', trial: 0, epoch: 0, partition: 1 } });
    const estimate = estimateLayersModel(inputShape, layers, asIs);
    assert.ok(estimate.ok);
    const size = checkpointSize(estimate.model, checkpointOptimizerState('adam'));
    // Weights and two moments: three copies of the model, which is what a hop really moves.
    assert.equal(size.values, 3 * 101_770 + 2);
    assert.ok(Math.abs(size.bytes - saved.bytes) / saved.bytes < 1e-3, `file ${saved.bytes} B, estimated ${size.bytes} B`);
  } finally {
    disposeTrainer(trainer);
  }
});
