import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHopperScheduler, type HopperPolicy } from '../../../runtime/scheduler/hopper.js';
import { createReplayScheduler } from '../../../runtime/scheduler/replay.js';
import { simulate, type SimWorker } from '../../../runtime/scheduler/simulate.js';
import { createTaskParallelScheduler } from '../../../runtime/scheduler/task-parallel.js';

const workersOf = (speeds: number[]): SimWorker[] => speeds.map((speed, i) => ({ name: `w${i}`, speed }));
const ids = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function hopper(o: { configs: number; partitions: number; speeds: number[]; epochs: number; seed: number; policy?: HopperPolicy; costs?: number[]; owners?: string[] }) {
  const workers = workersOf(o.speeds);
  const cost = (t: number): number => o.costs?.[t] ?? 1;
  const scheduler = createHopperScheduler({
    configs: ids(o.configs),
    partitions: o.partitions,
    workers: workers.map((w) => w.name),
    epochs: o.epochs,
    seed: o.seed,
    policy: o.policy ?? 'random',
    modelCost: cost,
    ...(o.owners ? { owners: o.owners } : {}),
  });
  return { scheduler, result: simulate({ scheduler, workers, unitCost: cost, partitions: o.partitions, modelBytes: 100, dataBytes: 8000 }) };
}

test('hopper on 2 workers is about twice as fast as on 1 (8 equal configs, 4 partitions, 3 epochs)', (t) => {
  const ratios: number[] = [];
  for (const policy of ['random', 'largest-remaining-first'] as const) {
    for (let seed = 0; seed < 20; seed++) {
      const one = hopper({ configs: 8, partitions: 4, speeds: [1], epochs: 3, seed, policy }).result;
      const two = hopper({ configs: 8, partitions: 4, speeds: [1, 1], epochs: 3, seed, policy }).result;
      assert.equal(one.makespan, 8 * 4 * 3);
      assert.equal(one.unitsCompleted, 96);
      assert.equal(two.unitsCompleted, 96);
      assert.equal(two.busy.w0! + two.busy.w1!, 96);
      ratios.push(one.makespan / two.makespan);
    }
  }
  const min = Math.min(...ratios);
  const max = Math.max(...ratios);
  t.diagnostic(`speed-up from 1 to 2 workers over 40 runs: min ${min.toFixed(3)}, max ${max.toFixed(3)}`);
  assert.ok(min >= 1.9 && max <= 2, `speed-up ${min}..${max}`);
});

test('model hops: every model visits every worker each epoch, and no unit moves a model more than once', () => {
  // 4 workers, one partition each, 8 models, 2 epochs.
  for (let seed = 0; seed < 20; seed++) {
    const { result } = hopper({ configs: 8, partitions: 4, speeds: [1, 1, 1, 1], epochs: 2, seed });
    // At least 4 hops in the first epoch and 3 in the next (the first may stay put); at most one per unit.
    assert.ok(result.modelHops >= 8 * 7 && result.modelHops <= 8 * 8, `hops ${result.modelHops}`);
    assert.equal(result.modelBytesMoved, result.modelHops * 100);
    assert.equal(result.dataBytesMoved, 0);
  }
  // One worker: each model is loaded once and never moves again.
  assert.equal(hopper({ configs: 8, partitions: 4, speeds: [1], epochs: 3, seed: 1 }).result.modelHops, 8);
});

test('task parallel moves p full copies of the data and each model once (Cerebro Table 2)', () => {
  const workers = workersOf([1, 1, 1, 1]);
  const scheduler = createTaskParallelScheduler({ configs: ids(8), workers: workers.map((w) => w.name), epochs: 3 });
  const r = simulate({ scheduler, workers, unitCost: () => 1, partitions: 4, modelBytes: 100, dataBytes: 8000 });
  assert.equal(r.dataBytesMoved, 4 * 8000);
  assert.equal(r.modelBytesMoved, 8 * 100);
  assert.equal(r.bytesMoved, 4 * 8000 + 8 * 100);
  // 8 trials × 3 epochs × 4 partitions of work on 4 workers, no idle time.
  assert.equal(r.makespan, 24);
  assert.equal(r.unitsCompleted, 24);
});

