/**
 * Model hopper parallelism (Cerebro's MOP): the data is split into partitions, each owned by one worker,
 * and the models move between workers instead of the data. A unit is one model's pass over one partition
 * in one epoch, and always runs on that partition's owner.
 *
 * The invariants: every active trial trains on every partition exactly once per epoch; a model trains
 * on one worker at a time; a partition is used by one model at a time; a unit, once handed out, is never
 * preempted; a model starts epoch e+1 only after all partitions of epoch e. They hold as well for trials
 * added mid-run and for trials with epoch ranges of their own (a search's promotions and continuations).
 *
 * The scheduler is event-driven and does no I/O: the runtime asks `nextFor(worker)` whenever a worker is
 * idle and reports every unit's end. Choices are drawn from the seed, and the visit log records them so a
 * run can be replayed (replay.ts).
 */
import { createRng } from '../random/rng.js';
import {
  checkDistinct,
  checkEpochRange,
  checkWholeNumber,
  unitLabel,
  type Assignment,
  type CompletionResult,
  type EpochRange,
  type FailureResult,
  type Scheduler,
  type TrialStatus,
  type Unit,
  type VisitEntry,
} from './types.js';

/**
 * How an idle worker chooses among the (model, partition) pairs it may run: uniformly at random
 * (Cerebro), or the model with the most work left first (Hydra's largest-remaining-time-first), which
 * keeps the longest chains of units moving when models or workers differ in speed.
 */
export type HopperPolicy = 'random' | 'largest-remaining-first';

export interface HopperOptions {
  /** Trial ids, one model each. */
  configs: readonly number[];
  partitions: number;
  workers: readonly string[];
  epochs: number;
  seed: number;
  /** Default `random`. */
  policy?: HopperPolicy;
  /** Relative time one unit of a trial takes (its model's cost); weighs remaining work. Default 1. */
  modelCost?: (trial: number) => number;
  /**
   * The initial owner of each partition (index = partition), e.g. more partitions on a faster worker.
   * Default round-robin: partition p goes to workers[p mod |workers|].
   */
  owners?: readonly string[];
  /** After this many failures of the same unit its trial is abandoned. Default: retry forever. */
  maxAttempts?: number;
  /**
   * `free` (default): a trial may visit its remaining partitions in any order, whichever pair is free.
   * `seeded`: each trial visits the partitions of each epoch in an order drawn from the seed alone. A model's
   * weights depend on the order it saw the partitions, so with `seeded` the trained models, and so the
   * final metrics, are the same whatever the timing of the run, the worker count or a crash and resume; the
   * cost is that an idle worker may find no trial whose next partition it owns, and waits.
   */
  order?: 'free' | 'seeded';
}

export interface HopperScheduler extends Scheduler<Unit> {
  /**
   * Records a unit as done without it being handed out, for a resumed run: units must be given in the
   * order they completed. Returns what `completed` would have.
   */
  markCompleted(unit: Unit): CompletionResult;
  /** The worker a partition's units run on; undefined once every worker is lost. */
  partitionOwner(partition: number): string | undefined;
  /** The partitions a worker owns, ascending. */
  partitionsOf(worker: string): number[];
}

interface TrialState {
  id: number;
  /** The model epoch in progress. */
  epoch: number;
  /** The epoch at which the trial is finished. */
  endEpoch: number;
  held: boolean;
  /** Partitions finished in the current epoch. */
  done: boolean[];
  doneCount: number;
  runningOn: string | undefined;
  status: 'active' | 'finished' | 'stopped' | 'abandoned';
  started: boolean;
  cost: number;
  /** Failures per unit, keyed `epoch:partition`. */
  failures: Map<string, number>;
  /** Under `order: seeded`, the partitions of the current epoch in visiting order. */
  visitOrder: number[] | undefined;
}

interface WorkerState {
  name: string;
  lost: boolean;
  owned: Set<number>;
  current: { unit: Unit; seq: number } | undefined;
}

