import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkpointOptimizerState, checkpointSize } from '../../../compiler/cost/checkpoint-size.js';
import { DEFAULT_CONSTANTS } from '../../../compiler/cost/constants.js';
import { estimateLayersModel } from '../../../compiler/cost/model-memory.js';
import { boundaryValues, cutStages } from '../../../compiler/cost/stage-cut.js';
import { estimateTraining, type TrainingModelInput } from '../../../compiler/cost/training.js';
import {
  allReduceMoved,
  averagingMoved,
  averagingRounds,
  hopperMoved,
  hopperReads,
  parameterServerMoved,
  pipelineMoved,
  ringBytes,
  type StateShape,
  taskMoved,
} from '../../../compiler/cost/training-traffic.js';
import { HEADER_BYTES } from '../../../runtime/parallel/frames.js';
import { DEFAULT_ROUNDS } from '../../../runtime/parallel/averaging-pass.js';

const asIs = (_layer: string, _arg: string, v: unknown) => v;
const mlp = (() => {
  const r = estimateLayersModel([28, 28], [{ flatten: {} }, { dense: { units: 128, activation: 'relu' } }, { dense: { units: 10, activation: 'softmax' } }], asIs);
  assert.ok(r.ok);
  return r;
})();
const checkpoint = checkpointSize(mlp.model, checkpointOptimizerState('adam'));

/** bench/parallel.bench.mjs's run: 1 configuration, 2 workers, 2 epochs of 4,800 rows (1,200 held out), batch 64. */
const bench: StateShape = {
  configurations: 1,
  workers: 2,
  epochs: 2,
  partitions: 2,
  checkpointBytes: checkpoint.bytes,
  trainableValues: mlp.model.trainable,
  stateValues: checkpoint.values,
  datasetRows: 4800,
  validationRows: 1200,
  batchSize: 64,
};

test('what the runtime frames and averages is what the estimate counts', () => {
  assert.equal(ringBytes(1000, 1), 0, 'a group of one sends nothing');
  // Each of 2 members sends 2 chunks of 500 values, each in a frame.
  assert.equal(ringBytes(1000, 2), 2 * (2 * 500 * 4 + 2 * HEADER_BYTES));
  assert.equal(averagingRounds(bench), DEFAULT_ROUNDS);
  assert.equal(averagingRounds({ datasetRows: 200, workers: 2, batchSize: 64 }), 2, 'no more rounds than a member has mini-batches');
});

// Bytes the runtime reported (run_finished.bytes_moved) for that run, seed 5, recorded in
// bench/results/parallel.json. The group strategies' bytes depend on no timing or random choice.
const MEASURED = { allreduce: 124_575_776, parameter_server: 126_203_592, ssp: 126_203_576, average: 21_986_128, model: 18_415_728, hopper: 7_336_080 };

test('the group strategies: estimates within 0.1% of the bytes the runtime measured', () => {
  const near = (label: string, estimate: number, measured: number) => assert.ok(Math.abs(estimate / measured - 1) < 1e-3, `${label}: estimate ${estimate} B, measured ${measured} B`);
  near('all-reduce', allReduceMoved(bench).bytes, MEASURED.allreduce);
  near('parameter server', parameterServerMoved(bench).bytes, MEASURED.parameter_server);
  near('ssp', parameterServerMoved(bench).bytes, MEASURED.ssp);
  near('averaging', averagingMoved(bench).bytes, MEASURED.average);
  near('model', pipelineMoved(bench, { stages: 2, microbatches: 4, boundaries: boundaryValues(mlp.model, 2) }).bytes, MEASURED.model);
});

test('hopper: a checkpoint per unit and a read per expected change of worker; within 10% of the run', () => {
  const h = hopperMoved(bench);
  assert.equal(h.writes, 4);
  // Within each epoch the second partition is on the other worker; across the epoch's end half the time.
  assert.equal(h.reads, 2 + 0.5);
  // That run's seeded order stayed on the worker across the epoch's end: 2 reads, 6 checkpoints.
  assert.ok(Math.abs(MEASURED.hopper / (6 * checkpoint.bytes) - 1) < 1e-3);
  assert.ok(Math.abs(h.bytes / MEASURED.hopper - 1) < 0.1, `estimate ${h.bytes} B, measured ${MEASURED.hopper} B`);
});

test('hopper with 8 configurations, as bench/results/hopper.md measured it: 21 reads on 2 workers, 1 on 1', () => {
  // 8 configurations, 2 epochs, one partition per worker; the checkpoints written are exact, the reads expected.
  const two = hopperMoved({ ...bench, configurations: 8, validationRows: 600 });
  assert.deepEqual([two.writes, two.reads], [32, 20]);
  assert.ok(Math.abs((32 + 21) / (two.writes + two.reads) - 1) < 0.1);
  // One worker keeps 6 of the 8 models: a model comes back to find its place taken a quarter of the time.
  const one = hopperMoved({ ...bench, configurations: 8, workers: 1, partitions: 1 });
  assert.deepEqual([one.writes, one.reads], [16, 2]);
  assert.ok(Math.abs((16 + 1) / (one.writes + one.reads) - 1) < 0.1);
});

