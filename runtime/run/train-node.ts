/**
 * Runs one train step: the search's trials under model hopper or task parallelism on the backend's workers.
 * The scheduler decides which unit goes where; this loop hands units out, turns results into events and
 * trial records, stops trials early, survives lost workers, and can start from an earlier run's units.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { PlanNode } from '../../compiler/phases/5-plan/plan-types.js';
import type { SearchSpec, SpaceEntry, TrainStep } from '../../compiler/spec/types.js';
import { TaskFailedError, WorkerLostError, type WorkerBackend } from '../backends/types.js';
import type { EventBus } from '../events/sinks.js';
import type { UnitFinished } from '../events/types.js';
import {
  createHopperScheduler,
  createReplayScheduler,
  createTaskParallelScheduler,
  enumerateGrid,
  pickBest,
  sampleRandom,
  type AnyUnit,
  type Configuration,
  type Scheduler,
  type VisitEntry,
} from '../scheduler/index.js';
import { bindValue, deriveSeed } from '../training/index.js';
import type { TrainUnitResult, TrialSetup } from '../worker/protocol.js';
import { addUnit, earlyStoppingOf, finalMetrics, newTrial, type TrialRecord } from './trial-book.js';

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

export function configurationsOf(step: TrainStep, seed: number): Configuration[] {
  const search = step.search as SearchSpec | undefined;
  if (!search) return [{ id: 0, params: {} }];
  const space = search.space as Record<string, SpaceEntry>;
  if (search.algorithm === 'grid') return enumerateGrid(space);
  const trials = search.trials ?? search.max_trials ?? 10;
  // Adaptive algorithms (tpe, hyperband, asha, pbt) start from random draws of the same space.
  return sampleRandom(space, { seed, trials });
}

export async function runTrainNode(options: TrainNodeOptions): Promise<TrainNodeResult> {
  const { node, backend, bus, data, runDir } = options;
  const step = node.config as unknown as TrainStep;
  const seed = typeof step.seed === 'number' ? step.seed : options.planSeed;
  const search = step.search as SearchSpec | undefined;
  const objective = search?.objective ?? { metric: data.validation.length > 0 ? 'val_loss' : 'loss', mode: 'min' as const };
  const configs = configurationsOf(step, seed);

  const trials = new Map<number, TrialRecord>();
  for (const c of configs) {
    const epochs = Number(bindValue(step.epochs ?? 1, c.params));
    const batchSize = Number(bindValue(step.batch_size ?? 32, c.params));
    trials.set(c.id, newTrial(c.id, c.params, epochs, batchSize, deriveSeed(seed, 'trial', c.id)));
  }
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
  const maxEpochs = Math.max(0, ...[...trials.values()].map((t) => t.epochsWanted));
  const P = options.strategy === 'hopper' ? data.partitions.length : 1;

  const workers = backend.alive();
  let scheduler: Scheduler<AnyUnit> & { markCompleted?: (u: never) => unknown };
  if (options.replay) {
    scheduler = createReplayScheduler(options.replay, { workers, maxAttempts: MAX_ATTEMPTS });
  } else if (options.strategy === 'hopper') {
    scheduler = createHopperScheduler({ configs: configs.map((c) => c.id), partitions: P, workers, epochs: maxEpochs, seed, order: 'seeded', maxAttempts: MAX_ATTEMPTS }) as typeof scheduler;
  } else {
    scheduler = createTaskParallelScheduler({ configs: configs.map((c) => c.id), workers, epochs: maxEpochs, seed, maxAttempts: MAX_ATTEMPTS }) as typeof scheduler;
  }

  const checkpointsOf = new Map<number, string[]>();
  const unitsDoneInEpoch = new Map<number, number>();
  const started = new Set<number>();
  const reported = options.reported ?? new Set<number>();
  let bytesMoved = 0;

  const finishTrial = (t: TrialRecord, outcome: TrialRecord['outcome'], live: boolean): void => {
    if (t.outcome !== 'running') return;
    t.outcome = outcome;
    if (!live && reported.has(t.id)) return;
    const metrics = finalMetrics(t);
    const value = metrics[objective.metric];
    bus.emit({
      type: 'trial_finished',
      node: node.id,
      trial: t.id,
      params: t.params,
      status: outcome === 'running' ? 'completed' : outcome,
      epochs: t.epochs.length,
      metrics,
      objective: { ...objective, value: typeof value === 'number' && Number.isFinite(value) ? value : null },
      ...(t.checkpoint ? { checkpoint: t.checkpoint } : {}),
      seconds: round(t.seconds),
      bytes_moved: t.bytesMoved,
      ...(t.error ? { error: t.error } : {}),
    });
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
    if (t.epochs.length >= t.epochsWanted) {
      scheduler.stopTrial(t.id);
      finishTrial(t, 'completed', live);
    } else if (stop) {
      scheduler.stopTrial(t.id);
      finishTrial(t, 'stopped_early', live);
    } else if (options.handOff?.([...trials.values()].filter((x) => x.outcome === 'running' && !handedOff.has(x.id)).length)) {
      scheduler.stopTrial(t.id);
      handedOff.add(t.id);
    }
  };

  // Continue from an earlier run: its finished units are done work, applied in the order they finished.
  for (const e of options.earlier ?? []) {
    const unit = { trial: e.trial, epoch: e.epoch, partition: e.partition } as AnyUnit;
    const t = trials.get(e.trial);
    if (!t || t.outcome !== 'running' || !e.checkpoint) continue;
    if (scheduler.markCompleted) (scheduler.markCompleted as (u: AnyUnit) => unknown)(unit);
    started.add(t.id);
    const validation = e.validation;
    applyUnit(unit, { metrics: e.metrics ?? {}, ...(validation ? { validation } : {}), examples: e.examples ?? 0, seconds: e.seconds ?? 0, checkpoint: e.checkpoint, bytesMoved: e.bytes_moved ?? 0 }, false);
  }

  let seq = options.seqBase ?? 0;
  // Units the search still plans: those done plus those of trials still running (early stopping shrinks it).
  let unitsDone = (options.earlier ?? []).length;
  const plannedUnits = (): number => unitsDone + [...trials.values()].filter((t) => t.outcome === 'running').reduce((n, t) => n + Math.max(0, t.epochsWanted - t.epochs.length) * P - (unitsDoneInEpoch.get(t.id) ?? 0), 0);
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
        for (const w of [...idle]) {
          const next = scheduler.nextFor(w);
          if (next === 'wait' || next === 'done') continue;
          idle.delete(w);
          dispatch(w, next);
        }
      }
      if (inFlight === 0 && (scheduler.isDone() || options.stopRequested() || fatal !== undefined)) return finish();
      if (inFlight === 0 && backend.alive().length === 0) {
        fatal = 'every worker was lost';
        return finish();
      }
      if (inFlight === 0 && idle.size > 0) {
        // Nothing running and nothing handed out: only possible if the scheduler has no unit any worker may run.
        fatal = 'no worker can run the remaining units';
        return finish();
      }
    };

    const dispatch = (worker: string, unit: AnyUnit): void => {
      inFlight++;
      const t = trials.get(unit.trial)!;
      const mySeq = seq++;
      if (!started.has(t.id)) {
        started.add(t.id);
        bus.emit({ type: 'trial_started', node: node.id, trial: t.id, params: t.params });
      }
      bus.emit({ type: 'unit_started', node: node.id, trial: unit.trial, epoch: unit.epoch, partition: unit.partition, worker, seq: mySeq });
      const doneSoFar = unitsDoneInEpoch.get(t.id) ?? 0;
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
              finishTrial(t, 'failed', true);
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

  const list = [...trials.values()];
  const interrupted = options.stopRequested() && !scheduler.isDone();
  if (!interrupted) {
    for (const t of list) {
      if (t.outcome !== 'running' || handedOff.has(t.id)) continue;
      const status = scheduler.trialStatus(t.id);
      if (status === 'abandoned') finishTrial(t, 'failed', true);
      else if (t.epochs.length > 0 && status !== 'pending') finishTrial(t, t.epochs.length >= t.epochsWanted ? 'completed' : 'stopped_early', true);
    }
  }
  const candidates = list.filter((t) => t.outcome === 'completed' || t.outcome === 'stopped_early').map((t) => ({ ...t, metrics: finalMetrics(t) }));
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

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** A checkpoint path as the events record it (relative to the run directory). */
export const relativeToRun = (runDir: string, path: string): string => relative(runDir, path);
