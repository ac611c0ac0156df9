// Checkpoints carry the optimizer's state: training k steps, saving, loading into a freshly built model and
// optimizer and training k more steps must equal 2k uninterrupted steps. Without the optimizer state it
// must not (otherwise the test would prove nothing for stateful optimizers). Corrupt files are refused.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { BoundOptimizerSpec } from '../../../runtime/training/bind-hyperparameters.js';
import { CheckpointError, loadCheckpoint, readCheckpoint, saveCheckpoint } from '../../../runtime/training/checkpoint.js';
import { createOptimizer } from '../../../runtime/training/optimizers.js';
import { trainUnit } from '../../../runtime/training/train-unit.js';
import { createTrainer, disposeTrainer, type Trainer, type TrainerSpec } from '../../../runtime/training/trainer.js';
import { clusters, cpuTf, maxDifference, tempDir, weightsOf } from './fixture.js';

const dir = tempDir('checkpoint');
after(() => dir.remove());

// Batch normalisation (non-trainable moving statistics) and dropout (masks seeded by step) make the
// round trip cover more than trainable weights and accumulators.
const spec = (optimizer: BoundOptimizerSpec): TrainerSpec => ({
  model: {
    input_shape: [6],
    layers: [
      { dense: { units: 12, activation: 'relu' } },
      { batch_normalization: {} },
      { dropout: { rate: 0.25 } },
      { dense: { units: 3, activation: 'softmax' } },
    ],
  },
  optimizer,
  loss: 'sparse_categorical_crossentropy',
  metrics: ['accuracy'],
});
const first = clusters(96, 6, 3, 1);
const second = clusters(96, 6, 3, 2);
const unit = { batchSize: 16 };

const OPTIMIZERS: [string, BoundOptimizerSpec][] = [
  ['sgd', { name: 'sgd', learning_rate: 0.1 }],
  ['momentum', { name: 'momentum', learning_rate: 0.05, momentum: 0.9 }],
  ['adam', { name: 'adam', learning_rate: 0.01 }],
  ['rmsprop', { name: 'rmsprop', learning_rate: 0.01 }],
  ['rmsprop with momentum', { name: 'rmsprop', learning_rate: 0.01, momentum: 0.5 }],
  ['adamax', { name: 'adamax', learning_rate: 0.01 }],
  ['adagrad', { name: 'adagrad', learning_rate: 0.1 }],
  ['adadelta', { name: 'adadelta', learning_rate: 1 }],
];

/** Weights after the two units without interruption. */
async function uninterrupted(optimizer: BoundOptimizerSpec): Promise<Float32Array[]> {
  const tf = await cpuTf();
  const trainer = createTrainer(tf, spec(optimizer), { seed: 7 });
  await trainUnit(tf, trainer, first, { ...unit, shuffleSeed: 1 });
  await trainUnit(tf, trainer, second, { ...unit, shuffleSeed: 2 });
  const weights = weightsOf(trainer.model);
  disposeTrainer(trainer);
  return weights;
}

/** Weights after the first unit, a checkpoint, a fresh model and optimizer, and the second unit. */
async function hopped(optimizer: BoundOptimizerSpec, path: string, withOptimizerState: boolean): Promise<{ weights: Float32Array[]; resumed: Trainer }> {
  const tf = await cpuTf();
  const before = createTrainer(tf, spec(optimizer), { seed: 7 });
  await trainUnit(tf, before, first, { ...unit, shuffleSeed: 1 });
  await saveCheckpoint(path, { model: before.model, optimizer: before.optimizer, meta: { unit: 1 } });
  disposeTrainer(before);

  // A different initialisation seed: everything the second unit starts from must come from the file.
  const resumed = createTrainer(tf, spec(optimizer), { seed: 99 });
  resumed.seed = 7; // the run's seed, which also seeds dropout, is the run's, not the worker's
  const loaded = await loadCheckpoint(tf, path, withOptimizerState ? { model: resumed.model, optimizer: resumed.optimizer.optimizer } : { model: resumed.model });
  assert.deepEqual(loaded.meta, { unit: 1 });
  await trainUnit(tf, resumed, second, { ...unit, shuffleSeed: 2 });
  return { weights: weightsOf(resumed.model), resumed };
}

for (const [label, optimizer] of OPTIMIZERS) {
  test(`checkpoint round trip equals uninterrupted training: ${label}`, async () => {
    const expected = await uninterrupted(optimizer);
    const { weights, resumed } = await hopped(optimizer, join(dir.path, `${label}.ckpt`), true);
    assert.equal(resumed.optimizer.optimizer.iterations, 12, 'the step count continues from the checkpoint');
    disposeTrainer(resumed);
    // The cpu backend is deterministic and the resumed run repeats the same float operations in the same
    // order, so the weights agree to the bit; any difference means some state was lost.
    const difference = maxDifference(weights, expected);
    assert.equal(difference, 0, `${label}: weights differ by ${difference} after the round trip`);
  });
}