test('hopper reads: partitions shared by a worker, one worker, more models than a worker keeps', () => {
  // 4 partitions on 2 workers: the next partition is on the other worker 2 times in 3, across an epoch's end 1 in 2.
  assert.ok(Math.abs(hopperReads({ configurations: 1, workers: 2, partitions: 4, epochs: 1 }) - 3 * (2 / 3)) < 1e-12);
  // One worker keeps up to 6 models: nothing is ever read again.
  assert.equal(hopperReads({ configurations: 6, workers: 1, partitions: 1, epochs: 5 }), 0);
  // Twelve models on one worker: a model coming back finds its place taken half the time.
  assert.equal(hopperReads({ configurations: 12, workers: 1, partitions: 1, epochs: 5 }), 4 * 0.5);
});

test('task parallelism writes a checkpoint per epoch and never reads one', () => {
  const t = taskMoved({ ...bench, configurations: 8 });
  assert.deepEqual([t.writes, t.reads, t.bytes], [16, 0, 16 * checkpoint.bytes]);
});

test('the pipeline is cut where the runtime cuts it: after the hidden layer, 128 values per example', () => {
  assert.deepEqual(cutStages(mlp.model, 2), [{ begin: 0, end: 2 }, { begin: 2, end: 3 }]);
  assert.deepEqual(boundaryValues(mlp.model, 2), [128]);
  assert.deepEqual(boundaryValues(mlp.model, 1), []);
});

function input(over: Partial<TrainingModelInput> = {}): TrainingModelInput {
  return {
    configurations: 4,
    workers: 1,
    epochs: 5,
    modelBytes: mlp.model.params * 4,
    state: { checkpointBytes: checkpoint.bytes, trainableValues: mlp.model.trainable, stateValues: checkpoint.values, optimizer: 'adam' },
    footprint: 3e6,
    deviceBudget: 8 * 2 ** 30,
    datasetBytes: 17e6,
    datasetRows: 5400,
    validationRows: 600,
    batchSize: { largest: 64, smallest: 64 },
    flopsPerExample: 610_176,
    partitions: 1,
    dataPartitioned: false,
    stages: { stages: 2, cut: 1, needed: 1, microbatches: 8, hosted: [1], how: 'recut', boundaries: [], spill: { spilled: 0, loaded: 0 } },
    constants: { ...DEFAULT_CONSTANTS },
    ...over,
  };
}

test('model parallelism on one worker is never estimated faster than training on it', () => {
  const alts = estimateTraining(input());
  const hopper = alts.find((a) => a.strategy === 'hopper')!;
  const model = alts.find((a) => a.strategy === 'model')!;
  assert.ok(model.seconds! >= hopper.seconds!, `model ${model.seconds} s, hopper ${hopper.seconds} s`);
  assert.match(model.note, /2 stages planned, cut into 1 on 1 worker: one worker does all the work/);
  // A model that needs more stages than there are workers pays for swapping the rest through host memory.
  const swap = { spilled: 3 * 2 ** 30, loaded: 3 * 2 ** 30 };
  const spilled = estimateTraining(input({ workers: 2, footprint: 10 * 2 ** 30, deviceBudget: 4 * 2 ** 30, stages: { stages: 3, cut: 3, needed: 3, microbatches: 12, hosted: [2, 1], how: 'spill', boundaries: [128], spill: swap } })).find((a) => a.strategy === 'model')!;
  const fitting = estimateTraining(input({ workers: 2, footprint: 10 * 2 ** 30, deviceBudget: 4 * 2 ** 30, stages: { stages: 2, cut: 2, needed: 2, microbatches: 12, hosted: [1, 1], how: 'spread', boundaries: [128], spill: { spilled: 0, loaded: 0 } } })).find((a) => a.strategy === 'model')!;
  assert.match(spilled.note, /3 stages on 2 workers \(3 needed to fit a worker's memory\): worker 0 stages 0–1, worker 1 stage 2, only the stage computing on the device; the idle ones spill to host memory, 6 GiB copied out and back/);
  assert.equal(spilled.spillBytes, 6 * 2 ** 30);
  assert.equal(fitting.spillBytes, undefined);
  assert.ok(spilled.seconds! > fitting.seconds!);
});

test('data parallelism pays sync_step_s per synchronised mini-batch; one worker synchronises nothing', () => {
  const two = input({ workers: 2, partitions: 2, configurations: 1 });
  const seconds = (sync: number) => estimateTraining({ ...two, constants: { ...DEFAULT_CONSTANTS, sync_step_s: sync } }).find((a) => a.strategy === 'data')!.seconds!;
  const steps = 5 * Math.ceil(5400 / 64);
  assert.ok(Math.abs(seconds(0.01) - seconds(0) - steps * 0.01) < 1e-9);
  const one = estimateTraining(input({ constants: { ...DEFAULT_CONSTANTS, sync_step_s: 1 } })).find((a) => a.strategy === 'data')!;
  assert.equal(one.bytesMoved, 4 * 5 * checkpoint.bytes, 'only the checkpoints');
  assert.ok(one.seconds! < 60, 'no synchronisation charged');
});

test('every alternative shows Cerebro\'s formula beside dlc\'s count', () => {
  const alts = estimateTraining(input({ workers: 2, partitions: 2 }), ['data/parameter_server', 'data/average']);
  for (const a of alts) assert.match(a.reference?.text ?? '', /^Cerebro/, a.strategy);
  const hopper = alts.find((a) => a.strategy === 'hopper')!;
  assert.match(hopper.reference!.text, /^Cerebro's k·m·p·\|S\| \+ m·\|S\| = .* counts one copy of the weights/);
  assert.ok(hopper.bytesMoved! > 3 * hopper.reference!.bytes!, 'a checkpoint is three copies of the weights with Adam, and reads come on top');
});
