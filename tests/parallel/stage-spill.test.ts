// Spilling a pipeline stage to host memory and loading it back (stage-spill.ts, stage-host.ts), in one
// process: the round trip gives back the weights and optimizer slots bit for bit, and a worker hosting
// several stages keeps only one stage's variables on the device at any time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Optimizer } from '@tensorflow/tfjs-core';
import { createLocalMeshes } from '../../runtime/parallel/mesh.js';
import { trainPipelineEpoch } from '../../runtime/parallel/pipeline/pipeline-epoch.js';
import { StageHost } from '../../runtime/parallel/pipeline/stage-host.js';
import { stageLinks } from '../../runtime/parallel/pipeline/stage-links.js';
import { buildStage, type Stage } from '../../runtime/parallel/pipeline/stage-model.js';
import { isResident, loadStage, spillStage } from '../../runtime/parallel/pipeline/stage-spill.js';
import { captureOptimizerState } from '../../runtime/training/optimizer-state.js';
import { trainableVariables } from '../../runtime/training/trainer.js';
import { cpuTf, weightsOf } from '../unit/training/fixture.js';
import { dataset, mlpSetup } from './fixture.js';

type NamedTensor = Awaited<ReturnType<Optimizer['getWeights']>>[number];
const layers = [{ dense: { units: 64, activation: 'relu' } }, { dense: { units: 64, activation: 'relu' } }, { dense: { units: 64, activation: 'tanh' } }, { dense: { units: 3, activation: 'softmax' } }];

/** One optimizer step with fixed pseudo-random gradients, so the slots exist and differ from zero. */
async function step(stage: Stage, seed: number): Promise<void> {
  const tf = await cpuTf();
  const variables = trainableVariables(stage.model);
  const grads = variables.map((v, i) => tf.randomNormal(v.shape, 0, 0.1, 'float32', seed + i));
  stage.optimizer.optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[i]! }) as NamedTensor));
  tf.dispose(grads);
}

for (const optimizer of [{ name: 'adam', learning_rate: 0.01 }, { name: 'adamax', learning_rate: 0.01 }, { name: 'rmsprop', learning_rate: 0.01, momentum: 0.5 }, { name: 'sgd', learning_rate: 0.1, momentum: 0.9 }]) {
  test(`a ${optimizer.name} stage spilled to host memory and loaded back has its weights and slots bit for bit, and trains on alike`, async () => {
    const tf = await cpuTf();
    const setup = mlpSetup('spill', optimizer, layers);
    const [spilled, twin] = [buildStage(tf, setup, 1, 2), buildStage(tf, setup, 1, 2)];
    await step(spilled, 1);
    await step(twin, 1);
    const weights = weightsOf(spilled.model);
    const state = await captureOptimizerState(spilled.optimizer.optimizer);
    const before = tf.memory();
    const copy = await spillStage(tf, spilled);
    const out = tf.memory();
    assert.equal(isResident(spilled), false);
    const values = spilled.model.weights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
    assert.ok(before.numBytes - out.numBytes >= 4 * values, `${before.numBytes - out.numBytes} B freed, the weights alone are ${4 * values} B`);
    assert.ok(copy.bytes >= 4 * values);
    await loadStage(tf, spilled, copy);
    assert.equal(isResident(spilled), true);
    assert.equal(tf.memory().numTensors, before.numTensors, 'as many tensors as before the round trip');
    assert.deepEqual(weightsOf(spilled.model), weights);
    assert.deepEqual(await captureOptimizerState(spilled.optimizer.optimizer), state);
    // Both train on to the same values: the restored slots are the ones the optimizer uses.
    await step(spilled, 7);
    await step(twin, 7);
    assert.deepEqual(weightsOf(spilled.model), weightsOf(twin.model));
  });
}

test('a worker hosting 3 stages has one stage\'s variables on the device at a time', async (t) => {
  const tf = await cpuTf();
  const setup = mlpSetup('host', { name: 'adam', learning_rate: 0.01 }, layers);
  const baseline = tf.memory();
  const host = new StageHost(tf);
  for (let s = 2; s >= 0; s--) await host.adopt(buildStage(tf, setup, s, 3), s === 0);
  // What each stage holds on the device once trained: weights and Adam's two slots per weight.
  const stateBytes = host.stages.map((s) => 3 * 4 * s.model.weights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0));
  let peakBytes = 0;
  let peakTensors = 0;
  const use = host.use.bind(host);
  host.use = async (index) => {
    const stage = await use(index);
    assert.deepEqual(host.stages.map(isResident), host.stages.map((s) => s.index === index));
    const m = tf.memory();
    peakBytes = Math.max(peakBytes, m.numBytes - baseline.numBytes);
    peakTensors = Math.max(peakTensors, m.numTensors - baseline.numTensors);
    return stage;
  };
  const rows = dataset(64, 3);
  const mesh = createLocalMeshes(1)[0]!;
  const epoch = await trainPipelineEpoch({ tf, host, mesh, links: stageLinks(mesh, [3]), data: [rows], batchSize: 16, microbatches: 4, shuffle: true, shuffleSeed: 1, validation: [dataset(20, 4)] });
  assert.equal(epoch.steps, 4);
  assert.ok(host.bytesSpilled > 0 && host.bytesLoaded > 0);
  const largest = Math.max(...stateBytes);
  t.diagnostic(`peak ${peakBytes} B and ${peakTensors} tensors on the device; stages hold ${stateBytes.join(', ')} B trained; ${host.bytesSpilled} B spilled, ${host.bytesLoaded} B loaded`);
  const all = stateBytes.reduce((a, b) => a + b, 0);
  // The largest stage's state, a few scalars and the activations of a micro-batch or two: not all three stages.
  assert.ok(peakBytes <= largest + 16_384, `peak ${peakBytes} B on the device; the largest stage holds ${largest} B, all three ${all} B`);
  assert.ok(peakTensors <= 3 * 2 * 2 + 16, `peak ${peakTensors} tensors`);
  host.dispose();
  assert.ok(tf.memory().numTensors - baseline.numTensors <= 2, 'the stages released');
});
