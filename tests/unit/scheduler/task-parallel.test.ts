import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../../runtime/random/rng.js';
import { createTaskParallelScheduler, type TaskPolicy } from '../../../runtime/scheduler/task-parallel.js';
import type { TaskUnit } from '../../../runtime/scheduler/types.js';
import { checkCoverage, drive } from './driver.js';

const POLICIES: TaskPolicy[] = ['in-order', 'random', 'largest-first'];

test('whole trials per worker: every epoch of every trial exactly once, pinned, over 500 seeds with chaos', () => {
  for (let i = 0; i < 500; i++) {
    const r = createRng(31337, `task-case:${i}`);
    const workers = Array.from({ length: r.int(1, 4) }, (_, k) => `w${k}`);
    const trials = Array.from({ length: r.int(1, 9) }, (_, k) => 10 + k);
    const epochs = r.int(1, 3);
    const policy = r.pick(POLICIES);
    const s = createTaskParallelScheduler({ configs: trials, workers, epochs, seed: r.uint32(), policy, modelCost: (t) => t % 4 });
    const o = { workers, trials, partitions: 'all' as const, epochs, seed: r.uint32(), pinned: true };
    const res = drive(s, i % 2 === 0 ? o : { ...o, failRate: 0.1, loseRate: 0.02, stopRate: 0.02 });
    checkCoverage(res, o);
  }
});

test('one trial on one worker until it is done, then the next in policy order', () => {
  const s = createTaskParallelScheduler({ configs: [0, 1, 2], workers: ['a', 'b'], epochs: 2, policy: 'largest-first', modelCost: (t) => [1, 3, 2][t]! });
  const a0 = s.nextFor('a') as TaskUnit;
  const b0 = s.nextFor('b') as TaskUnit;
  assert.deepEqual([a0, b0], [{ trial: 1, epoch: 0, partition: 'all' }, { trial: 2, epoch: 0, partition: 'all' }]);
  assert.deepEqual(s.completed(a0, 'a'), { accepted: true, epochFinished: true, trialFinished: false });
  assert.deepEqual(s.nextFor('a'), { trial: 1, epoch: 1, partition: 'all' });
  s.completed({ trial: 1, epoch: 1, partition: 'all' }, 'a');
  assert.equal(s.trialStatus(1), 'finished');
  assert.deepEqual(s.nextFor('a'), { trial: 0, epoch: 0, partition: 'all' });
  // b still holds trial 2 and there is nothing else to start.
  s.completed(b0, 'b');
  assert.deepEqual(s.nextFor('b'), { trial: 2, epoch: 1, partition: 'all' });
});

test('a failed or lost trial is resumed, with its epochs, before fresh ones start', () => {
  const s = createTaskParallelScheduler({ configs: [0, 1, 2], workers: ['a', 'b'], epochs: 3 });
  const u = s.nextFor('a') as TaskUnit;
  s.completed(u, 'a');
  const u1 = s.nextFor('a') as TaskUnit;
  assert.deepEqual(u1, { trial: 0, epoch: 1, partition: 'all' });
  s.workerLost('a');
  assert.equal(s.completed(u1, 'a').accepted, false);
  // b takes trial 0 back at epoch 1, ahead of the untouched trials 1 and 2.
  assert.deepEqual(s.nextFor('b'), { trial: 0, epoch: 1, partition: 'all' });
  assert.equal(s.failed({ trial: 0, epoch: 1, partition: 'all' }, 'b'), 'requeued');
  assert.deepEqual(s.nextFor('b'), { trial: 0, epoch: 1, partition: 'all' });
  assert.deepEqual(
    s.visitLog().map((e) => e.outcome),
    ['completed', 'lost', 'failed', 'in-flight'],
  );
});

test('random order is reproducible per seed', () => {
  const firsts = (seed: number): number[] => {
    const s = createTaskParallelScheduler({ configs: [0, 1, 2, 3, 4, 5, 6, 7], workers: ['a', 'b', 'c', 'd'], epochs: 1, seed, policy: 'random' });
    return ['a', 'b', 'c', 'd'].map((w) => (s.nextFor(w) as TaskUnit).trial);
  };
  assert.deepEqual(firsts(1), firsts(1));
  assert.ok([2, 3, 4, 5, 6].some((k) => JSON.stringify(firsts(k)) !== JSON.stringify(firsts(1))));
});
