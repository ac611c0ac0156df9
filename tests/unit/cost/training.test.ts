import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONSTANTS } from '../../../compiler/cost/constants.js';
import { estimateLayersModel, optimizerSlots, pipelineStages, trainingMemory, windowOutput } from '../../../compiler/cost/model-memory.js';
import { allReduceTraffic, averagingTraffic, hopperTraffic, parameterServerTraffic, type RunShape, taskRemoteTraffic, taskReplicaTraffic } from '../../../compiler/cost/cerebro.js';
import { estimateTraining, type TrainingModelInput } from '../../../compiler/cost/training.js';
import { chooseTrainingStrategy } from '../../../compiler/cost/training-choice.js';
import type { LayerItem } from '../../../compiler/spec/types.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const asIs = (_layer: string, _arg: string, v: unknown) => v;

test('the Cerebro table: bytes moved and storage per strategy', () => {
  const r: RunShape = { configurations: 8, workers: 4, epochs: 10, modelBytes: 1e6, datasetBytes: 1e9, datasetRows: 100_000, batchSize: 100 };
  assert.deepEqual(hopperTraffic(r), { bytesMoved: 10 * 1e6 * 4 * 8 + 1e6 * 8, storage: 1e9 });
  assert.deepEqual(taskReplicaTraffic(r), { bytesMoved: 4 * 1e9 + 1e6 * 8, storage: 4e9 });
  assert.deepEqual(taskRemoteTraffic(r), { bytesMoved: 10 * 8 * 1e9 + 1e6 * 8, storage: 1e9 });
  assert.deepEqual(averagingTraffic(r), { bytesMoved: 2 * 10 * 1e6 * 4 * 8, storage: 1e9 });
  assert.equal(parameterServerTraffic(r).bytesMoved, (2 * 10 * 1e6 * 4 * 8 * 100_000) / (100 * 4));
  assert.equal(allReduceTraffic(r).bytesMoved, (2 * 10 * 1e6 * 3 * 8 * 100_000) / (100 * 4));
  // Hopper's partitions, when more than the workers, are each a visit per epoch.
  assert.equal(hopperTraffic({ ...r, partitions: 8 }).bytesMoved, 10 * 1e6 * 8 * 8 + 1e6 * 8);
});

test('layer shapes, parameters and flops of an MLP and a CNN', () => {
  const mlp = estimateLayersModel([28, 28], [{ flatten: {} }, { dense: { units: 128 } }, { dropout: { rate: 0.2 } }, { dense: { units: 10 } }], asIs);
  assert.ok(mlp.ok);
  assert.equal(mlp.model.params, 784 * 128 + 128 + 128 * 10 + 10);
  assert.deepEqual(mlp.model.layers.map((l) => l.outputShape), [[784], [128], [128], [10]]);
  assert.equal(mlp.model.flops, 2 * 784 * 128 + 128 + 2 * 128 * 10);

  const cnn: LayerItem[] = [
    { conv2d: { filters: 32, kernel_size: 3, padding: 'same' } },
    { batch_normalization: {} },
    { max_pooling2d: { pool_size: 2 } },
    { conv2d: { filters: 64, kernel_size: 3 } },
    { global_average_pooling2d: {} },
    { dense: { units: 10 } },
  ];
  const m = estimateLayersModel([28, 28, 1], cnn, asIs);
  assert.ok(m.ok);
  assert.deepEqual(m.model.layers.map((l) => l.outputShape), [[28, 28, 32], [28, 28, 32], [14, 14, 32], [12, 12, 64], [64], [10]]);
  assert.equal(m.model.params, (9 * 1 * 32 + 32) + 4 * 32 + 0 + (9 * 32 * 64 + 64) + 0 + (64 * 10 + 10));
  assert.equal(m.model.trainable, m.model.params - 2 * 32, 'moving mean and variance do not train');
  assert.equal(windowOutput(28, 3, 2, 'valid'), 13);
  assert.equal(windowOutput(28, 3, 2, 'same'), 14);
});

