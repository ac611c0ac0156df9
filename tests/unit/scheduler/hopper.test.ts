import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHopperScheduler, type HopperPolicy } from '../../../runtime/scheduler/hopper.js';
import { createRng } from '../../../runtime/random/rng.js';
import type { Unit } from '../../../runtime/scheduler/types.js';
import { checkCoverage, drive, type DriveOptions } from './driver.js';

const POLICIES: HopperPolicy[] = ['random', 'largest-remaining-first'];

interface Case {
  workers: string[];
  trials: number[];
  partitions: number;
  epochs: number;
  seed: number;
  policy: HopperPolicy;
}

function randomCase(i: number): Case {
  const r = createRng(20240611, `case:${i}`);
  const nw = r.int(1, 4);
  const nt = r.int(1, 9);
  // Trial ids need not be 0..n-1: sparse ids catch code that confuses an id with a position.
  const trials = r.shuffle(Array.from({ length: nt }, (_, k) => k * 3 + 1));
  return {
    workers: Array.from({ length: nw }, (_, k) => `w${k}`),
    trials,
    partitions: r.int(1, 8),
    epochs: r.int(1, 3),
    seed: r.uint32(),
    policy: r.pick(POLICIES),
  };
}

function run(c: Case, extra: Partial<DriveOptions>) {
  const s = createHopperScheduler({ configs: c.trials, partitions: c.partitions, workers: c.workers, epochs: c.epochs, seed: c.seed, policy: c.policy });
  const o: DriveOptions = { workers: c.workers, trials: c.trials, partitions: c.partitions, epochs: c.epochs, seed: c.seed ^ 0x5bd1e995, ownerOf: (p) => s.partitionOwner(p), ...extra };
  const r = drive(s, o);
  checkCoverage(r, o);
  return { s, r };
}

test('every size from 1x1x1x1 to 4 workers x 9 configs x 8 partitions x 3 epochs: each unit exactly once, invariants hold', () => {
  let cases = 0;
  for (let nw = 1; nw <= 4; nw++) {
    for (let nt = 1; nt <= 9; nt++) {
      for (let np = 1; np <= 8; np++) {
        for (let ne = 1; ne <= 3; ne++) {
          const c: Case = {
            workers: Array.from({ length: nw }, (_, k) => `w${k}`),
            trials: Array.from({ length: nt }, (_, k) => k),
            partitions: np,
            epochs: ne,
            seed: cases,
            policy: POLICIES[cases % 2]!,
          };
          const { s, r } = run(c, { failRate: 0.05 });
          for (const t of c.trials) assert.equal(s.trialStatus(t), 'finished');
          assert.equal(r.completions.size, nt * np * ne);
          cases++;
        }
      }
    }
  }
  assert.equal(cases, 864);
});

test('random completion order with unit failures, lost workers and early stopping, over 600 seeds', () => {
  let lostSome = 0;
  let stoppedSome = 0;
  for (let i = 0; i < 600; i++) {
    const c = randomCase(i);
    const { s, r } = run(c, { failRate: 0.1, loseRate: 0.02, stopRate: 0.02 });
    if (r.lost.size > 0) lostSome++;
    if (r.stopped.size > 0) stoppedSome++;
    for (const t of c.trials) {
      // A trial stopped while its last unit ran did finish.
      const expected = r.stopped.has(t) ? ['stopped', 'finished'] : ['finished'];
      assert.ok(expected.includes(s.trialStatus(t)), `trial ${t} ends ${s.trialStatus(t)}`);
    }
    // Ownership: every partition has exactly one owner, and it is a surviving worker.
    const owned = c.workers.flatMap((w) => s.partitionsOf(w)).sort((a, b) => a - b);
    assert.deepEqual(owned, Array.from({ length: c.partitions }, (_, p) => p));
    for (let p = 0; p < c.partitions; p++) assert.ok(!r.lost.has(s.partitionOwner(p)!), `partition ${p} still owned by a lost worker`);
  }
  // The random mix did exercise both paths.
  assert.ok(lostSome > 50, `only ${lostSome} runs lost a worker`);
  assert.ok(stoppedSome > 100, `only ${stoppedSome} runs stopped a trial`);
});

