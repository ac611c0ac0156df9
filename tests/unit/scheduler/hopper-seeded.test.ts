import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHopperScheduler } from '../../../runtime/scheduler/hopper.js';
import { createTaskParallelScheduler } from '../../../runtime/scheduler/task-parallel.js';
import { createRng } from '../../../runtime/random/rng.js';
import { checkCoverage, drive, type DriveOptions } from './driver.js';

/** Per trial, the partitions in the order its model visited them, from the accepted completions. */
function visitOrders(order: { unit: { trial: number; partition: number | 'all' } }[]): Map<number, (number | 'all')[]> {
  const m = new Map<number, (number | 'all')[]>();
  for (const { unit } of order) m.set(unit.trial, [...(m.get(unit.trial) ?? []), unit.partition]);
  return m;
}

test('seeded order: each trial visits partitions in the same order whatever the timing, worker count or failures', () => {
  for (let i = 0; i < 60; i++) {
    const r = createRng(7, `seeded:${i}`);
    const trials = Array.from({ length: r.int(1, 8) }, (_, k) => k);
    const partitions = r.int(1, 6);
    const epochs = r.int(1, 3);
    const seed = r.uint32();
    let reference: Map<number, (number | 'all')[]> | undefined;
    for (const [workerCount, driveSeed, failRate] of [
      [1, 1, 0],
      [partitions, 2, 0.1],
      [Math.max(1, partitions - 1), 3, 0.2],
    ] as const) {
      const workers = Array.from({ length: workerCount }, (_, k) => `w${k}`);
      const s = createHopperScheduler({ configs: trials, partitions, workers, epochs, seed, order: 'seeded' });
      const o: DriveOptions = { workers, trials, partitions, epochs, seed: driveSeed, failRate, ownerOf: (p) => s.partitionOwner(p) };
      const result = drive(s, o);
      checkCoverage(result, o);
      const orders = visitOrders(result.completedOrder);
      if (reference === undefined) reference = orders;
      else assert.deepEqual(orders, reference, `case ${i}: ${workerCount} workers`);
    }
  }
});

test('seeded order differs between trials and between seeds (it is drawn, not fixed)', () => {
  const orders = (seed: number) => {
    const s = createHopperScheduler({ configs: [0, 1, 2, 3], partitions: 6, workers: ['w0'], epochs: 1, seed, order: 'seeded' });
    return visitOrders(drive(s, { workers: ['w0'], trials: [0, 1, 2, 3], partitions: 6, epochs: 1, seed: 1 }).completedOrder);
  };
  const a = orders(1);
  assert.notDeepEqual(a.get(0), a.get(1));
  assert.notDeepEqual(a.get(0), orders(2).get(0));
});

test('markCompleted restores a hopper run: the rest is handed out, nothing twice', () => {
  const configs = [0, 1, 2];
  const workers = ['w0', 'w1'];
  const first = createHopperScheduler({ configs, partitions: 2, workers, epochs: 2, seed: 5, order: 'seeded' });
  // Run part of the way: the first 5 completions.
  const done: { trial: number; epoch: number; partition: number }[] = [];
  while (done.length < 5) {
    for (const w of workers) {
      const u = first.nextFor(w);
      if (typeof u === 'string') continue;
      first.completed(u, w);
      done.push(u);
      if (done.length === 5) break;
    }
  }
  const second = createHopperScheduler({ configs, partitions: 2, workers, epochs: 2, seed: 5, order: 'seeded' });
  for (const u of done) second.markCompleted(u);
  const rest: string[] = [];
  for (let guard = 0; !second.isDone() && guard < 100; guard++) {
    for (const w of workers) {
      const u = second.nextFor(w);
      if (typeof u === 'string') continue;
      second.completed(u, w);
      rest.push(`${u.trial}/${u.epoch}/${u.partition}`);
    }
  }
  assert.ok(second.isDone());
  const all = [...done.map((u) => `${u.trial}/${u.epoch}/${u.partition}`), ...rest].sort();
  assert.equal(all.length, 12);
  assert.equal(new Set(all).size, 12);
  assert.throws(() => second.markCompleted({ trial: 0, epoch: 0, partition: 0 }), /cannot mark/);
});

test('markCompleted refuses a unit out of the seeded order', () => {
  const s = createHopperScheduler({ configs: [0], partitions: 4, workers: ['w0'], epochs: 1, seed: 9, order: 'seeded' });
  const u = s.nextFor('w0');
  assert.ok(typeof u !== 'string');
  const fresh = createHopperScheduler({ configs: [0], partitions: 4, workers: ['w0'], epochs: 1, seed: 9, order: 'seeded' });
  const wrong = [0, 1, 2, 3].find((p) => p !== u.partition)!;
  assert.throws(() => fresh.markCompleted({ trial: 0, epoch: 0, partition: wrong }), /seeded order visits partition/);
  fresh.markCompleted(u);
});

test('task-parallel markCompleted: a resumed trial continues from its next epoch', () => {
  const s = createTaskParallelScheduler({ configs: [0, 1], workers: ['w0'], epochs: 3 });
  s.markCompleted({ trial: 1, epoch: 0, partition: 'all' });
  s.markCompleted({ trial: 1, epoch: 1, partition: 'all' });
  const u = s.nextFor('w0');
  assert.deepEqual(u, { trial: 1, epoch: 2, partition: 'all' });
  assert.throws(() => s.markCompleted({ trial: 0, epoch: 1, partition: 'all' }), /cannot mark/);
});