test('recurrent and embedding layers; an unknown size makes the estimate unknown with the reason', () => {
  const m = estimateLayersModel([20], [{ embedding: { input_dim: 1000, output_dim: 16 } }, { lstm: { units: 32 } }, { dense: { units: 1 } }], asIs);
  assert.ok(m.ok);
  assert.equal(m.model.params, 1000 * 16 + 4 * (32 * (16 + 32) + 32) + 33);
  const bad = estimateLayersModel([28, 28], [{ flatten: {} }, { dense: { units: '${hp.units}' } }], asIs);
  assert.deepEqual(bad, { ok: false, why: 'layers[1] (dense): units is not known' });
});

test('training memory: weights, a gradient and the optimizer slots per trainable weight, activations at the batch size', () => {
  const m = estimateLayersModel([784], [{ dense: { units: 1000 } }, { dense: { units: 10 } }], asIs);
  assert.ok(m.ok);
  const params = 784 * 1000 + 1000 + 1000 * 10 + 10;
  assert.equal(optimizerSlots('adam'), 2);
  assert.equal(optimizerSlots('sgd'), 0);
  assert.equal(optimizerSlots('sgd', { momentum: 0.9 }), 1);
  // tfjs's RMSprop keeps its momentum accumulator even at momentum 0 (checkpoint-size.test.ts counts it).
  assert.equal(optimizerSlots('rmsprop'), 2);
  assert.equal(optimizerSlots('rmsprop', { momentum: 0.9, centered: true }), 3);
  const mem = trainingMemory(m.model, 2, 32);
  assert.equal(mem.parameters, params * 4);
  assert.equal(mem.gradients, params * 4);
  assert.equal(mem.optimizer, params * 2 * 4);
  assert.equal(mem.activations, (784 + 1000 + 10 + 1000) * 32 * 4);
  assert.equal(mem.total, mem.parameters + mem.gradients + mem.optimizer + mem.activations);
});

test('pipeline stages: the fewest contiguous runs of layers that each fit; none when one layer alone does not', () => {
  const layers: LayerItem[] = [{ dense: { units: 4096 } }, { dense: { units: 4096 } }, { dense: { units: 4096 } }, { dense: { units: 10 } }];
  const m = estimateLayersModel([4096], layers, asIs);
  assert.ok(m.ok);
  const perLayer = 4096 * 4096 * 4 * 4; // weights, gradient, two Adam slots
  const fit = pipelineStages(m.model, 2, 32, 2.5 * perLayer);
  assert.ok(fit && fit.stages === 2, `two layers per stage: ${JSON.stringify(fit)}`);
  assert.equal(pipelineStages(m.model, 2, 32, 0.5 * perLayer), null);
});

function input(over: Partial<TrainingModelInput> = {}): TrainingModelInput {
  return {
    configurations: 4,
    workers: 2,
    epochs: 3,
    modelBytes: 400_000,
    state: { checkpointBytes: 3 * 400_000 + 1500, trainableValues: 100_000, stateValues: 300_002, optimizer: 'adam' },
    footprint: 3 * MiB,
    deviceBudget: 8 * GiB,
    datasetBytes: 17 * MiB,
    datasetRows: 5400,
    validationRows: 600,
    batchSize: { largest: 64, smallest: 64 },
    flopsPerExample: 610_000,
    partitions: 2,
    dataPartitioned: false,
    stages: { stages: 2, cut: 2, needed: 1, microbatches: 8, hosted: [1, 1], how: 'spread', boundaries: [128], spill: { spilled: 0, loaded: 0 } },
    constants: { ...DEFAULT_CONSTANTS },
    ...over,
  };
}

const pick = (i: TrainingModelInput) => chooseTrainingStrategy(i, estimateTraining(i));

test('the quickstart (|S| = 4, p = 2): model hopper, with the copies task parallelism would need in the reason', () => {
  const c = pick(input());
  assert.equal(c.strategy, 'hopper');
  assert.match(c.reason, /4 configurations on 2 workers \(\|S\| ≥ p\/2\)/);
  assert.match(c.reason, /2 full copies of the data/);
});

test('|S| < p/2: data parallel (all-reduce) when its steps are worth splitting; hopper and task would leave workers idle', () => {
  // Ten times the quickstart's compute per example: a step's work outweighs its exchange and wait.
  const heavy = input({ configurations: 1, workers: 4, partitions: 4, flopsPerExample: 6_100_000 });
  const c = pick(heavy);
  assert.equal(c.strategy, 'data');
  assert.match(c.reason, /leave 3 workers idle/);
  const alts = estimateTraining(heavy);
  assert.match(alts.find((a) => a.strategy === 'hopper')!.note, /3 of 4 workers idle/);
});

