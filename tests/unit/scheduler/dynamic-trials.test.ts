import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../../runtime/random/rng.js';
import { createHopperScheduler } from '../../../runtime/scheduler/hopper.js';
import { createTaskParallelScheduler } from '../../../runtime/scheduler/task-parallel.js';
import type { AnyUnit, EpochRange, Scheduler } from '../../../runtime/scheduler/types.js';

/**
 * Trials join mid-run with epoch ranges of their own, and are held and released at epoch boundaries, as a
 * search does. Checked as it runs: one model per partition and one worker per model at a time, no unit of a
 * held trial, epochs in order inside each trial's range; at the end, every epoch of every range trained on
 * every partition exactly once.
 */
function driveDynamic(s: Scheduler<AnyUnit>, o: { workers: string[]; partitions: number | 'all'; seed: number }): void {
  const rng = createRng(o.seed, 'dynamic');
  const parts = o.partitions === 'all' ? ['all' as const] : Array.from({ length: o.partitions }, (_, i) => i);
  const ranges = new Map<number, EpochRange>();
  const held = new Set<number>();
  const done = new Map<string, number>();
  const inFlight = new Map<string, AnyUnit>();
  let nextId = 0;
  const add = (): void => {
    const from = rng.int(0, 3);
    const range = { fromEpoch: from, toEpoch: from + rng.int(1, 3) };
    const id = nextId;
    nextId += rng.int(1, 5);
    ranges.set(id, range);
    s.addTrial(id, range);
  };
  for (let i = 0; i < 3; i++) add();
  const boundary = (t: number): boolean => {
    for (const [, u] of inFlight) if (u.trial === t) return false;
    const r = ranges.get(t)!;
    for (let e = r.fromEpoch; e < r.toEpoch; e++) {
      const n = parts.filter((p) => done.has(`${t}/${e}/${p}`)).length;
      if (n > 0 && n < parts.length) return false;
    }
    return true;
  };
  for (let step = 0; step < 20_000; step++) {
    const r = rng.next();
    if (r < 0.03 && nextId < 60) {
      add();
      continue;
    }
    if (r < 0.08) {
      const candidates = [...ranges.keys()].filter((t) => !held.has(t) && boundary(t));
      if (candidates.length > 0) {
        const t = rng.pick(candidates);
        held.add(t);
        s.holdTrial(t);
      }
      continue;
    }
    if (r < 0.14 && held.size > 0) {
      const t = rng.pick([...held].sort((a, b) => a - b));
      held.delete(t);
      s.releaseTrial(t);
      continue;
    }
    const idle = o.workers.filter((w) => !inFlight.has(w));
    if (idle.length > 0 && (inFlight.size === 0 || rng.next() < 0.5)) {
      const w = rng.pick(idle);
      const a = s.nextFor(w);
      if (a === 'wait' || a === 'done') {
        if (inFlight.size === 0 && held.size === 0 && nextId >= 60) break;
        continue;
      }
      assert.ok(!held.has(a.trial), `held trial ${a.trial} was given a unit`);
      const range = ranges.get(a.trial)!;
      assert.ok(a.epoch >= range.fromEpoch && a.epoch < range.toEpoch, `trial ${a.trial} epoch ${a.epoch} outside [${range.fromEpoch}, ${range.toEpoch})`);
      for (const p of parts) if (a.epoch > range.fromEpoch) assert.ok(done.has(`${a.trial}/${a.epoch - 1}/${p}`), `epoch ${a.epoch} of ${a.trial} before ${a.epoch - 1} ended`);
      for (const u of inFlight.values()) {
        assert.notEqual(u.trial, a.trial, `trial ${a.trial} on two workers`);
        if (typeof a.partition === 'number') assert.notEqual(u.partition, a.partition, `partition ${a.partition} used twice`);
      }
      inFlight.set(w, a);
      continue;
    }
    if (inFlight.size > 0) {
      const w = rng.pick([...inFlight.keys()].sort());
      const u = inFlight.get(w)!;
      inFlight.delete(w);
      assert.equal(s.completed(u as never, w).accepted, true);
      const key = `${u.trial}/${u.epoch}/${u.partition}`;
      assert.ok(!done.has(key), `${key} twice`);
      done.set(key, 1);
    }
  }
  for (const t of held) s.releaseTrial(t);
  // Drain what is left.
  for (let guard = 0; guard < 100_000 && !s.isDone(); guard++) {
    const w = o.workers[guard % o.workers.length]!;
    const a = s.nextFor(w);
    if (a === 'wait' || a === 'done') continue;
    assert.equal(s.completed(a as never, w).accepted, true);
    done.set(`${a.trial}/${a.epoch}/${a.partition}`, 1);
  }
  assert.ok(s.isDone());
  for (const [t, r] of ranges) for (let e = r.fromEpoch; e < r.toEpoch; e++) for (const p of parts) assert.ok(done.has(`${t}/${e}/${p}`), `trial ${t} epoch ${e} partition ${p} never trained`);
  assert.equal(done.size, [...ranges.values()].reduce((n, r) => n + (r.toEpoch - r.fromEpoch) * parts.length, 0));
}

for (const seed of [1, 2, 3, 4]) {
  test(`hopper (seeded order) takes trials mid-run with their own epochs, and holds: seed ${seed}`, () => {
    const workers = ['w0', 'w1', 'w2'];
    driveDynamic(createHopperScheduler({ configs: [], partitions: 3, workers, epochs: 0, seed, order: 'seeded' }), { workers, partitions: 3, seed });
  });
  test(`task parallelism takes trials mid-run with their own epochs, and holds: seed ${seed}`, () => {
    const workers = ['w0', 'w1'];
    driveDynamic(createTaskParallelScheduler({ configs: [], workers, epochs: 0, seed }), { workers, partitions: 'all', seed });
  });
}

test('a held trial reports held; an added trial id must be new', () => {
  const s = createHopperScheduler({ configs: [0], partitions: 1, workers: ['w0'], epochs: 2, seed: 1 });
  s.holdTrial(0);
  assert.equal(s.trialStatus(0), 'held');
  assert.equal(s.nextFor('w0'), 'wait');
  s.releaseTrial(0);
  assert.deepEqual(s.nextFor('w0'), { trial: 0, epoch: 0, partition: 0 });
  assert.throws(() => s.addTrial(0, { fromEpoch: 0, toEpoch: 1 }), /already scheduled/);
  assert.throws(() => s.addTrial(1, { fromEpoch: 2, toEpoch: 1 }), /toEpoch/);
});
