/**
 * A randomized driver for the schedulers: idle workers ask in random order, units end in random order,
 * some fail, workers die mid-unit, trials are stopped early. Every assignment is checked against the
 * invariants as it happens; the caller checks the end state.
 */
import assert from 'node:assert/strict';
import { createRng } from '../../../runtime/random/rng.js';
import type { AnyUnit, Scheduler, VisitEntry } from '../../../runtime/scheduler/types.js';

export interface DriveOptions {
  workers: readonly string[];
  trials: readonly number[];
  /** Partitions per epoch, or 'all' for task-parallel units. */
  partitions: number | 'all';
  epochs: number;
  seed: number;
  /** Chance an ending unit fails instead of completing. */
  failRate?: number;
  /** Chance per step that a worker (never the last one) is lost. */
  loseRate?: number;
  /** Chance per step that a trial is stopped. */
  stopRate?: number;
  /** The hopper's partition owner, to check a unit runs where its data is. */
  ownerOf?: (partition: number) => string | undefined;
  /** Task parallelism: a trial stays on one worker until it ends or is put back by a failure or loss. */
  pinned?: boolean;
}

export interface DriveResult {
  /** Completions per `trial/epoch/partition`. */
  completions: Map<string, number>;
  stopped: Set<number>;
  lost: Set<string>;
  /** Accepted completions in order, with the worker. */
  completedOrder: { worker: string; unit: AnyUnit }[];
  log: VisitEntry[];
  steps: number;
}

const keyOf = (u: { trial: number; epoch: number; partition: number | 'all' }): string => `${u.trial}/${u.epoch}/${u.partition}`;