test('|S| < p/2 with a small model: hopper, because the synchronised mini-batches cost more than the idle workers save', () => {
  // The quickstart's MLP: 7.8 Mflop a 64-example step, against ~3 ms of exchange and 5 ms of wait per step.
  const small = input({ configurations: 1, workers: 4, partitions: 4 });
  const alts = estimateTraining(small);
  const data = alts.find((a) => a.strategy === 'data')!;
  const hopper = alts.find((a) => a.strategy === 'hopper')!;
  assert.ok(data.seconds! > hopper.seconds!, `data ${data.seconds} s, hopper ${hopper.seconds} s`);
  const c = chooseTrainingStrategy(small, alts);
  assert.equal(c.strategy, 'hopper');
  assert.match(c.reason, /synchronised mini-batches are estimated to cost more than they save/);
  // An idle machine's synchronisation (a calibration) makes splitting the steps pay again.
  const quiet = input({ configurations: 1, workers: 4, partitions: 4, constants: { ...DEFAULT_CONSTANTS, sync_step_s: 1e-4, send_bytes_per_s: 2e9 } });
  assert.equal(pick(quiet).strategy, 'data');
});

test('data larger than a worker, or already partitioned: hopper, which stores it once', () => {
  assert.match(pick(input({ datasetBytes: 20 * GiB, configurations: 8 })).reason, /larger than one worker's/);
  assert.equal(pick(input({ datasetBytes: 20 * GiB, configurations: 8 })).strategy, 'hopper');
  assert.match(pick(input({ dataPartitioned: true })).reason, /the data is partitioned/);
});

test('task parallelism when a full copy fits and its copies are clearly cheaper than the hops', () => {
  // A big model and small data: a checkpoint after every unit (hopper) costs far more than one per epoch.
  const big = { checkpointBytes: 3 * 400 * MiB, trainableValues: 100 * MiB, stateValues: 300 * MiB, optimizer: 'adam' };
  const c = pick(input({ modelBytes: 400 * MiB, state: big, datasetBytes: 1 * MiB, epochs: 50, configurations: 8 }));
  assert.equal(c.strategy, 'task');
  assert.match(c.reason, /2 full copies of the data/);
});

test('a model that does not fit a device: model parallelism; infeasible when a single layer does not fit', () => {
  const c = pick(input({ footprint: 10 * GiB, deviceBudget: 4 * GiB, stages: { stages: 3, cut: 3, needed: 3, microbatches: 12, hosted: [2, 1], how: 'spill', boundaries: [1024], spill: { spilled: 2 * GiB, loaded: 2 * GiB } } }));
  assert.equal(c.strategy, 'model');
  assert.ok(c.feasible);
  assert.match(c.reason, /3 stages/);
  const alts = estimateTraining(input({ footprint: 10 * GiB, deviceBudget: 4 * GiB }));
  for (const s of ['hopper', 'task', 'data']) assert.equal(alts.find((a) => a.strategy === s)!.feasible, false, s);
  const none = pick(input({ footprint: 10 * GiB, deviceBudget: 4 * GiB, stages: null }));
  assert.equal(none.feasible, false);
});

test('model averaging and asynchronous training are estimated only when asked for, and never chosen', () => {
  const alts = estimateTraining(input({ configurations: 1, workers: 8 }), ['data/average', 'data/async', 'data/parameter_server']);
  assert.deepEqual(alts.map((a) => a.strategy), ['hopper', 'task', 'data', 'model', 'data/average', 'data/async', 'data/parameter_server']);
  assert.match(alts.find((a) => a.strategy === 'data/average')!.note, /converges poorly/);
  for (const S of [1, 2, 4, 16, null]) assert.ok(['hopper', 'task', 'data', 'model'].includes(pick(input({ configurations: S, workers: 8 })).strategy));
});

test('an unknown number of configurations (an adaptive search) starts with hopper', () => {
  assert.equal(pick(input({ configurations: null })).strategy, 'hopper');
});