export function createHopperScheduler(options: HopperOptions): HopperScheduler {
  const { configs, partitions: P, workers: workerNames, epochs: E } = options;
  checkWholeNumber('partitions', P, 1);
  checkWholeNumber('epochs', E, 0);
  if (workerNames.length === 0) throw new RangeError('hopper needs at least one worker');
  checkDistinct('workers', workerNames);
  checkDistinct('configs', configs);
  for (const id of configs) if (!Number.isSafeInteger(id)) throw new RangeError(`trial ids must be whole numbers, got ${id}`);
  const policy = options.policy ?? 'random';
  if (policy !== 'random' && policy !== 'largest-remaining-first') throw new RangeError(`unknown hopper policy ${String(policy)}`);
  const maxAttempts = options.maxAttempts ?? Infinity;
  if (!(maxAttempts >= 1)) throw new RangeError(`maxAttempts must be >= 1, got ${maxAttempts}`);
  const rng = createRng(options.seed, 'hopper');

  const trials = new Map<number, TrialState>();
  const trialList: TrialState[] = [];
  const add = (id: number, range: EpochRange): void => {
    const cost = options.modelCost ? options.modelCost(id) : 1;
    if (!(cost > 0) || !Number.isFinite(cost)) throw new RangeError(`modelCost(${id}) must be a positive number, got ${cost}`);
    const t: TrialState = {
      id,
      epoch: range.fromEpoch,
      endEpoch: range.toEpoch,
      held: false,
      done: new Array<boolean>(P).fill(false),
      doneCount: 0,
      runningOn: undefined,
      status: range.fromEpoch >= range.toEpoch ? 'finished' : 'active',
      started: false,
      cost,
      failures: new Map(),
      visitOrder: undefined,
    };
    trials.set(id, t);
    trialList.push(t);
  };
  for (const id of configs) add(id, { fromEpoch: 0, toEpoch: E });

  const workers = new Map<string, WorkerState>();
  for (const name of workerNames) workers.set(name, { name, lost: false, owned: new Set(), current: undefined });
  const owner: (string | undefined)[] = [];
  const busyWith: (number | undefined)[] = new Array<number | undefined>(P).fill(undefined);
  if (options.owners) {
    if (options.owners.length !== P) throw new RangeError(`owners names ${options.owners.length} partitions, but there are ${P}`);
    options.owners.forEach((w, p) => {
      const ws = workers.get(w);
      if (!ws) throw new RangeError(`owners: partition ${p} goes to ${JSON.stringify(w)}, which is not a worker`);
      owner[p] = w;
      ws.owned.add(p);
    });
  } else {
    for (let p = 0; p < P; p++) {
      const w = workerNames[p % workerNames.length]!;
      owner[p] = w;
      workers.get(w)!.owned.add(p);
    }
  }

  const log: VisitEntry[] = [];

  const workerOf = (name: string): WorkerState => {
    const w = workers.get(name);
    if (!w) throw new RangeError(`unknown worker ${JSON.stringify(name)}`);
    return w;
  };
  const trialOf = (id: number): TrialState => {
    const t = trials.get(id);
    if (!t) throw new RangeError(`unknown trial ${id}`);
    return t;
  };
  const seededOrder = options.order === 'seeded';
  if (options.order !== undefined && options.order !== 'free' && !seededOrder) throw new RangeError(`unknown hopper order ${String(options.order)}`);
  /** The partition a trial must visit next under `order: seeded`; undefined under `free`. */
  const requiredNext = (t: TrialState): number | undefined => {
    if (!seededOrder) return undefined;
    t.visitOrder ??= createRng(options.seed, `visit-order/${t.id}/${t.epoch}`).shuffle(Array.from({ length: P }, (_, i) => i));
    return t.visitOrder[t.doneCount];
  };
  const remainingWork = (t: TrialState): number => ((t.endEpoch - t.epoch) * P - t.doneCount) * t.cost;
  const anyActive = (): boolean => trialList.some((t) => t.status === 'active');
  const anyInFlight = (): boolean => [...workers.values()].some((w) => w.current !== undefined);

  /** The worker's unit in flight, which the report must name; a mismatch is a driver bug. */
  const takeCurrent = (w: WorkerState, unit: Unit, what: string): { unit: Unit; seq: number } => {
    const cur = w.current;
    if (!cur || cur.unit.trial !== unit.trial || cur.unit.epoch !== unit.epoch || cur.unit.partition !== unit.partition) {
      throw new Error(`worker ${w.name} reports ${unitLabel(unit)} ${what}, but it is running ${cur ? unitLabel(cur.unit) : 'nothing'}`);
    }
    w.current = undefined;
    busyWith[cur.unit.partition] = undefined;
    trialOf(cur.unit.trial).runningOn = undefined;
    return cur;
  };

  const record = (t: TrialState, partition: number): CompletionResult => {
    t.done[partition] = true;
    t.doneCount++;
    let epochFinished = false;
    let trialFinished = false;
    if (t.doneCount === P) {
      t.epoch++;
      t.done.fill(false);
      t.doneCount = 0;
      t.visitOrder = undefined;
      epochFinished = true;
      if (t.epoch === t.endEpoch) {
        // A trial stopped while its last unit ran has still trained in full.
        t.status = 'finished';
        trialFinished = true;
      }
    }
    return { accepted: true, epochFinished, trialFinished };
  };

  const scheduler: HopperScheduler = {
    nextFor(name: string): Assignment<Unit> {
      const w = workerOf(name);
      if (w.lost) return 'done';
      if (w.current) throw new Error(`worker ${name} asks for work while ${unitLabel(w.current.unit)} is in flight`);
      // No active trial left means no unit can ever appear again, even if one in flight fails.
      if (!anyActive()) return 'done';
      const owned = [...w.owned].sort((a, b) => a - b);
      const pairs: { t: TrialState; p: number }[] = [];
      for (const t of trialList) {
        if (t.status !== 'active' || t.held || t.runningOn !== undefined) continue;
        // An idle owner's partitions are never busy today (an owner runs one unit at a time); the check keeps
        // the one-model-per-partition invariant from resting on that.
        const required = requiredNext(t);
        for (const p of owned) if (busyWith[p] === undefined && !t.done[p] && (required === undefined || p === required)) pairs.push({ t, p });
      }
      if (pairs.length === 0) return 'wait';
      let chosen: { t: TrialState; p: number };
      if (policy === 'random') {
        chosen = rng.pick(pairs);
      } else {
        let most = -Infinity;
        for (const { t } of pairs) most = Math.max(most, remainingWork(t));
        const leaders = [...new Set(pairs.filter(({ t }) => remainingWork(t) === most).map(({ t }) => t))];
        const t = rng.pick(leaders);
        chosen = rng.pick(pairs.filter((x) => x.t === t));
      }
      const unit: Unit = { trial: chosen.t.id, epoch: chosen.t.epoch, partition: chosen.p };
      const seq = log.length;
      log.push({ seq, worker: name, ...unit, outcome: 'in-flight' });
      w.current = { unit, seq };
      busyWith[chosen.p] = chosen.t.id;
      chosen.t.runningOn = name;
      chosen.t.started = true;
      return { ...unit };
    },

    completed(unit: Unit, name: string): CompletionResult {
      const w = workerOf(name);
      if (w.lost) return { accepted: false, epochFinished: false, trialFinished: false };
      const cur = takeCurrent(w, unit, 'completed');
      log[cur.seq]!.outcome = 'completed';
      return record(trialOf(cur.unit.trial), cur.unit.partition);
    },

    markCompleted(unit: Unit): CompletionResult {
      const t = trialOf(unit.trial);
      if (t.status !== 'active' || t.runningOn !== undefined) throw new Error(`cannot mark ${unitLabel(unit)} done: its trial is ${t.runningOn ? 'running' : t.status}`);
      if (unit.epoch !== t.epoch || !Number.isSafeInteger(unit.partition) || unit.partition < 0 || unit.partition >= P || t.done[unit.partition]) {
        throw new Error(`cannot mark ${unitLabel(unit)} done: the trial is in epoch ${t.epoch} and has done partitions [${t.done.flatMap((d, i) => (d ? [i] : [])).join(', ')}]`);
      }
      const required = requiredNext(t);
      if (required !== undefined && required !== unit.partition) throw new Error(`cannot mark ${unitLabel(unit)} done: the seeded order visits partition ${required} next`);
      t.started = true;
      return record(t, unit.partition);
    },

    failed(unit: Unit, name: string): FailureResult {
      const w = workerOf(name);
      if (w.lost) return 'stale';
      const cur = takeCurrent(w, unit, 'failed');
      log[cur.seq]!.outcome = 'failed';
      const t = trialOf(cur.unit.trial);
      if (t.status !== 'active') return 'dropped';
      const key = `${cur.unit.epoch}:${cur.unit.partition}`;
      const n = (t.failures.get(key) ?? 0) + 1;
      t.failures.set(key, n);
      if (n >= maxAttempts) {
        t.status = 'abandoned';
        return 'abandoned';
      }
      return 'requeued';
    },

    workerLost(name: string): void {
      const w = workerOf(name);
      if (w.lost) return;
      w.lost = true;
      if (w.current) {
        log[w.current.seq]!.outcome = 'lost';
        busyWith[w.current.unit.partition] = undefined;
        trialOf(w.current.unit.trial).runningOn = undefined;
        w.current = undefined;
      }
      // Each orphaned partition goes to the surviving worker that owns the fewest, so the load stays even;
      // the runtime copies the partition's data there (the only time data moves).
      for (const p of [...w.owned].sort((a, b) => a - b)) {
        let heir: WorkerState | undefined;
        for (const c of workers.values()) {
          if (!c.lost && (!heir || c.owned.size < heir.owned.size)) heir = c;
        }
        owner[p] = heir?.name;
        heir?.owned.add(p);
      }
      w.owned.clear();
    },

    stopTrial(trial: number): void {
      const t = trialOf(trial);
      if (t.status === 'active') t.status = 'stopped';
    },

    addTrial(trial: number, range: EpochRange): void {
      if (!Number.isSafeInteger(trial)) throw new RangeError(`trial ids must be whole numbers, got ${trial}`);
      if (trials.has(trial)) throw new RangeError(`trial ${trial} is already scheduled`);
      checkEpochRange(trial, range);
      add(trial, range);
    },

    holdTrial(trial: number): void {
      trialOf(trial).held = true;
    },

    releaseTrial(trial: number): void {
      trialOf(trial).held = false;
    },

    trialStatus(trial: number): TrialStatus {
      const t = trialOf(trial);
      if (t.status !== 'active') return t.status;
      if (t.held && t.runningOn === undefined) return 'held';
      return t.started ? 'running' : 'pending';
    },

    isDone: () => !anyActive() && !anyInFlight(),

    visitLog: () => log.map((e) => ({ ...e })),

    partitionOwner(partition: number): string | undefined {
      if (!Number.isSafeInteger(partition) || partition < 0 || partition >= P) throw new RangeError(`no partition ${partition} (there are ${P})`);
      return owner[partition];
    },

    partitionsOf(name: string): number[] {
      return [...workerOf(name).owned].sort((a, b) => a - b);
    },
  };
  return scheduler;
}

