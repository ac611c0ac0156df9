import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHopperScheduler, type HopperPolicy } from '../../../runtime/scheduler/hopper.js';
import { createReplayScheduler } from '../../../runtime/scheduler/replay.js';
import { createRng } from '../../../runtime/random/rng.js';
import { createTaskParallelScheduler } from '../../../runtime/scheduler/task-parallel.js';
import type { VisitEntry } from '../../../runtime/scheduler/types.js';
import { checkCoverage, drive } from './driver.js';

function recordedRun(i: number, chaos: boolean) {
  const r = createRng(77, `replay-case:${i}`);
  const workers = Array.from({ length: r.int(1, 4) }, (_, k) => `w${k}`);
  const trials = Array.from({ length: r.int(1, 9) }, (_, k) => k);
  const partitions = r.int(1, 8);
  const epochs = r.int(1, 3);
  const policy: HopperPolicy = r.pick(['random', 'largest-remaining-first']);
  const s = createHopperScheduler({ configs: trials, partitions, workers, epochs, seed: r.uint32(), policy });
  const o = { workers, trials, partitions, epochs, seed: r.uint32(), ownerOf: (p: number) => s.partitionOwner(p) };
  const res = drive(s, chaos ? { ...o, failRate: 0.1, loseRate: 0.02 } : o);
  checkCoverage(res, o);
  return { workers, trials, partitions, epochs, log: res.log };
}

/** What replay must preserve: the order each model saw the partitions, and each partition saw the models. */
function orders(log: readonly VisitEntry[]) {
  const done = log.filter((e) => e.outcome === 'completed');
  const byTrial = new Map<number, string[]>();
  const byPartition = new Map<string, number[]>();
  const byWorker = new Map<string, string[]>();
  for (const e of done) {
    byTrial.set(e.trial, [...(byTrial.get(e.trial) ?? []), `${e.epoch}/${e.partition}`]);
    byPartition.set(String(e.partition), [...(byPartition.get(String(e.partition)) ?? []), e.trial]);
    byWorker.set(e.worker, [...(byWorker.get(e.worker) ?? []), `${e.trial}/${e.epoch}/${e.partition}`]);
  }
  const sorted = <K, V>(m: Map<K, V>) => [...m.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return { byTrial: sorted(byTrial), byPartition: sorted(byPartition), byWorker: sorted(byWorker) };
}

test('a replay with different timing hands every worker exactly its recorded units, in order', () => {
  for (let i = 0; i < 200; i++) {
    const rec = recordedRun(i, i % 2 === 0);
    const replay = createReplayScheduler(rec.log);
    // Different completion order this time, no failures: the same per-worker, per-trial, per-partition order.
    const res = drive(replay, { workers: rec.workers, trials: rec.trials, partitions: rec.partitions, epochs: rec.epochs, seed: 1000 + i });
    checkCoverage(res, rec);
    const want = orders(rec.log);
    const got = orders(res.log);
    assert.deepEqual(got.byTrial, want.byTrial);
    assert.deepEqual(got.byPartition, want.byPartition);
    // Workers lost in the recorded run did some work before they died; the replay gives them exactly that.
    assert.deepEqual(got.byWorker, want.byWorker);
  }
});

test('replaying a replay gives the same log', () => {
  for (let i = 0; i < 30; i++) {
    const rec = recordedRun(i, true);
    const o = { workers: rec.workers, trials: rec.trials, partitions: rec.partitions, epochs: rec.epochs };
    const once = drive(createReplayScheduler(rec.log), { ...o, seed: 1 }).log;
    const twice = drive(createReplayScheduler(once), { ...o, seed: 2 }).log;
    assert.deepEqual(orders(twice), orders(once));
  }
});

test('failures and lost workers during a replay keep each model\'s partition order and the invariants', () => {
  for (let i = 0; i < 200; i++) {
    const rec = recordedRun(i, false);
    const replay = createReplayScheduler(rec.log);
    const res = drive(replay, { workers: rec.workers, trials: rec.trials, partitions: rec.partitions, epochs: rec.epochs, seed: 5000 + i, failRate: 0.15, loseRate: 0.03 });
    checkCoverage(res, rec);
    const want = orders(rec.log);
    const got = orders(res.log);
    assert.deepEqual(got.byTrial, want.byTrial);
    assert.deepEqual(got.byPartition, want.byPartition);
  }
});

test('stopping a trial in a replay drops its remaining units without blocking the partitions it shared', () => {
  for (let i = 0; i < 100; i++) {
    const rec = recordedRun(i, false);
    const res = drive(createReplayScheduler(rec.log), { workers: rec.workers, trials: rec.trials, partitions: rec.partitions, epochs: rec.epochs, seed: 9000 + i, stopRate: 0.05 });
    checkCoverage(res, rec);
  }
});

test('replays task-parallel logs too', () => {
  const workers = ['a', 'b', 'c'];
  const trials = [0, 1, 2, 3, 4];
  const s = createTaskParallelScheduler({ configs: trials, workers, epochs: 3, seed: 4, policy: 'random' });
  const rec = drive(s, { workers, trials, partitions: 'all', epochs: 3, seed: 8, failRate: 0.1, pinned: true });
  const res = drive(createReplayScheduler(rec.log), { workers, trials, partitions: 'all', epochs: 3, seed: 99 });
  checkCoverage(res, { trials, partitions: 'all', epochs: 3 });
  assert.deepEqual(orders(res.log).byWorker, orders(rec.log).byWorker);
});

test('a replay reports epoch and trial ends as recorded, and refuses a log that completes a unit twice', () => {
  const log: VisitEntry[] = [
    { seq: 0, worker: 'a', trial: 0, epoch: 0, partition: 0, outcome: 'completed' },
    { seq: 1, worker: 'b', trial: 0, epoch: 0, partition: 1, outcome: 'failed' },
    { seq: 2, worker: 'b', trial: 0, epoch: 0, partition: 1, outcome: 'completed' },
  ];
  const r = createReplayScheduler(log);
  assert.equal(r.nextFor('b'), 'wait');
  const u = r.nextFor('a');
  assert.deepEqual(u, { trial: 0, epoch: 0, partition: 0 });
  assert.deepEqual(r.completed({ trial: 0, epoch: 0, partition: 0 }, 'a'), { accepted: true, epochFinished: false, trialFinished: false });
  assert.equal(r.nextFor('a'), 'wait');
  const v = r.nextFor('b');
  assert.deepEqual(v, { trial: 0, epoch: 0, partition: 1 });
  assert.deepEqual(r.completed({ trial: 0, epoch: 0, partition: 1 }, 'b'), { accepted: true, epochFinished: true, trialFinished: true });
  assert.equal(r.nextFor('a'), 'done');
  assert.equal(r.trialStatus(0), 'finished');
  assert.throws(() => createReplayScheduler([log[0]!, { ...log[0]!, seq: 5 }]), /twice/);
});