export function drive(s: Scheduler<AnyUnit>, o: DriveOptions): DriveResult {
  const rng = createRng(o.seed, 'driver');
  const P = o.partitions === 'all' ? 1 : o.partitions;
  const parts: (number | 'all')[] = o.partitions === 'all' ? ['all'] : Array.from({ length: P }, (_, i) => i);
  const inFlight = new Map<string, AnyUnit>();
  const live = new Set(o.workers);
  const retired = new Set<string>();
  const lost = new Set<string>();
  const stopped = new Set<number>();
  const completions = new Map<string, number>();
  const completedOrder: { worker: string; unit: AnyUnit }[] = [];
  // For the pinning check: the worker holding each trial, and each worker's trial.
  const holder = new Map<number, string>();
  const holding = new Map<string, number>();
  const released = (trial: number): void => {
    const w = holder.get(trial);
    if (w !== undefined) holding.delete(w);
    holder.delete(trial);
  };
  const ended = (trial: number): boolean => {
    for (let e = 0; e < o.epochs; e++) for (const p of parts) if (!completions.has(keyOf({ trial, epoch: e, partition: p }))) return false;
    return true;
  };

  const assign = (w: string): 'wait' | 'done' | 'ran' => {
    const a = s.nextFor(w);
    if (a === 'wait' || a === 'done') {
      if (a === 'done') retired.add(w);
      return a;
    }
    assert.ok(live.has(w), `lost worker ${w} was given ${keyOf(a)}`);
    assert.ok(!stopped.has(a.trial), `stopped trial ${a.trial} was given a unit`);
    assert.ok(o.trials.includes(a.trial), `unknown trial ${a.trial}`);
    assert.ok(a.epoch >= 0 && a.epoch < o.epochs, `epoch ${a.epoch} out of range`);
    assert.ok(parts.includes(a.partition), `partition ${a.partition} out of range`);
    for (const [other, u] of inFlight) {
      assert.notEqual(u.trial, a.trial, `trial ${a.trial} given to ${w} while running on ${other}`);
      if (typeof a.partition === 'number') assert.notEqual(u.partition, a.partition, `partition ${a.partition} given to ${w} while ${other} uses it`);
    }
    if (o.ownerOf && typeof a.partition === 'number') assert.equal(o.ownerOf(a.partition), w, `partition ${a.partition} runs off its owner`);
    assert.ok(!completions.has(keyOf(a)), `${keyOf(a)} handed out again after completing`);
    if (a.epoch > 0) {
      for (const p of parts) assert.ok(completions.has(keyOf({ trial: a.trial, epoch: a.epoch - 1, partition: p })), `${keyOf(a)} before epoch ${a.epoch - 1} was done`);
    }
    if (o.pinned) {
      const h = holder.get(a.trial);
      assert.ok(h === undefined || h === w, `trial ${a.trial} moved from ${h} to ${w} while still held`);
      const mine = holding.get(w);
      assert.ok(mine === undefined || mine === a.trial, `worker ${w} switched from trial ${mine} to ${a.trial} mid-way`);
      holder.set(a.trial, w);
      holding.set(w, a.trial);
    }
    inFlight.set(w, a);
    return 'ran';
  };

  let steps = 0;
  for (;;) {
    steps++;
    assert.ok(steps < 200_000, 'the drive did not finish');
    if (inFlight.size === 0 && s.isDone()) break;

    const r = rng.next();
    const loseRate = live.size > 1 ? (o.loseRate ?? 0) : 0;
    if (r < loseRate) {
      const w = rng.pick([...live].sort());
      live.delete(w);
      lost.add(w);
      const u = inFlight.get(w);
      s.workerLost(w);
      // Whatever trial the worker held, running or between epochs, is free again.
      const held = holding.get(w);
      if (held !== undefined) released(held);
      if (u) {
        inFlight.delete(w);
        // A report from a worker already declared lost must be ignored.
        if (rng.next() < 0.5) assert.equal(s.completed(u, w).accepted, false);
        else assert.equal(s.failed(u, w), 'stale');
      }
      assert.equal(s.nextFor(w), 'done');
      continue;
    }
    if (r < loseRate + (o.stopRate ?? 0)) {
      const candidates = o.trials.filter((t) => !stopped.has(t));
      if (candidates.length > 0) {
        const t = rng.pick(candidates);
        stopped.add(t);
        s.stopTrial(t);
        if (o.pinned && ![...inFlight.values()].some((u) => u.trial === t)) released(t);
      }
      continue;
    }

    const idle = [...live].filter((w) => !inFlight.has(w) && !retired.has(w)).sort();
    if (inFlight.size === 0) {
      // Nothing running: some idle worker must be able to start, or the scheduler is stuck.
      let ran = false;
      for (const w of rng.shuffle(idle)) if (assign(w) === 'ran') ran = true;
      assert.ok(ran || s.isDone(), `stalled: nothing running, every idle worker told to wait (${idle.join(', ')})`);
      continue;
    }
    if (idle.length > 0 && rng.next() < 0.5) {
      assign(rng.pick(idle));
      continue;
    }
    const w = rng.pick([...inFlight.keys()].sort());
    const u = inFlight.get(w)!;
    inFlight.delete(w);
    if (rng.next() < (o.failRate ?? 0)) {
      const res = s.failed(u, w);
      assert.ok(res === 'requeued' || res === 'dropped', `failed → ${res}`);
      assert.equal(res === 'dropped', stopped.has(u.trial), `failure of ${keyOf(u)} gave ${res}`);
      if (o.pinned) released(u.trial);
    } else {
      const res = s.completed(u, w);
      assert.equal(res.accepted, true);
      const k = keyOf(u);
      completions.set(k, (completions.get(k) ?? 0) + 1);
      completedOrder.push({ worker: w, unit: u });
      if (o.pinned && (stopped.has(u.trial) || ended(u.trial))) released(u.trial);
    }
  }
  return { completions, stopped, lost, completedOrder, log: s.visitLog(), steps };
}

/** After draining: every (trial, epoch, partition) of a trial not stopped completed exactly once, the rest at most once. */
export function checkCoverage(r: DriveResult, o: Pick<DriveOptions, 'trials' | 'partitions' | 'epochs'>): void {
  const parts: (number | 'all')[] = o.partitions === 'all' ? ['all'] : Array.from({ length: o.partitions }, (_, i) => i);
  for (const t of o.trials) {
    for (let e = 0; e < o.epochs; e++) {
      for (const p of parts) {
        const n = r.completions.get(`${t}/${e}/${p}`) ?? 0;
        if (r.stopped.has(t)) assert.ok(n <= 1, `stopped trial ${t} completed ${e}/${p} ${n} times`);
        else assert.equal(n, 1, `trial ${t} epoch ${e} partition ${p} completed ${n} times`);
      }
    }
  }
  for (const [k, n] of r.completions) assert.equal(n, 1, `${k} completed ${n} times`);
  // The log agrees with what the workers did: nothing left in flight, the same completions.
  assert.ok(r.log.every((e) => e.outcome !== 'in-flight'), 'the log still shows units in flight');
  const logged = r.log.filter((e) => e.outcome === 'completed').map((e) => `${e.worker}:${e.trial}/${e.epoch}/${e.partition}`);
  assert.deepEqual(logged.sort(), r.completedOrder.map((c) => `${c.worker}:${c.unit.trial}/${c.unit.epoch}/${c.unit.partition}`).sort());
}
