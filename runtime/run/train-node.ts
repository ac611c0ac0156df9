/**
 * Runs one train step: the search's trials under model hopper or task parallelism on the backend's workers.
 * The search (scheduler/search) decides which trials there are and when each ends; the scheduler decides
 * which unit goes where; this loop hands units out, turns results into events and trial records, feeds every
 * epoch to the search and carries out its verdicts, stops trials early, keeps the budgets, survives lost
 * workers, and can start from an earlier run's units (which rebuild the search's state, the same decisions
 * being made from the same results).
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { PlanNode } from '../../compiler/phases/5-plan/plan-types.js';
import type { SearchSpec, TrainStep } from '../../compiler/spec/types.js';
import { TaskFailedError, WorkerLostError, type WorkerBackend } from '../backends/types.js';
import type { EventBus } from '../events/sinks.js';
import type { UnitFinished } from '../events/types.js';
import {
  createHopperScheduler,
  createReplayScheduler,
  createTaskParallelScheduler,
  pickBest,
  SearchSpaceError,
  type AnyUnit,
  type Scheduler,
  type VisitEntry,
} from '../scheduler/index.js';
import { createSearch, SearchConfigError, type CreatedSearch, type Verdict } from '../scheduler/search/index.js';
import { bindValue, deriveSeed } from '../training/index.js';
import type { TrainUnitResult, TrialSetup } from '../worker/protocol.js';
import { SearchBudget, parseDuration, type BudgetName } from './search-budget.js';
import { shapeParams } from './shape-params.js';
import { addUnit, earlyStoppingOf, finalMetrics, inheritStopping, modelEpochs, newTrial, type TrialLineage, type TrialRecord } from './trial-book.js';

/** A unit's failures before its trial is given up (a broken spec fails every time; a flaky one rarely twice). */
const MAX_ATTEMPTS = 3;
/** Checkpoints kept per trial: the newest, and the one before it in case the newest is being replaced. */
const KEEP_CHECKPOINTS = 2;

export type TrainStrategy = 'hopper' | 'task';

export interface TrainData {
  /** Arrow IPC files of the training partitions, in partition order. */
  partitions: string[];
  validation: string[];
}

export interface TrainNodeOptions {
  node: PlanNode;
  planSeed: number;
  runDir: string;
  backend: WorkerBackend;
  bus: EventBus;
  data: TrainData;
  strategy: TrainStrategy;
  /** Units finished in an earlier run of this node (from its events), in the order they finished. */
  earlier?: UnitFinished[];
  /** Trials whose end an earlier run already reported. */
  reported?: Set<number>;
  /** A recorded visit order to repeat (`--replay`). */
  replay?: VisitEntry[];
  /** First `seq` to number this run's units from (after an earlier run's). */
  seqBase?: number;
  /** The spec's directory: external trainer commands run there. */
  specDir?: string;
  /** Set to stop handing out units (graceful stop); running units finish. */
  stopRequested: () => boolean;
  /**
   * Asked whenever a trial finishes an epoch, with the number of trials still training: true hands that
   * trial's remaining epochs back to the caller (hybrid parallelism) instead of training them here.
   */
  handOff?: (training: number) => boolean;
}

export interface TrainNodeResult {
  status: 'completed' | 'failed' | 'interrupted';
  trials: TrialRecord[];
  best: TrialRecord | undefined;
  objective: { metric: string; mode: 'max' | 'min' };
  setupOf: (trial: TrialRecord) => TrialSetup;
  error?: string;
  bytesMoved: number;
  /** Trials handed back by `handOff`, still running, each at the end of an epoch. */
  handedOff?: TrialRecord[];
  /** The `seq` the next unit would have had. */
  nextSeq?: number;
}

/** Trials trained at once: enough for every worker to find a model whose next partition it owns. */
function concurrencyOf(strategy: TrainStrategy, partitions: number, workers: number): number {
  return strategy === 'hopper' ? Math.max(2, 2 * partitions) : Math.max(1, workers);
}