for (const [label, optimizer] of OPTIMIZERS.filter(([name]) => ['momentum', 'adam', 'rmsprop'].includes(name))) {
  test(`without its optimizer state, resuming ${label} does not equal uninterrupted training`, async () => {
    const expected = await uninterrupted(optimizer);
    const { weights, resumed } = await hopped(optimizer, join(dir.path, `${label}-weights-only.ckpt`), false);
    disposeTrainer(resumed);
    assert.ok(maxDifference(weights, expected) > 1e-4, 'weights alone should not be enough for a stateful optimizer');
  });
}

test('a checkpoint is written atomically and records what it holds', async () => {
  const tf = await cpuTf();
  const trainer = createTrainer(tf, spec({ name: 'adam', learning_rate: 0.01 }), { seed: 1 });
  await trainUnit(tf, trainer, first, unit);
  const path = join(dir.path, 'atomic.ckpt');
  const saved = await saveCheckpoint(path, { model: trainer.model, optimizer: trainer.optimizer });
  assert.equal(saved.bytes, readFileSync(path).length);
  assert.deepEqual(readdirSync(dir.path).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left behind');
  const { header } = await readCheckpoint(path);
  assert.equal(header.sha256, saved.sha256);
  assert.equal(header.optimizer?.name, 'adam');
  assert.equal(header.optimizer?.className, 'Adam');
  assert.equal(header.optimizer?.iterations, 6);
  assert.equal(header.model.weights.length, trainer.model.weights.length);
  // Adam: iterations are in the header; two moments per trainable weight plus the two bias-correction powers.
  assert.equal(header.optimizer?.slots.length, 2 * trainer.model.trainableWeights.length + 2);
  disposeTrainer(trainer);
});

test('a corrupt checkpoint is refused with an error naming the file', async () => {
  const tf = await cpuTf();
  const trainer = createTrainer(tf, spec('sgd'), { seed: 1 });
  const path = join(dir.path, 'good.ckpt');
  await saveCheckpoint(path, { model: trainer.model, optimizer: trainer.optimizer });
  const good = readFileSync(path);

  const damaged = (name: string, change: (bytes: Buffer) => Buffer) => {
    const p = join(dir.path, name);
    writeFileSync(p, change(Buffer.from(good)));
    return p;
  };
  const flipLast = damaged('flipped-data.ckpt', (b) => {
    b[b.length - 1]! ^= 0x01;
    return b;
  });
  const headerEdit = damaged('edited-header.ckpt', (b) => Buffer.from(b.toString('latin1').replace('"iterations":0', '"iterations":5'), 'latin1'));
  const truncated = damaged('truncated.ckpt', (b) => b.subarray(0, b.length - 10));
  const notOne = damaged('not-a-checkpoint.ckpt', () => Buffer.from('{"weights": []}'));

  for (const [p, pattern] of [
    [flipLast, /is corrupt: SHA-256 mismatch/],
    [headerEdit, /is corrupt: SHA-256 mismatch/],
    [truncated, /is corrupt/],
    [notOne, /is not a dlc checkpoint/],
  ] as const) {
    await assert.rejects(loadCheckpoint(tf, p, { model: trainer.model }), (error: unknown) => {
      assert.ok(error instanceof CheckpointError);
      assert.match(error.message, pattern);
      assert.ok(error.message.includes(p), `the message names ${p}: ${error.message}`);
      return true;
    });
  }
  await assert.rejects(loadCheckpoint(tf, join(dir.path, 'missing.ckpt'), { model: trainer.model }), /cannot read checkpoint .*missing\.ckpt/);
  assert.ok(existsSync(path));
  disposeTrainer(trainer);
});

test('loading into a different architecture or optimizer kind fails clearly', async () => {
  const tf = await cpuTf();
  const trainer = createTrainer(tf, spec({ name: 'adam' }), { seed: 1 });
  await trainUnit(tf, trainer, first, unit);
  const path = join(dir.path, 'adam.ckpt');
  await saveCheckpoint(path, { model: trainer.model, optimizer: trainer.optimizer });

  const wider = createTrainer(tf, { ...spec('adam'), model: { input_shape: [6], layers: [{ dense: { units: 5 } }, { dense: { units: 3, activation: 'softmax' } }] } });
  await assert.rejects(loadCheckpoint(tf, path, { model: wider.model }), /holds 8 weights but the model has 4/);
  const sgd = createOptimizer(tf, 'sgd');
  await assert.rejects(loadCheckpoint(tf, path, { model: trainer.model, optimizer: sgd.optimizer }), /state is of a Adam optimizer, not SGD/);
  const weightsOnly = join(dir.path, 'weights-only.ckpt');
  await saveCheckpoint(weightsOnly, { model: trainer.model });
  await assert.rejects(loadCheckpoint(tf, weightsOnly, { model: trainer.model, optimizer: trainer.optimizer.optimizer }), /has no optimizer state/);
  disposeTrainer(wider);
  disposeTrainer(trainer);
  sgd.optimizer.dispose();
});