test('same seed, same calls: the same visit log; another seed: a different one', () => {
  const differs: boolean[] = [];
  for (let i = 0; i < 50; i++) {
    const c = randomCase(i);
    const a = run(c, { failRate: 0.1, loseRate: 0.02, stopRate: 0.02 }).r.log;
    const b = run(c, { failRate: 0.1, loseRate: 0.02, stopRate: 0.02 }).r.log;
    assert.deepEqual(a, b);
    const other = run({ ...c, seed: c.seed + 1 }, { failRate: 0.1, loseRate: 0.02, stopRate: 0.02 }).r.log;
    differs.push(JSON.stringify(other) !== JSON.stringify(a));
  }
  assert.ok(differs.filter(Boolean).length > 25, 'the seed barely changes the schedule');
});

test('partitions are dealt round-robin, or as given; a lost worker\'s go to the survivors that own fewest', () => {
  const s = createHopperScheduler({ configs: [0], partitions: 7, workers: ['a', 'b', 'c'], epochs: 1, seed: 1 });
  assert.deepEqual(['a', 'b', 'c'].map((w) => s.partitionsOf(w)), [[0, 3, 6], [1, 4], [2, 5]]);
  s.workerLost('a');
  assert.deepEqual(['a', 'b', 'c'].map((w) => s.partitionsOf(w)), [[], [0, 1, 4, 6], [2, 3, 5]]);
  assert.equal(s.partitionOwner(3), 'c');
  s.workerLost('b');
  s.workerLost('c');
  assert.equal(s.partitionOwner(0), undefined);
  assert.equal(s.nextFor('c'), 'done');

  const g = createHopperScheduler({ configs: [0], partitions: 3, workers: ['gpu', 'cpu'], epochs: 1, seed: 1, owners: ['gpu', 'gpu', 'cpu'] });
  assert.deepEqual(g.partitionsOf('gpu'), [0, 1]);
  assert.throws(() => createHopperScheduler({ configs: [0], partitions: 3, workers: ['a'], epochs: 1, seed: 1, owners: ['a', 'b', 'a'] }), /not a worker/);
});

test('a model waits for its whole epoch; a worker that owns nothing free waits; no preemption', () => {
  const s = createHopperScheduler({ configs: [7], partitions: 2, workers: ['a', 'b'], epochs: 2, seed: 3 });
  const ua = s.nextFor('a') as Unit;
  assert.deepEqual(ua, { trial: 7, epoch: 0, partition: 0 });
  // The only model is busy on a, so b (partition 1) must wait.
  assert.equal(s.nextFor('b'), 'wait');
  assert.throws(() => s.nextFor('a'), /in flight/);
  assert.throws(() => s.completed({ trial: 7, epoch: 0, partition: 1 }, 'a'), /running trial 7 epoch 0 partition 0/);
  assert.deepEqual(s.completed(ua, 'a'), { accepted: true, epochFinished: false, trialFinished: false });
  // Partition 0 is done for epoch 0: a has nothing until the model has also seen partition 1.
  assert.equal(s.nextFor('a'), 'wait');
  const ub = s.nextFor('b') as Unit;
  assert.deepEqual(ub, { trial: 7, epoch: 0, partition: 1 });
  assert.deepEqual(s.completed(ub, 'b'), { accepted: true, epochFinished: true, trialFinished: false });
  assert.equal(s.trialStatus(7), 'running');
  const u2 = s.nextFor('b') as Unit;
  assert.equal(u2.epoch, 1);
  s.completed(u2, 'b');
  const u3 = s.nextFor('a') as Unit;
  assert.deepEqual(s.completed(u3, 'a'), { accepted: true, epochFinished: true, trialFinished: true });
  assert.equal(s.nextFor('a'), 'done');
  assert.equal(s.isDone(), true);
  assert.deepEqual(
    s.visitLog().map((e) => [e.worker, e.epoch, e.partition, e.outcome]),
    [['a', 0, 0, 'completed'], ['b', 0, 1, 'completed'], ['b', 1, 1, 'completed'], ['a', 1, 0, 'completed']],
  );
});

