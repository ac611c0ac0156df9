/**
 * Task parallelism: every worker holds a full copy of the data and trains whole trials, one at a time, an
 * epoch per unit. A trial stays on the worker that took it until it finishes (its model never moves), unless
 * a unit fails, the worker is lost or the trial is held; then the trial goes back to the pool with the epochs
 * it has done, and is resumed before any fresh trial is started.
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
  type TaskUnit,
  type TrialStatus,
  type VisitEntry,
} from './types.js';

/**
 * The order fresh trials start in: as listed; shuffled by the seed; or the costliest first (longest
 * processing time first, the classic list-scheduling rule that keeps one long trial from finishing last).
 */
export type TaskPolicy = 'in-order' | 'random' | 'largest-first';

export interface TaskParallelOptions {
  configs: readonly number[];
  workers: readonly string[];
  epochs: number;
  seed?: number;
  /** Default `in-order`. */
  policy?: TaskPolicy;
  /** Relative cost of a trial's epoch, for `largest-first`. Default 1. */
  modelCost?: (trial: number) => number;
  /** After this many failures of the same epoch its trial is abandoned. Default: retry forever. */
  maxAttempts?: number;
}

export interface TaskParallelScheduler extends Scheduler<TaskUnit> {
  /** Records a unit as done without handing it out, for a resumed run; units in the order they completed. */
  markCompleted(unit: TaskUnit): CompletionResult;
}

interface TrialState {
  id: number;
  order: number;
  /** The model epoch in progress. */
  epoch: number;
  endEpoch: number;
  held: boolean;
  status: 'active' | 'finished' | 'stopped' | 'abandoned';
  pinnedTo: string | undefined;
  started: boolean;
  failures: Map<number, number>;
}

interface WorkerState {
  lost: boolean;
  trial: TrialState | undefined;
  current: { unit: TaskUnit; seq: number } | undefined;
}

