/** What the training schedulers hand out and report, shared by hopper, task-parallel and replay. */

/** One hopper unit: a trial's model trains one epoch's pass over one data partition. */
export interface Unit {
  trial: number;
  epoch: number;
  partition: number;
}

/** One task-parallel unit: a whole epoch over the full data, which every worker holds a copy of. */
export interface TaskUnit {
  trial: number;
  epoch: number;
  partition: 'all';
}

export type AnyUnit = Unit | TaskUnit;

/**
 * The answer to an idle worker: a unit to run; `wait` when nothing it may run is free now (ask again after
 * another unit completes, fails or a worker is lost, or a trial is released); `done` when it will never get
 * work again unless a trial is added.
 */
export type Assignment<U extends AnyUnit> = U | 'wait' | 'done';

/** What became of an assignment: still running, finished, failed (back to the pool), or lost with its worker. */
export type VisitOutcome = 'in-flight' | 'completed' | 'failed' | 'lost';

/** One assignment, in the order they were made; enough to replay a run. */
export interface VisitEntry {
  /** Position in the log, from 0. */
  seq: number;
  worker: string;
  trial: number;
  epoch: number;
  partition: number | 'all';
  outcome: VisitOutcome;
}

export interface CompletionResult {
  /** False when the report is stale: the worker had been declared lost and its unit re-queued. */
  accepted: boolean;
  /** The trial has now finished every partition of this unit's epoch. */
  epochFinished: boolean;
  /** The trial has now finished its last epoch. */
  trialFinished: boolean;
}

/**
 * After `failed`: the unit is back in the pool (`requeued`); its trial has now failed too often and gets no
 * more units (`abandoned`); its trial had been stopped, so it is not retried (`dropped`); or the report was
 * stale, the worker having been declared lost (`stale`).
 */
export type FailureResult = 'requeued' | 'abandoned' | 'dropped' | 'stale';

export type TrialStatus = 'pending' | 'running' | 'held' | 'finished' | 'stopped' | 'abandoned';

/**
 * The model epochs a trial trains: from `fromEpoch` (0 for a fresh model; more when it continues another
 * trial's checkpoint) up to, not including, `toEpoch`. Units carry model epochs.
 */
export interface EpochRange {
  fromEpoch: number;
  toEpoch: number;
}

/** The interface a runtime (or the simulator) drives. Workers report every unit they were given exactly once. */
export interface Scheduler<U extends AnyUnit = AnyUnit> {
  /** The next unit for an idle worker. Throws if the worker still has a unit in flight. */
  nextFor(worker: string): Assignment<U>;
  completed(unit: U, worker: string): CompletionResult;
  failed(unit: U, worker: string): FailureResult;
  /** The worker is gone: its unit in flight goes back to the pool and its reports from now on are stale. */
  workerLost(worker: string): void;
  /** Early stopping: the trial gets no more units. A unit already running is not preempted. */
  stopTrial(trial: number): void;
  /** A trial that joins mid-run (a search's later suggestion, a promotion), with its own epochs. */
  addTrial(trial: number, range: EpochRange): void;
  /**
   * The trial gets no units until released: a search waits for other trials' results before it decides
   * about this one. A unit already running is not preempted.
   */
  holdTrial(trial: number): void;
  releaseTrial(trial: number): void;
  trialStatus(trial: number): TrialStatus;
  /** Every trial finished, stopped or abandoned, and nothing in flight. */
  isDone(): boolean;
  /** Every assignment so far, in order, with what became of it (copies). */
  visitLog(): VisitEntry[];
}

export function unitLabel(u: { trial: number; epoch: number; partition: number | 'all' }): string {
  return `trial ${u.trial} epoch ${u.epoch} partition ${u.partition}`;
}

export function checkWholeNumber(what: string, n: number, min: number): void {
  if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`${what} must be a whole number >= ${min}, got ${n}`);
}

export function checkEpochRange(trial: number, range: EpochRange): void {
  checkWholeNumber(`trial ${trial} fromEpoch`, range.fromEpoch, 0);
  checkWholeNumber(`trial ${trial} toEpoch`, range.toEpoch, range.fromEpoch);
}

export function checkDistinct(what: string, items: readonly (string | number)[]): void {
  const seen = new Set<string | number>();
  for (const x of items) {
    if (seen.has(x)) throw new RangeError(`${what} lists ${JSON.stringify(x)} twice`);
    seen.add(x);
  }
}