test('a failed unit goes back to the pool; maxAttempts abandons a trial that keeps failing', () => {
  const s = createHopperScheduler({ configs: [1, 2], partitions: 1, workers: ['a'], epochs: 1, seed: 9, maxAttempts: 2 });
  const u = s.nextFor('a') as Unit;
  assert.equal(s.failed(u, 'a'), 'requeued');
  assert.equal(s.visitLog()[0]!.outcome, 'failed');
  // Whichever trial comes next, make the same one fail twice.
  let v = s.nextFor('a') as Unit;
  while (v.trial !== u.trial) {
    s.completed(v, 'a');
    v = s.nextFor('a') as Unit;
  }
  assert.equal(s.failed(v, 'a'), 'abandoned');
  assert.equal(s.trialStatus(u.trial), 'abandoned');
  const rest = s.nextFor('a');
  assert.notEqual(rest, 'wait');
  if (rest !== 'done' && rest !== 'wait') {
    assert.notEqual(rest.trial, u.trial);
    s.completed(rest, 'a');
  }
  assert.equal(s.nextFor('a'), 'done');
  assert.equal(s.isDone(), true);
});

test('stopTrial lets the running unit finish, then gives the trial nothing more', () => {
  const s = createHopperScheduler({ configs: [1, 2], partitions: 2, workers: ['a', 'b'], epochs: 3, seed: 5, policy: 'largest-remaining-first' });
  const ua = s.nextFor('a') as Unit;
  s.stopTrial(ua.trial);
  assert.equal(s.trialStatus(ua.trial), 'stopped');
  assert.deepEqual(s.completed(ua, 'a').accepted, true);
  const seen: number[] = [];
  for (let guard = 0; guard < 100 && !s.isDone(); guard++) {
    for (const w of ['a', 'b']) {
      const u = s.nextFor(w);
      if (u === 'wait' || u === 'done') continue;
      seen.push(u.trial);
      s.completed(u, w);
    }
  }
  assert.ok(s.isDone());
  assert.ok(!seen.includes(ua.trial));
  assert.equal(seen.length, 2 * 3);
  assert.throws(() => s.stopTrial(99), /unknown trial 99/);
});

test('largest-remaining-first hands an idle worker the model with the most work left', () => {
  const cost = (t: number): number => (t === 2 ? 5 : 1);
  const s = createHopperScheduler({ configs: [0, 1, 2, 3], partitions: 1, workers: ['a'], epochs: 2, seed: 11, policy: 'largest-remaining-first', modelCost: cost });
  const order: number[] = [];
  for (;;) {
    const u = s.nextFor('a');
    if (u === 'done') break;
    assert.notEqual(u, 'wait');
    order.push((u as Unit).trial);
    s.completed(u as Unit, 'a');
  }
  // Trial 2 (5x the cost) runs both its epochs first: after one it still has the most left (5 > 2).
  assert.deepEqual(order.slice(0, 2), [2, 2]);
  assert.equal(order.length, 8);
});

test('bad options are refused', () => {
  const base = { configs: [0], partitions: 1, workers: ['a'], epochs: 1, seed: 0 };
  assert.throws(() => createHopperScheduler({ ...base, partitions: 0 }), /partitions/);
  assert.throws(() => createHopperScheduler({ ...base, workers: [] }), /at least one worker/);
  assert.throws(() => createHopperScheduler({ ...base, workers: ['a', 'a'] }), /twice/);
  assert.throws(() => createHopperScheduler({ ...base, configs: [1, 1] }), /twice/);
  assert.throws(() => createHopperScheduler({ ...base, modelCost: () => 0 }), /positive/);
  assert.throws(() => createHopperScheduler({ ...base }).nextFor('z'), /unknown worker/);
  // Nothing to do is done at once.
  assert.equal(createHopperScheduler({ ...base, configs: [] }).nextFor('a'), 'done');
  assert.equal(createHopperScheduler({ ...base, epochs: 0 }).isDone(), true);
});