test('largest-remaining-first against random where workers and models differ in speed', (t) => {
  const examples = [
    // A GPU worker four times as fast as two CPU workers; two heavy models among six light ones.
    { name: 'speeds 4:1:1, model costs 4,2,1x6', costs: [4, 2, 1, 1, 1, 1, 1, 1], speeds: [4, 1, 1], partitions: 6, epochs: 2, assertNeverWorse: true },
    { name: 'speeds 4:1:1, equal models', costs: [1, 1, 1, 1, 1, 1], speeds: [4, 1, 1], partitions: 6, epochs: 2, assertNeverWorse: true },
    // Equal workers, one model six times the others: its chain of units bounds the run at 36.
    { name: 'equal speeds, model costs 6,1x5', costs: [6, 1, 1, 1, 1, 1], speeds: [1, 1, 1], partitions: 3, epochs: 2, assertNeverWorse: false },
  ];
  for (const ex of examples) {
    const random: number[] = [];
    const lrf: number[] = [];
    for (let seed = 0; seed < 100; seed++) {
      const o = { configs: ex.costs.length, partitions: ex.partitions, speeds: ex.speeds, epochs: ex.epochs, seed, costs: ex.costs };
      random.push(hopper({ ...o, policy: 'random' }).result.makespan);
      lrf.push(hopper({ ...o, policy: 'largest-remaining-first' }).result.makespan);
    }
    const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
    const worse = lrf.filter((l, i) => l > random[i]! + 1e-9).length;
    t.diagnostic(
      `${ex.name}: random makespan ${Math.min(...random)}..${Math.max(...random)} (mean ${mean(random).toFixed(2)}), ` +
        `largest-remaining-first ${Math.min(...lrf)}..${Math.max(...lrf)} (mean ${mean(lrf).toFixed(2)}), worse on ${worse}/100 seeds`,
    );
    if (ex.assertNeverWorse) {
      assert.equal(worse, 0, `${ex.name}: largest-remaining-first was worse on ${worse} seeds`);
      assert.ok(Math.max(...lrf) <= Math.min(...random));
    }
  }
});

test('a worker lost mid-run: its unit is redone elsewhere, its partitions move, the run still completes', () => {
  const workers = workersOf([1, 1, 1]);
  for (let seed = 0; seed < 20; seed++) {
    const scheduler = createHopperScheduler({ configs: ids(6), partitions: 6, workers: workers.map((w) => w.name), epochs: 2, seed });
    const r = simulate({ scheduler, workers, unitCost: () => 1, partitions: 6, modelBytes: 100, dataBytes: 6000, workerLosses: [{ worker: 'w1', at: 4.5 }] });
    assert.equal(r.unitsCompleted, 6 * 6 * 2);
    assert.equal(r.unitsLost, 1);
    assert.ok(r.busy.w1! <= 4.5);
    // w1's two partitions were fetched by the survivors: 2 × 1000 bytes.
    assert.equal(r.dataBytesMoved, 2000);
    assert.ok(r.timeline.filter((s) => s.worker === 'w1').every((s) => s.start < 4.5));
    assert.ok(scheduler.isDone());
  }
});

test('early stopping through onCompleted: stopped trials get no further units', () => {
  const workers = workersOf([1, 1]);
  const scheduler = createHopperScheduler({ configs: ids(6), partitions: 2, workers: workers.map((w) => w.name), epochs: 4, seed: 3 });
  const r = simulate({
    scheduler,
    workers,
    unitCost: () => 1,
    partitions: 2,
    // After its first epoch, every odd trial is stopped.
    onCompleted: ({ unit, result, scheduler: s }) => {
      if (result.epochFinished && unit.epoch === 0 && unit.trial % 2 === 1) s.stopTrial(unit.trial);
    },
  });
  assert.equal(r.unitsCompleted, 3 * 2 * 4 + 3 * 2);
  for (const tr of [1, 3, 5]) assert.ok(r.timeline.filter((s) => s.trial === tr).every((s) => s.epoch === 0));
});

test('a replay on workers of other speeds keeps every model\'s partition order', () => {
  const rec = hopper({ configs: 5, partitions: 4, speeds: [1, 1, 1, 1], epochs: 2, seed: 8 });
  const log = rec.scheduler.visitLog();
  const workers = workersOf([3, 1, 0.5, 2]);
  const replay = createReplayScheduler(log, { workers: workers.map((w) => w.name) });
  const r = simulate({ scheduler: replay, workers, unitCost: (t) => 1 + t, partitions: 4 });
  const order = (spans: { trial: number; epoch: number; partition: number | 'all'; worker: string }[]) =>
    ids(5).map((t) => spans.filter((s) => s.trial === t).map((s) => `${s.worker}:${s.epoch}/${s.partition}`));
  assert.deepEqual(order(r.timeline), order(log));
  assert.deepEqual(order(replay.visitLog()), order(log));
});

test('the simulator refuses what it cannot run', () => {
  const scheduler = createHopperScheduler({ configs: [0], partitions: 1, workers: ['a'], epochs: 1, seed: 0 });
  assert.throws(() => simulate({ scheduler, workers: [{ name: 'a', speed: 0 }], unitCost: () => 1, partitions: 1 }), /speed/);
  // A worker the scheduler gives partitions to but the simulation never runs: nothing can progress.
  const stuck = createHopperScheduler({ configs: [0], partitions: 2, workers: ['a', 'b'], epochs: 1, seed: 0 });
  assert.throws(() => simulate({ scheduler: stuck, workers: [{ name: 'a', speed: 1 }], unitCost: () => 1, partitions: 2 }), /stalled/);
});