export function createTaskParallelScheduler(options: TaskParallelOptions): TaskParallelScheduler {
  const { configs, workers: workerNames, epochs: E } = options;
  checkWholeNumber('epochs', E, 0);
  if (workerNames.length === 0) throw new RangeError('task parallelism needs at least one worker');
  checkDistinct('workers', workerNames);
  checkDistinct('configs', configs);
  for (const id of configs) if (!Number.isSafeInteger(id)) throw new RangeError(`trial ids must be whole numbers, got ${id}`);
  const maxAttempts = options.maxAttempts ?? Infinity;
  if (!(maxAttempts >= 1)) throw new RangeError(`maxAttempts must be >= 1, got ${maxAttempts}`);
  const policy = options.policy ?? 'in-order';

  const trials = new Map<number, TrialState>();
  const trialList: TrialState[] = [];
  const create = (id: number, range: EpochRange): TrialState => {
    const t: TrialState = {
      id,
      order: trialList.length,
      epoch: range.fromEpoch,
      endEpoch: range.toEpoch,
      held: false,
      status: range.fromEpoch >= range.toEpoch ? 'finished' : 'active',
      pinnedTo: undefined,
      started: false,
      failures: new Map(),
    };
    trials.set(id, t);
    trialList.push(t);
    return t;
  };
  for (const id of configs) create(id, { fromEpoch: 0, toEpoch: E });
  const costOf = (id: number): number => (options.modelCost ? options.modelCost(id) : 1);

  let fresh: TrialState[];
  switch (policy) {
    case 'in-order':
      fresh = trialList.slice();
      break;
    case 'random':
      fresh = createRng(options.seed ?? 0, 'task-parallel').shuffle(trialList);
      break;
    case 'largest-first': {
      const cost = new Map(trialList.map((t) => [t.id, costOf(t.id)]));
      fresh = trialList.slice().sort((a, b) => cost.get(b.id)! - cost.get(a.id)! || a.order - b.order);
      break;
    }
    default:
      throw new RangeError(`unknown task policy ${String(policy)}`);
  }
  /** Trials put back after a failure or a lost worker, resumed first so started work finishes early. */
  const resume: TrialState[] = [];

  const workers = new Map<string, WorkerState>(workerNames.map((n) => [n, { lost: false, trial: undefined, current: undefined }]));
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
  const anyActive = (): boolean => trialList.some((t) => t.status === 'active');
  const release = (w: WorkerState): void => {
    const t = w.trial;
    w.trial = undefined;
    if (!t) return;
    t.pinnedTo = undefined;
    if (t.status === 'active') {
      resume.push(t);
      resume.sort((a, b) => a.order - b.order);
    }
  };
  /** The first trial of a queue that may train now; stopped and abandoned ones are dropped, held ones stay. */
  const takeActive = (q: TrialState[]): TrialState | undefined => {
    for (let i = 0; i < q.length; ) {
      const t = q[i]!;
      if (t.status !== 'active') q.splice(i, 1);
      else if (t.held) i++;
      else return q.splice(i, 1)[0];
    }
    return undefined;
  };
  const letGo = (t: TrialState): void => {
    // A worker holding it idle lets it go now; one running it lets it go when the unit ends.
    for (const w of workers.values()) if (w.trial === t && !w.current) release(w);
  };
  const takeCurrent = (name: string, w: WorkerState, unit: TaskUnit, what: string): { unit: TaskUnit; seq: number } => {
    const cur = w.current;
    if (!cur || cur.unit.trial !== unit.trial || cur.unit.epoch !== unit.epoch || unit.partition !== 'all') {
      throw new Error(`worker ${name} reports ${unitLabel(unit)} ${what}, but it is running ${cur ? unitLabel(cur.unit) : 'nothing'}`);
    }
    w.current = undefined;
    return cur;
  };

  return {
    markCompleted(unit: TaskUnit): CompletionResult {
      const t = trialOf(unit.trial);
      if (t.status !== 'active' || t.pinnedTo !== undefined || unit.epoch !== t.epoch) {
        throw new Error(`cannot mark ${unitLabel(unit)} done: the trial is ${t.status} in epoch ${t.epoch}${t.pinnedTo ? ` on ${t.pinnedTo}` : ''}`);
      }
      // A started trial resumes before fresh ones, as after a lost worker.
      if (!t.started) {
        t.started = true;
        const i = fresh.indexOf(t);
        if (i >= 0) fresh.splice(i, 1);
        resume.push(t);
        resume.sort((a, b) => a.order - b.order);
      }
      t.epoch++;
      const trialFinished = t.epoch === t.endEpoch;
      if (trialFinished) t.status = 'finished';
      return { accepted: true, epochFinished: true, trialFinished };
    },

    nextFor(name: string): Assignment<TaskUnit> {
      const w = workerOf(name);
      if (w.lost) return 'done';
      if (w.current) throw new Error(`worker ${name} asks for work while ${unitLabel(w.current.unit)} is in flight`);
      if (!anyActive()) return 'done';
      if (w.trial && (w.trial.status !== 'active' || w.trial.held)) release(w);
      if (!w.trial) {
        const next = takeActive(resume) ?? takeActive(fresh);
        if (!next) return 'wait';
        w.trial = next;
        next.pinnedTo = name;
      }
      const t = w.trial;
      t.started = true;
      const unit: TaskUnit = { trial: t.id, epoch: t.epoch, partition: 'all' };
      const seq = log.length;
      log.push({ seq, worker: name, ...unit, outcome: 'in-flight' });
      w.current = { unit, seq };
      return { ...unit };
    },

    completed(unit: TaskUnit, name: string): CompletionResult {
      const w = workerOf(name);
      if (w.lost) return { accepted: false, epochFinished: false, trialFinished: false };
      const cur = takeCurrent(name, w, unit, 'completed');
      log[cur.seq]!.outcome = 'completed';
      const t = trialOf(cur.unit.trial);
      t.epoch++;
      const trialFinished = t.epoch === t.endEpoch;
      if (trialFinished) t.status = 'finished';
      if (t.status !== 'active' || t.held) release(w);
      return { accepted: true, epochFinished: true, trialFinished };
    },

    failed(unit: TaskUnit, name: string): FailureResult {
      const w = workerOf(name);
      if (w.lost) return 'stale';
      const cur = takeCurrent(name, w, unit, 'failed');
      log[cur.seq]!.outcome = 'failed';
      const t = trialOf(cur.unit.trial);
      if (t.status !== 'active') {
        release(w);
        return 'dropped';
      }
      const n = (t.failures.get(t.epoch) ?? 0) + 1;
      t.failures.set(t.epoch, n);
      if (n >= maxAttempts) t.status = 'abandoned';
      release(w);
      return t.status === 'abandoned' ? 'abandoned' : 'requeued';
    },

    workerLost(name: string): void {
      const w = workerOf(name);
      if (w.lost) return;
      w.lost = true;
      if (w.current) {
        log[w.current.seq]!.outcome = 'lost';
        w.current = undefined;
      }
      release(w);
    },

    stopTrial(trial: number): void {
      const t = trialOf(trial);
      if (t.status === 'active') t.status = 'stopped';
      letGo(t);
    },

    addTrial(trial: number, range: EpochRange): void {
      if (!Number.isSafeInteger(trial)) throw new RangeError(`trial ids must be whole numbers, got ${trial}`);
      if (trials.has(trial)) throw new RangeError(`trial ${trial} is already scheduled`);
      checkEpochRange(trial, range);
      const t = create(trial, range);
      if (t.status !== 'active') return;
      if (policy === 'largest-first') {
        const cost = costOf(trial);
        const at = fresh.findIndex((f) => costOf(f.id) < cost);
        fresh.splice(at < 0 ? fresh.length : at, 0, t);
      } else {
        // Joining trials queue in the order they come, under every other policy: a search adds them in
        // the order it wants them trained.
        fresh.push(t);
      }
    },

    holdTrial(trial: number): void {
      const t = trialOf(trial);
      t.held = true;
      letGo(t);
    },

    releaseTrial(trial: number): void {
      trialOf(trial).held = false;
    },

    trialStatus(trial: number): TrialStatus {
      const t = trialOf(trial);
      if (t.status !== 'active') return t.status;
      if (t.held && t.pinnedTo === undefined) return 'held';
      return t.started ? 'running' : 'pending';
    },

    isDone: () => !anyActive() && [...workers.values()].every((w) => w.current === undefined),

    visitLog: () => log.map((e) => ({ ...e })),
  };
}
