// Model parallelism in one process: a small dense model cut into 2 stages, a mini-batch in 4 micro-batches
// through the GPipe schedule gives the gradients (and loss) of the whole model on the whole mini-batch; the
// stages' parts join into a whole-model checkpoint that loads into the whole model, and each stage loads
// its slice back.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { createLocalMeshes } from '../../runtime/parallel/mesh.js';
import { withRegularization } from '../../runtime/parallel/local-step.js';
import { applyStageGradients } from '../../runtime/parallel/pipeline/apply-step.js';
import { END_OF_PASS, pipelineStep, type StepGradients } from '../../runtime/parallel/pipeline/gpipe.js';
import { buildStage } from '../../runtime/parallel/pipeline/stage-model.js';
import { joinStageParts, loadStageSlice, saveStagePart } from '../../runtime/parallel/pipeline/stage-checkpoint.js';
import { planStages } from '../../runtime/parallel/pipeline/stages.js';
import { bindTrainStep, createTrainer, loadCheckpoint } from '../../runtime/training/index.js';
import { trainableVariables } from '../../runtime/training/trainer.js';
import type { TrainStep } from '../../compiler/spec/types.js';
import { cpuTf, weightsOf } from '../unit/training/fixture.js';
import { dataset, FEATURES, largestDifference, mlpSetup, scratch } from './fixture.js';

const layers = [{ dense: { units: 16, activation: 'relu', kernel_l2: 0.01 } }, { dense: { units: 12, activation: 'tanh' } }, { dense: { units: 8, activation: 'relu' } }, { dense: { units: 3, activation: 'softmax' } }];

test('stages are contiguous runs of layers with about equal parameters, each knowing its shapes', () => {
  const setup = mlpSetup('p', undefined, layers);
  const plans = planStages(bindTrainStep(setup.step as unknown as TrainStep, {}).model, 2);
  assert.deepEqual(
    plans.map((p) => [p.begin, p.end]),
    [
      [0, 2],
      [2, 4],
    ],
    '316 and 131 parameters (cutting after the first layer would leave 112 and 335)',
  );
  assert.deepEqual(plans[1]!.inputShape, [12]);
  assert.deepEqual(plans[1]!.outputShape, [3]);
  assert.equal(planStages(bindTrainStep(setup.step as unknown as TrainStep, {}).model, 4).length, 4);
  assert.throws(() => planStages(bindTrainStep(setup.step as unknown as TrainStep, {}).model, 5), /fewer than the 5/);
});

test('2 stages × 4 micro-batches give the whole model\'s gradients on the whole mini-batch', async (t) => {
  const tf = await cpuTf();
  const setup = mlpSetup('p', { name: 'adam', learning_rate: 0.01 }, layers);
  const whole = createTrainer(tf, bindTrainStep(setup.step as unknown as TrainStep, {}), { seed: setup.seed });
  const stages = [buildStage(tf, setup, 0, 2), buildStage(tf, setup, 1, 2)];
  assert.equal(largestDifference(weightsOf(whole.model), stages.flatMap((s) => weightsOf(s.model))), 0, 'the stages start from the whole model\'s initial weights');

  const rows = dataset(30, 5);
  const batch = { features: rows.features, labels: rows.labels, count: 30 };
  const x = tf.tensor(rows.features, [30, FEATURES.length]);
  const y = whole.loss.labels(rows.labels, 30, whole.outputShape);
  const variables = trainableVariables(whole.model);
  const { value, grads } = tf.variableGrads(() => withRegularization(tf, whole.model, whole.loss.compute(y, whole.model.apply(x) as Tensor)), variables as Variable[]);
  const expected = variables.map((v) => grads[v.name]!.dataSync() as Float32Array);

  const meshes = createLocalMeshes(2);
  const steps = (await Promise.all(stages.map((s, i) => pipelineStep(tf, s, meshes[i]!, 4, batch)))) as StepGradients[];
  const got = steps.flatMap((s) => s.grads.map((g) => g.dataSync() as Float32Array));
  const difference = largestDifference(got, expected);
  assert.ok(difference < 1e-6, `gradients differ by ${difference}`);
  t.diagnostic(`largest gradient difference from the whole model: ${difference.toExponential(2)}`);
  const loss = (steps[1]!.stats![0]!.dataSync()[0]! as number) / 30;
  assert.ok(Math.abs(loss - value.dataSync()[0]!) < 1e-6, `pipeline loss ${loss} vs ${value.dataSync()[0]}`);
  assert.equal(steps[0]!.stats, undefined, 'only the last stage scores');

  // One update on both sides, then the parts join into a checkpoint the whole model loads.
  await Promise.all(stages.map((s, i) => applyStageGradients(tf, s, meshes[i]!, steps[i]!.grads)));
  whole.optimizer.optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: grads[v.name]! })) as never);
  const dir = scratch();
  const counts = { weights: stages.map((s) => s.model.weights.length), trainable: stages.map((s) => s.model.trainableWeights.length) };
  const parts = await Promise.all(stages.map((s, i) => saveStagePart(s, join(dir, `part-${i}`), {}).then((p) => p.path)));
  await joinStageParts(parts, counts, join(dir, 'whole.ckpt'), { name: stages[0]!.optimizer.name, settings: stages[0]!.optimizer.settings }, {});
  const fresh = createTrainer(tf, bindTrainStep(setup.step as unknown as TrainStep, {}), { seed: 99 });
  await loadCheckpoint(tf, join(dir, 'whole.ckpt'), { model: fresh.model, optimizer: fresh.optimizer });
  assert.ok(largestDifference(weightsOf(fresh.model), weightsOf(whole.model)) < 1e-6, 'the joined checkpoint holds the updated whole model');
  const restored = await fresh.optimizer.optimizer.getWeights();
  const reference = await whole.optimizer.optimizer.getWeights();
  assert.equal(restored.length, reference.length);
  assert.ok(largestDifference(restored.slice(1).map((w) => w.tensor.dataSync() as Float32Array), reference.slice(1).map((w) => w.tensor.dataSync() as Float32Array)) < 1e-6, 'and the optimizer state in whole-model order');

  const again = buildStage(tf, setup, 1, 2);
  await loadStageSlice(tf, again, counts, join(dir, 'whole.ckpt'));
  assert.equal(largestDifference(weightsOf(again.model), weightsOf(stages[1]!.model)), 0, 'a stage loads its slice');

  // Stage 0 ends the pass; the others hear of it.
  const ends = await Promise.all(stages.map((s, i) => pipelineStep(tf, s, meshes[i]!, 4, i === 0 ? undefined : batch)));
  assert.deepEqual(ends, [END_OF_PASS, END_OF_PASS]);
});