export async function runTrainNode(options: TrainNodeOptions): Promise<TrainNodeResult> {
  const { node, backend, bus, data, runDir } = options;
  const step = node.config as unknown as TrainStep;
  const seed = typeof step.seed === 'number' ? step.seed : options.planSeed;
  const search = step.search as SearchSpec | undefined;
  const objective = search?.objective ?? { metric: data.validation.length > 0 ? 'val_loss' : 'loss', mode: 'min' as const };
  const P = options.strategy === 'hopper' ? data.partitions.length : 1;
  const workers = backend.alive();
  const concurrency = concurrencyOf(options.strategy, P, backend.workers.length || workers.length);
  const epochsOf = (params: Record<string, unknown>): number => Number(bindValue(step.epochs ?? 1, params));
  const setupOf = (t: TrialRecord): TrialSetup => ({
    node: node.id,
    step: node.config,
    params: t.params,
    seed: t.seed,
    features: step.features,
    label: step.label,
    ...(options.specDir !== undefined ? { cwd: options.specDir } : {}),
  });
  const stoppingOf = (t: TrialRecord) => earlyStoppingOf(bindValue(step.early_stopping, t.params));
  const failed = (error: string): TrainNodeResult => ({ status: 'failed', trials: [], best: undefined, objective, setupOf, bytesMoved: 0, error });

  let created: CreatedSearch;
  try {
    created = createSearch(search, {
      seed,
      objective,
      epochsOf,
      epochs: typeof step.epochs === 'number' ? step.epochs : step.epochs === undefined ? 1 : undefined,
      window: concurrency,
      frozen: shapeParams(step, Object.keys(search?.space ?? {})),
    });
  } catch (error) {
    if (error instanceof SearchConfigError || error instanceof SearchSpaceError || error instanceof RangeError) return failed(error.message);
    throw error;
  }
  const algorithm = created.algorithm;
  const budget = new SearchBudget({
    ...(search?.max_epochs_total !== undefined ? { maxEpochsTotal: search.max_epochs_total } : {}),
    ...(search?.time !== undefined ? { time: parseDuration(search.time) } : {}),
    elapsedBefore: elapsedIn(options.earlier ?? []),
  });

  let scheduler: Scheduler<AnyUnit> & { markCompleted?: (u: never) => unknown };
  if (options.replay) {
    scheduler = createReplayScheduler(options.replay, { workers, maxAttempts: MAX_ATTEMPTS, admit: 'added' });
  } else if (options.strategy === 'hopper') {
    scheduler = createHopperScheduler({ configs: [], partitions: P, workers, epochs: 0, seed, order: 'seeded', maxAttempts: MAX_ATTEMPTS }) as typeof scheduler;
  } else {
    scheduler = createTaskParallelScheduler({ configs: [], workers, epochs: 0, seed, maxAttempts: MAX_ATTEMPTS }) as typeof scheduler;
  }

  const trials = new Map<number, TrialRecord>();
  /** Suggested, not yet handed to the scheduler, in the order the search wants them. */
  const waiting: number[] = [];
  const admitted = new Set<number>();
  /** Trials at the end of their epochs, waiting for the search's verdict. */
  const atEnd = new Set<number>();
  const held = new Set<number>();
  const inFlightTrials = new Set<number>();
  const checkpointsOf = new Map<number, string[]>();
  const unitsDoneInEpoch = new Map<number, number>();
  const started = new Set<number>();
  const reported = options.reported ?? new Set<number>();
  let bytesMoved = 0;
  let budgetTold = false;

  const finishTrial = (t: TrialRecord, outcome: TrialRecord['outcome'], live: boolean): void => {
    if (t.outcome !== 'running') return;
    t.outcome = outcome;
    atEnd.delete(t.id);
    held.delete(t.id);
    if (!live && reported.has(t.id)) return;
    const metrics = finalMetrics(t);
    const value = metrics[objective.metric];
    const l = t.lineage;
    bus.emit({
      type: 'trial_finished',
      node: node.id,
      trial: t.id,
      params: t.params,
      status: outcome === 'running' ? 'completed' : outcome,
      epochs: modelEpochs(t),
      metrics,
      objective: { ...objective, value: typeof value === 'number' && Number.isFinite(value) ? value : null },
      ...(t.checkpoint ? { checkpoint: t.checkpoint } : {}),
      seconds: round(t.seconds),
      bytes_moved: t.bytesMoved,
      ...(t.stoppedBy !== undefined ? { stopped_by: t.stoppedBy } : {}),
      ...(l.parent !== undefined ? { parent: l.parent } : {}),
      ...(l.rung !== undefined ? { rung: l.rung } : {}),
      ...(l.bracket !== undefined ? { bracket: l.bracket } : {}),
      ...(l.generation !== undefined ? { generation: l.generation } : {}),
      ...(t.error ? { error: t.error } : {}),
    });
    // Reported once: a trial ended again later in this run (a resumed one's replay) stays quiet.
    reported.add(t.id);
  };

  /** The search's verdicts, applied to the scheduler and the trial records. */
  const apply = (verdicts: readonly Verdict[], live: boolean): void => {
    for (const v of verdicts) {
      const t = trials.get(v.trial);
      if (!t || t.outcome !== 'running') continue;
      if (v.action === 'hold') {
        held.add(t.id);
        if (admitted.has(t.id)) scheduler.holdTrial(t.id);
      } else if (v.action === 'resume') {
        held.delete(t.id);
        if (admitted.has(t.id)) scheduler.releaseTrial(t.id);
      } else {
        if (admitted.has(t.id)) scheduler.stopTrial(t.id);
        if (v.stoppedBy !== undefined) t.stoppedBy = v.stoppedBy;
        finishTrial(t, v.status, live);
      }
    }
  };

  /** A trial ended outside the search (failed, early stopping, a budget): the search hears of it. */
  const endTrial = (t: TrialRecord, outcome: 'failed' | 'stopped_early', stoppedBy: string | undefined, live: boolean): void => {
    if (t.outcome !== 'running') return;
    if (admitted.has(t.id)) scheduler.stopTrial(t.id);
    if (stoppedBy !== undefined) t.stoppedBy = stoppedBy;
    finishTrial(t, outcome, live);
    apply(algorithm.onEnded(t.id), live);
  };

  /** Takes the search's new trials; one that continues another starts from that trial's checkpoint. */
  const pull = (live: boolean): void => {
    for (const plan of algorithm.suggest()) {
      const batchSize = Number(bindValue(step.batch_size ?? 32, plan.params));
      const lineage: TrialLineage = { fromEpoch: plan.fromEpoch };
      if (plan.parent !== undefined) lineage.parent = plan.parent;
      if (plan.inherit !== undefined) lineage.inherit = plan.inherit;
      if (plan.rung !== undefined) lineage.rung = plan.rung;
      if (plan.bracket !== undefined) lineage.bracket = plan.bracket;
      if (plan.generation !== undefined) lineage.generation = plan.generation;
      const t = newTrial(plan.id, plan.params, plan.toEpoch, batchSize, deriveSeed(seed, 'trial', plan.id), lineage);
      const parent = plan.parent === undefined ? undefined : trials.get(plan.parent);
      if (parent) {
        inheritStopping(t, parent);
        t.checkpoint = plan.inherit === 'exploit' ? copyCheckpoint(parent, t, live) : parent.checkpoint;
      }
      trials.set(t.id, t);
      waiting.push(t.id);
    }
  };

  /** PBT's exploit: the donor's weights and optimizer state, copied for the trial that takes them over. */
  const copyCheckpoint = (from: TrialRecord, to: TrialRecord, live: boolean): string | null => {
    if (from.checkpoint === null) return null;
    const target = join('checkpoints', node.id, `trial-${to.id}`, `from-trial-${from.id}.ckpt`);
    const abs = join(runDir, target);
    if (live || !existsSync(abs)) {
      mkdirSync(dirname(abs), { recursive: true });
      copyFileSync(join(runDir, from.checkpoint), abs);
    }
    return target;
  };

  const admit = (t: TrialRecord): void => {
    const at = waiting.indexOf(t.id);
    if (at >= 0) waiting.splice(at, 1);
    admitted.add(t.id);
    scheduler.addTrial(t.id, { fromEpoch: t.lineage.fromEpoch, toEpoch: t.epochsWanted });
    if (held.has(t.id)) scheduler.holdTrial(t.id);
  };
  const runnable = (): number => {
    let n = 0;
    for (const id of admitted) {
      const t = trials.get(id)!;
      if (t.outcome === 'running' && !atEnd.has(id) && !held.has(id)) n++;
    }
    return n;
  };
  /** Hands waiting trials to the scheduler while fewer than `concurrency` train (all at once in a replay). */
  const admitWaiting = (): void => {
    if (budget.exhausted()) return;
    while (waiting.length > 0 && (options.replay || runnable() < concurrency)) admit(trials.get(waiting[0]!)!);
  };

  /** Once a budget is used up: trials between epochs stop now, those inside one after it. */
  const enforceBudget = (live: boolean): void => {
    const reached = budget.exhausted();
    if (!reached) return;
    if (!budgetTold && live) {
      budgetTold = true;
      bus.emit({ type: 'log', level: 'info', message: `${node.id}: search budget ${describeBudget(reached, search)} reached; trials stop at the end of the epoch they are in` });
    }
    for (const t of trials.values()) {
      if (t.outcome !== 'running' || !admitted.has(t.id) || atEnd.has(t.id)) continue;
      if (inFlightTrials.has(t.id) || (unitsDoneInEpoch.get(t.id) ?? 0) > 0) continue;
      if (t.epochs.length === 0 && !started.has(t.id)) {
        // Never started: it just does not run.
        scheduler.stopTrial(t.id);
        continue;
      }
      endTrial(t, 'stopped_early', reached, live);
    }
  };

  const handedOff = new Set<number>();
  /** Applies a finished unit to its trial; `live` false when re-reading an earlier run (no events again). */
  const applyUnit = (unit: AnyUnit, result: { metrics: Record<string, number>; validation?: Record<string, number>; examples: number; seconds: number; checkpoint: string; bytesMoved: number }, live: boolean): void => {
    const t = trials.get(unit.trial)!;
    const done = (unitsDoneInEpoch.get(t.id) ?? 0) + 1;
    const closesEpoch = done === P;
    unitsDoneInEpoch.set(t.id, closesEpoch ? 0 : done);
    bytesMoved += result.bytesMoved;
    const { epoch, stop } = addUnit(t, result, closesEpoch, stoppingOf(t));
    const kept = checkpointsOf.get(t.id) ?? [];
    kept.push(result.checkpoint);
    while (kept.length > KEEP_CHECKPOINTS) {
      const old = kept.shift()!;
      if (live) rmSync(join(runDir, old), { force: true });
    }
    checkpointsOf.set(t.id, kept);
    if (!epoch) return;
    if (live) bus.emit({ type: 'epoch_finished', node: node.id, trial: t.id, epoch: epoch.epoch, metrics: epoch.metrics });
    const atItsEnd = epoch.epoch >= t.epochsWanted;
    if (atItsEnd) atEnd.add(t.id);
    apply(algorithm.onEpoch(t.id, epoch.epoch, epoch.metrics), live);
    if (t.outcome === 'running' && !atItsEnd) {
      if (stop) endTrial(t, 'stopped_early', 'early_stopping', live);
      else if (budget.exhausted()) endTrial(t, 'stopped_early', budget.exhausted(), live);
      // Hybrid parallelism: few trials left, so the caller trains this one's remaining epochs data-parallel.
      else if (options.handOff?.([...trials.values()].filter((x) => x.outcome === 'running' && !handedOff.has(x.id)).length)) {
        scheduler.stopTrial(t.id);
        handedOff.add(t.id);
      }
    }
    pull(live);
  };

  pull(false);
  // Continue from an earlier run: its finished units are done work, applied in the order they finished.
  for (const e of options.earlier ?? []) {
    const unit = { trial: e.trial, epoch: e.epoch, partition: e.partition } as AnyUnit;
    const t = trials.get(e.trial);
    if (!t || t.outcome !== 'running' || !e.checkpoint) continue;
    if (!admitted.has(t.id)) admit(t);
    if ((unitsDoneInEpoch.get(t.id) ?? 0) === 0) budget.startEpoch();
    if (scheduler.markCompleted) (scheduler.markCompleted as (u: AnyUnit) => unknown)(unit);
    started.add(t.id);
    const validation = e.validation;
    applyUnit(unit, { metrics: e.metrics ?? {}, ...(validation ? { validation } : {}), examples: e.examples ?? 0, seconds: e.seconds ?? 0, checkpoint: e.checkpoint, bytesMoved: e.bytes_moved ?? 0 }, false);
  }
  enforceBudget(true);
  admitWaiting();

  let seq = options.seqBase ?? 0;
  // Units the search still plans: those done plus those of trials still running (early stopping shrinks it).
  let unitsDone = (options.earlier ?? []).length;
  const plannedUnits = (): number => unitsDone + [...trials.values()].filter((t) => t.outcome === 'running').reduce((n, t) => n + Math.max(0, t.epochsWanted - modelEpochs(t)) * P - (unitsDoneInEpoch.get(t.id) ?? 0), 0);
  const idle = new Set(workers);
  let inFlight = 0;
  let fatal: string | undefined;

  await new Promise<void>((resolveLoop) => {
    let finished = false;
    const finish = (): void => {
      if (!finished) {
        finished = true;
        resolveLoop();
      }
    };

    const pump = (): void => {
      if (finished) return;
      if (!options.stopRequested() && fatal === undefined) {
        enforceBudget(true);
        admitWaiting();
        for (const w of [...idle]) {
          const next = scheduler.nextFor(w);
          if (next === 'wait' || next === 'done') continue;
          idle.delete(w);
          dispatch(w, next);
        }
      }
      const searchDone = scheduler.isDone() && (waiting.length === 0 || budget.exhausted() !== undefined);
      if (inFlight === 0 && (searchDone || options.stopRequested() || fatal !== undefined)) return finish();
      if (inFlight === 0 && backend.alive().length === 0) {
        fatal = 'every worker was lost';
        return finish();
      }
      if (inFlight === 0 && idle.size > 0) {
        // Nothing running and nothing handed out: only possible if the scheduler has no unit any worker may run.
        fatal = held.size > 0 ? `the search holds every remaining trial (${[...held].join(', ')})` : 'no worker can run the remaining units';
        return finish();
      }
    };

    const dispatch = (worker: string, unit: AnyUnit): void => {
      inFlight++;
      const t = trials.get(unit.trial)!;
      const mySeq = seq++;
      if (!started.has(t.id)) {
        started.add(t.id);
        const l = t.lineage;
        bus.emit({
          type: 'trial_started',
          node: node.id,
          trial: t.id,
          params: t.params,
          ...(l.parent !== undefined ? { parent: l.parent } : {}),
          ...(l.inherit !== undefined ? { inherit: l.inherit } : {}),
          ...(l.fromEpoch > 0 ? { from_epoch: l.fromEpoch } : {}),
          ...(l.rung !== undefined ? { rung: l.rung } : {}),
          ...(l.bracket !== undefined ? { bracket: l.bracket } : {}),
          ...(l.generation !== undefined ? { generation: l.generation } : {}),
        });
      }
      bus.emit({ type: 'unit_started', node: node.id, trial: unit.trial, epoch: unit.epoch, partition: unit.partition, worker, seq: mySeq });
      inFlightTrials.add(t.id);
      const doneSoFar = unitsDoneInEpoch.get(t.id) ?? 0;
      if (doneSoFar === 0) {
        budget.startEpoch();
        enforceBudget(true);
      }
      const closesEpoch = doneSoFar + 1 === P;
      const name = unit.partition === 'all' ? `e${unit.epoch}.ckpt` : `e${unit.epoch}-p${unit.partition}.ckpt`;
      const checkpoint = join('checkpoints', node.id, `trial-${t.id}`, name);
      mkdirSync(dirname(join(runDir, checkpoint)), { recursive: true });
      const files = unit.partition === 'all' ? data.partitions : [data.partitions[unit.partition]!];
      const began = performance.now();
      backend
        .run(worker, {
          type: 'train_unit',
          setup: setupOf(t),
          trial: t.id,
          epoch: unit.epoch,
          partition: unit.partition,
          data: files,
          ...(closesEpoch && data.validation.length > 0 ? { validation: data.validation } : {}),
          checkpointIn: t.checkpoint === null ? null : join(runDir, t.checkpoint),
          checkpointOut: join(runDir, checkpoint),
          batchSize: t.batchSize,
          shuffleSeed: deriveSeed(seed, 'shuffle', t.id, unit.epoch, unit.partition === 'all' ? -1 : unit.partition),
        })
        .then(
          (raw) => {
            const result = raw as TrainUnitResult;
            inFlightTrials.delete(unit.trial);
            const accepted = scheduler.completed(unit as never, worker).accepted;
            if (!accepted) return;
            const moved = result.bytesRead + result.checkpointBytes;
            bus.emit({
              type: 'unit_finished',
              node: node.id,
              trial: unit.trial,
              epoch: unit.epoch,
              partition: unit.partition,
              worker,
              seq: mySeq,
              status: 'completed',
              seconds: round(result.seconds),
              examples: result.examples,
              metrics: result.metrics,
              ...(result.validation ? { validation: result.validation } : {}),
              checkpoint,
              bytes_moved: moved,
            });
            applyUnit(unit, { metrics: result.metrics, ...(result.validation ? { validation: result.validation } : {}), examples: result.examples, seconds: result.seconds, checkpoint, bytesMoved: moved }, true);
            unitsDone++;
            bus.emit({ type: 'node_progress', node: node.id, done: unitsDone, total: plannedUnits() });
          },
          (error: unknown) => {
            inFlightTrials.delete(unit.trial);
            const seconds = round((performance.now() - began) / 1000);
            if (error instanceof WorkerLostError) {
              bus.emit({ type: 'unit_finished', node: node.id, trial: unit.trial, epoch: unit.epoch, partition: unit.partition, worker, seq: mySeq, status: 'lost', seconds, error: error.message });
              return;
            }
            const message = error instanceof Error ? error.message : String(error);
            bus.emit({ type: 'unit_finished', node: node.id, trial: unit.trial, epoch: unit.epoch, partition: unit.partition, worker, seq: mySeq, status: 'failed', seconds, error: message });
            const outcome = scheduler.failed(unit as never, worker);
            if (outcome === 'abandoned') {
              t.error = message;
              endTrial(t, 'failed', undefined, true);
            }
            if (error instanceof TaskFailedError && !error.user) bus.emit({ type: 'log', level: 'error', message: `worker ${worker}: ${message}`, worker });
          },
        )
        .catch((error: unknown) => {
          // A bug in the bookkeeping above: stop the node rather than hang.
          fatal = error instanceof Error ? (error.stack ?? error.message) : String(error);
        })
        .finally(() => {
          inFlight--;
          if (backend.alive().includes(worker)) idle.add(worker);
          pump();
        });
    };

    backend.onLost((worker) => {
      scheduler.workerLost(worker);
      idle.delete(worker);
      // Partitions a lost worker owned are read by their new owner from the same files.
      // After the lost unit's own rejection has been handled (it reports the unit lost first).
      setImmediate(pump);
    });
    pump();
  });

  // Trials a budget kept from ever starting are left out: they never ran.
  const list = [...trials.values()].filter((t) => admitted.has(t.id) && started.has(t.id));
  const interrupted = options.stopRequested() && !scheduler.isDone();
  if (!interrupted) {
    const reached = budget.exhausted();
    for (const t of list) {
      if (t.outcome !== 'running' || handedOff.has(t.id)) continue;
      const status = scheduler.trialStatus(t.id);
      if (status === 'abandoned') finishTrial(t, 'failed', true);
      else if (t.epochs.length > 0 && status !== 'pending') {
        // Left without a verdict only when a budget cut the search short, or every worker was lost.
        if (reached !== undefined) t.stoppedBy = reached;
        finishTrial(t, modelEpochs(t) >= t.epochsWanted && reached === undefined ? 'completed' : 'stopped_early', true);
      }
    }
    if (created.cutByMaxTrials !== undefined && fatal === undefined) bus.emit({ type: 'log', level: 'info', message: `${node.id}: search budget max_trials reached: ${created.cutByMaxTrials} were trained` });
    else if (!algorithm.finished() && fatal === undefined && reached === undefined && options.replay === undefined) {
      bus.emit({ type: 'log', level: 'warn', message: `${node.id}: the search ended with decisions still open` });
    }
  }
  const ran = list.filter((t) => t.epochs.length > 0);
  const candidates = ran.filter((t) => t.outcome !== 'failed' && t.outcome !== 'running').map((t) => ({ ...t, metrics: finalMetrics(t) }));
  const winner = pickBest(candidates, objective);
  const best = winner ? trials.get(winner.id) : undefined;
  const failedAll = list.length > 0 && list.every((t) => t.outcome === 'failed');
  let status: TrainNodeResult['status'] = interrupted ? 'interrupted' : 'completed';
  let error = fatal;
  // Trials handed off are still to finish elsewhere: no verdict on the step yet unless something broke.
  if (!interrupted && (fatal !== undefined || failedAll || (!best && handedOff.size === 0))) {
    status = 'failed';
    error ??= failedAll ? `every trial failed; the first error: ${list[0]!.error ?? 'unknown'}` : `no trial produced a usable ${objective.metric}`;
  }
  const handed = list.filter((t) => handedOff.has(t.id) && t.outcome === 'running');
  return { status, trials: list, best, objective, setupOf, bytesMoved, ...(error !== undefined ? { error } : {}), ...(handed.length > 0 ? { handedOff: handed } : {}), nextSeq: seq };
}

/** Seconds an earlier run of this node trained, from its finished units' times. */
function elapsedIn(earlier: readonly UnitFinished[]): number {
  if (earlier.length === 0) return 0;
  const times = earlier.map((e) => Date.parse(e.time)).filter(Number.isFinite);
  if (times.length === 0) return 0;
  return (Math.max(...times) - Math.min(...times)) / 1000 + (earlier[0]!.seconds ?? 0);
}

function describeBudget(name: BudgetName, search: SearchSpec | undefined): string {
  return name === 'time' ? `time ${search?.time ?? ''}` : `max_epochs_total ${search?.max_epochs_total ?? ''}`;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** A checkpoint path as the events record it (relative to the run directory). */
export const relativeToRun = (runDir: string, path: string): string => relative(runDir, path);
