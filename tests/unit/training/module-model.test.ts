// Module models in the training runtime: the factory is transpiled, cached by content, called with the
// trial's configuration and the worker's tfjs, seeded, and trained and checkpointed like a layers model.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bindTrainStep } from '../../../runtime/training/bind-hyperparameters.js';
import { loadCheckpoint, saveCheckpoint } from '../../../runtime/training/checkpoint.js';
import { ModelSpecError } from '../../../runtime/training/layer-config.js';
import { compiledEntry } from '../../../runtime/training/module-model.js';
import { trainUnit } from '../../../runtime/training/train-unit.js';
import { createTrainer, disposeTrainer, type TrainerSpec } from '../../../runtime/training/trainer.js';
import type { TrainStep } from '../../../compiler/spec/types.js';
import { clusters, cpuTf, maxDifference, tempDir, weightsOf } from './fixture.js';

const dir = tempDir('module-model');
after(dir.remove);
// Compiled modules go to $XDG_CACHE_HOME/dlc/modules when no node_modules surrounds the module.
process.env.XDG_CACHE_HOME = join(dir.path, 'cache');

const NET = `import type * as tfl from '@tensorflow/tfjs-layers';
import { hidden } from './parts.ts';

export interface Hyperparameters {
  units: number;
  activation: 'relu' | 'tanh';
}

export function build(hp: Hyperparameters, ctx: { tf: typeof tfl; inputShape: number[]; seed: number }): tfl.LayersModel {
  const { tf } = ctx;
  const input = tf.input({ shape: ctx.inputShape });
  const x = hidden(tf, tf.layers.flatten().apply(input) as tfl.SymbolicTensor, hp.units, hp.activation);
  const output = tf.layers.dense({ units: 4, activation: 'softmax' }).apply(x) as tfl.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

export function notAModel() {
  return { layers: [] };
}

export function fails(hp: Hyperparameters): never {
  throw new Error(\`no model with \${hp.units} units\`);
}

export function wrongInput(_hp: Hyperparameters, ctx: { tf: typeof tfl }) {
  return ctx.tf.sequential({ layers: [ctx.tf.layers.dense({ inputShape: [3], units: 4 })] });
}
`;
const PARTS = `import type * as tfl from '@tensorflow/tfjs-layers';
export function hidden(tf: typeof tfl, x: tfl.SymbolicTensor, units: number, activation: 'relu' | 'tanh'): tfl.SymbolicTensor {
  return tf.layers.dense({ units, activation }).apply(x) as tfl.SymbolicTensor;
}
`;

function project(name: string, files: Record<string, string>): string {
  const root = join(dir.path, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return join(root, 'models', 'net.ts');
}

const module = project('a', { 'models/net.ts': NET, 'models/parts.ts': PARTS });

/** A module model's trainer spec, bound with `params` as the worker binds it. */
function spec(file: string, exportName = 'build', params: Record<string, unknown> = { units: 8, activation: 'tanh' }): TrainerSpec {
  const step = {
    op: 'train',
    data: { train: 'a' },
    features: ['x'],
    label: 'y',
    model: { input_shape: [2, 5], module: file, export: exportName },
    optimizer: { name: 'adam', learning_rate: 0.01 },
    loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'],
  } as TrainStep;
  return bindTrainStep(step, params);
}

test("the factory's model trains; hp and ctx arrive; initial weights follow the seed", async () => {
  const tf = await cpuTf();
  const trainer = createTrainer(tf, spec(module), { seed: 3 });
  assert.deepEqual(trainer.inputShape, [2, 5]);
  assert.deepEqual(trainer.outputShape, [4]);
  const dense = trainer.model.layers.find((l) => l.getClassName() === 'Dense')!.getConfig();
  assert.equal(dense.units, 8);
  assert.equal(dense.activation, 'tanh');
  const initial = weightsOf(trainer.model);
  const data = clusters(200, 10, 4, 1);
  const first = await trainUnit(tf, trainer, data, { batchSize: 20, shuffleSeed: 1 });
  const second = await trainUnit(tf, trainer, data, { batchSize: 20, shuffleSeed: 2 });
  assert.ok(second.metrics.loss < first.metrics.loss, `loss falls: ${first.metrics.loss} -> ${second.metrics.loss}`);

  const again = createTrainer(tf, spec(module), { seed: 3 });
  assert.equal(maxDifference(initial, weightsOf(again.model)), 0, 'the same seed, the same initial weights');
  const other = createTrainer(tf, spec(module), { seed: 4 });
  assert.ok(maxDifference(initial, weightsOf(other.model)) > 1e-4, 'another seed, other weights');

  // A checkpoint moves the trained state into a freshly built model, as when a trial changes workers.
  const path = join(dir.path, 'unit.ckpt');
  await saveCheckpoint(path, { model: trainer.model, optimizer: trainer.optimizer });
  await loadCheckpoint(tf, path, { model: again.model, optimizer: again.optimizer });
  assert.equal(maxDifference(weightsOf(trainer.model), weightsOf(again.model)), 0);
  for (const t of [trainer, again, other]) disposeTrainer(t);
});

test('compiled once into a cache keyed by content; an edited import compiles again', async () => {
  const file = project('b', { 'models/net.ts': NET, 'models/parts.ts': PARTS });
  const first = compiledEntry(file);
  assert.ok(first.startsWith(join(dir.path, 'cache', 'dlc', 'modules')), first);
  assert.ok(existsSync(join(first, '..', 'parts.js')), 'the relative import is compiled next to it');
  assert.equal(compiledEntry(file), first);
  writeFileSync(join(file, '..', 'parts.ts'), `${PARTS}// edited\n`);
  const second = compiledEntry(file);
  assert.notEqual(second, first);
  const tf = await cpuTf();
  disposeTrainer(createTrainer(tf, spec(file), { seed: 1 }));
  assert.ok(readdirSync(join(dir.path, 'cache', 'dlc', 'modules', 'index')).length >= 2);
});

test('mistakes are ModelSpecErrors that say what is wrong', async () => {
  const tf = await cpuTf();
  const fails = (s: TrainerSpec, pattern: RegExp) =>
    assert.throws(() => createTrainer(tf, s, { seed: 1 }), (e: unknown) => e instanceof ModelSpecError && pattern.test(e.message));
  fails(spec(module, 'missing'), /has no exported function 'missing' \(its functions: build, fails, notAModel, wrongInput\)/);
  fails(spec(module, 'notAModel'), /must return a tf\.LayersModel built with ctx\.tf, got a model of another copy/);
  fails(spec(module, 'fails'), /fails\(hp, ctx\) in .*net\.ts failed: no model with 8 units/);
  fails(spec(module, 'wrongInput'), /input is \[3\], which does not hold input_shape \[2, 5\]/);
  fails(spec(project('c', { 'models/net.ts': 'export function build( {' })), /net\.ts:1: /);
  fails(spec(join(dir.path, 'nowhere.ts')), /model module not found/);
});
