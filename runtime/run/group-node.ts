/**
 * A train step whose units each run on a group of workers at once (data and model parallelism): one trial
 * at a time, one unit per epoch of it on the group, the members linked to each other. What each member
 * is sent and how the members' results make the unit's is the strategy's (data-parallel-node.ts,
 * model-parallel-node.ts); the trials, epochs, early stopping, retries, checkpoints and events are here.
 *
 * Events: one unit per epoch of a trial, `partition: "all"`, on the whole group: `worker` is member 0
 * (which writes the checkpoint) and `workers` lists every member. A unit that fails is retried from the
 * trial's last checkpoint; a unit whose worker was lost is retried on the workers left.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SearchSpec, SpaceEntry, TrainStep } from '../../compiler/spec/types.js';
import { TaskFailedError, WorkerLostError } from '../backends/types.js';
import { pickBest } from '../scheduler/index.js';
import { bindValue, deriveSeed } from '../training/index.js';
import type { Task, TaskResult, TrialSetup } from '../worker/protocol.js';
import { rootCause, runOnGroup } from './group-tasks.js';
import { enumerateGrid, sampleRandom, type Configuration } from '../scheduler/index.js';
import type { TrainNodeOptions, TrainNodeResult } from './train-node.js';

/** The configurations a group-trained step runs one after another: the grid, or random draws. */
export function configurationsOf(step: TrainStep, seed: number): Configuration[] {
  const search = step.search as SearchSpec | undefined;
  if (!search) return [{ id: 0, params: {} }];
  const space = search.space as Record<string, SpaceEntry>;
  if (search.algorithm === 'grid') return enumerateGrid(space);
  return sampleRandom(space, { seed, trials: search.trials ?? search.max_trials ?? 10 });
}
import { addUnit, earlyStoppingOf, finalMetrics, newTrial, type TrialRecord } from './trial-book.js';

/** A unit's failures before its trial is given up, as under model hopping. */
const MAX_ATTEMPTS = 3;
const KEEP_CHECKPOINTS = 2;

/** What one member of a unit's group is asked to do. */
export interface MemberTask {
  setup: TrialSetup;
  trial: number;
  epoch: number;
  group: { id: string; rank: number; endpoints: string[] };
  checkpointIn: string | null;
  checkpointOut: string;
  batchSize: number;
  /** Seeds the unit's order of examples (the same for every member; a strategy may derive one per member). */
  shuffleSeed: number;
  /** The group's size. */
  size: number;
}

/** A unit's outcome from its members' results. */
export interface GroupUnitOutcome {
  metrics: Record<string, number>;
  validation?: Record<string, number>;
  examples: number;
  bytesMoved: number;
  staleness?: { bound: number | null; max_clock_gap: number; max_version_lag: number };
  /** Model parallelism hosting several stages per worker: bytes of stage state copied to host memory and back. */
  bytesSpilled?: number;
}

export interface GroupStrategy {
  /** The members of the next unit's group, from the workers alive (in order). */
  members(alive: readonly string[]): string[];
  task(member: MemberTask): Task;
  outcome(results: readonly TaskResult[]): GroupUnitOutcome;
}

export interface GroupNodeOptions extends Omit<TrainNodeOptions, 'strategy' | 'replay' | 'handOff'> {
  strategy: GroupStrategy;
  /** Trials to carry on with (handed over at the end of an epoch) instead of the step's fresh ones. */
  continueTrials?: TrialRecord[];
}

export async function runGroupNode(options: GroupNodeOptions): Promise<TrainNodeResult> {
  const { node, backend, bus, data, runDir } = options;
  const peers = backend.peers;
  if (!peers) throw new Error('this backend cannot link its workers, so it cannot train a unit on several at once');
  const step = node.config as unknown as TrainStep;
  const seed = typeof step.seed === 'number' ? step.seed : options.planSeed;
  const search = step.search as SearchSpec | undefined;
  const objective = search?.objective ?? { metric: data.validation.length > 0 ? 'val_loss' : 'loss', mode: 'min' as const };

  const trials = new Map<number, TrialRecord>();
  if (options.continueTrials) for (const t of options.continueTrials) trials.set(t.id, t);
  else {
    for (const c of configurationsOf(step, seed)) {
      const epochs = Number(bindValue(step.epochs ?? 1, c.params));
      const batchSize = Number(bindValue(step.batch_size ?? 32, c.params));
      trials.set(c.id, newTrial(c.id, c.params, epochs, batchSize, deriveSeed(seed, 'trial', c.id)));
    }
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
  const reported = options.reported ?? new Set<number>();
  const kept = new Map<number, string[]>();
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

  /** A finished epoch of `t` (live, or read back from an earlier run's events). */
  const applyEpoch = (t: TrialRecord, unit: { metrics: Record<string, number>; validation?: Record<string, number>; examples: number; seconds: number; checkpoint: string; bytesMoved: number }, live: boolean): void => {
    bytesMoved += unit.bytesMoved;
    const { epoch, stop } = addUnit(t, unit, true, stoppingOf(t));
    const list = kept.get(t.id) ?? [];
    list.push(unit.checkpoint);
    while (list.length > KEEP_CHECKPOINTS) {
      const old = list.shift()!;
      if (live) rmSync(join(runDir, old), { force: true });
    }
    kept.set(t.id, list);
    if (live && epoch) bus.emit({ type: 'epoch_finished', node: node.id, trial: t.id, epoch: epoch.epoch, metrics: epoch.metrics });
    if (t.epochs.length >= t.epochsWanted) finishTrial(t, 'completed', live);
    else if (stop) finishTrial(t, 'stopped_early', live);
  };

  for (const e of options.earlier ?? []) {
    const t = trials.get(e.trial);
    if (!t || t.outcome !== 'running' || !e.checkpoint || e.epoch !== t.epochs.length) continue;
    applyEpoch(t, { metrics: e.metrics ?? {}, ...(e.validation ? { validation: e.validation } : {}), examples: e.examples ?? 0, seconds: e.seconds ?? 0, checkpoint: e.checkpoint, bytesMoved: e.bytes_moved ?? 0 }, false);
  }

  let seq = options.seqBase ?? 0;
  let unitsDone = (options.earlier ?? []).length;
  const plannedUnits = (): number => unitsDone + [...trials.values()].filter((t) => t.outcome === 'running').reduce((n, t) => n + Math.max(0, t.epochsWanted - t.epochs.length), 0);
  let fatal: string | undefined;
  let interrupted = false;

  training: for (const t of [...trials.values()].sort((a, b) => a.id - b.id)) {
    let attempts = 0;
    while (t.outcome === 'running' && t.epochs.length < t.epochsWanted) {
      if (options.stopRequested()) {
        interrupted = true;
        break training;
      }
      const workers = options.strategy.members(backend.alive());
      if (workers.length === 0) {
        fatal = 'every worker was lost';
        break training;
      }
      const epoch = t.epochs.length;
      const mySeq = seq++;
      const group = `${node.id}/t${t.id}/e${epoch}/s${mySeq}/${randomBytes(4).toString('hex')}`;
      const checkpoint = join('checkpoints', node.id, `trial-${t.id}`, `e${epoch}.ckpt`);
      mkdirSync(dirname(join(runDir, checkpoint)), { recursive: true });
      if (t.epochs.length === 0 && attempts === 0 && !reported.has(t.id)) bus.emit({ type: 'trial_started', node: node.id, trial: t.id, params: t.params });
      const unit = { node: node.id, trial: t.id, epoch, partition: 'all' as const, worker: workers[0]!, seq: mySeq, workers };
      bus.emit({ type: 'unit_started', ...unit });
      const began = performance.now();
      const endpoints = workers.map((w) => peers.endpoint(w));
      const outcomes = await runOnGroup(backend, workers, group, (rank) =>
        options.strategy.task({
          setup: setupOf(t),
          trial: t.id,
          epoch,
          group: { id: group, rank, endpoints },
          checkpointIn: t.checkpoint === null ? null : join(runDir, t.checkpoint),
          checkpointOut: join(runDir, checkpoint),
          batchSize: t.batchSize,
          shuffleSeed: deriveSeed(seed, 'shuffle', t.id, epoch),
          size: workers.length,
        }),
      );
      const seconds = round((performance.now() - began) / 1000);

      if (outcomes.every((o) => o.status === 'fulfilled')) {
        const done = options.strategy.outcome(outcomes.map((o) => (o as PromiseFulfilledResult<TaskResult>).value));
        bus.emit({
          type: 'unit_finished',
          ...unit,
          status: 'completed',
          seconds,
          examples: done.examples,
          metrics: done.metrics,
          ...(done.validation ? { validation: done.validation } : {}),
          checkpoint,
          bytes_moved: done.bytesMoved,
          ...(done.staleness ? { staleness: done.staleness } : {}),
          ...(done.bytesSpilled !== undefined ? { bytes_spilled: done.bytesSpilled } : {}),
        });
        applyEpoch(t, { metrics: done.metrics, ...(done.validation ? { validation: done.validation } : {}), examples: done.examples, seconds, checkpoint, bytesMoved: done.bytesMoved }, true);
        unitsDone++;
        bus.emit({ type: 'node_progress', node: node.id, done: unitsDone, total: plannedUnits() });
        continue;
      }

      const lost = outcomes.find((o) => o.status === 'rejected' && o.reason instanceof WorkerLostError);
      if (lost) {
        const error = (lost as PromiseRejectedResult).reason as WorkerLostError;
        bus.emit({ type: 'unit_finished', ...unit, status: 'lost', seconds, error: error.message });
        continue;
      }
      const cause = rootCause(outcomes);
      const message = cause instanceof Error ? cause.message : String(cause);
      bus.emit({ type: 'unit_finished', ...unit, status: 'failed', seconds, error: message });
      if (cause instanceof TaskFailedError && !cause.user) bus.emit({ type: 'log', level: 'error', message: `unit of trial ${t.id} on ${workers.join(', ')}: ${message}` });
      if (++attempts >= MAX_ATTEMPTS) {
        t.error = message;
        finishTrial(t, 'failed', true);
      }
    }
  }

  const list = [...trials.values()];
  const candidates = list.filter((t) => t.outcome === 'completed' || t.outcome === 'stopped_early').map((t) => ({ ...t, metrics: finalMetrics(t) }));
  const winner = pickBest(candidates, objective);
  const best = winner ? trials.get(winner.id) : undefined;
  const failedAll = list.length > 0 && list.every((t) => t.outcome === 'failed');
  let status: TrainNodeResult['status'] = interrupted ? 'interrupted' : 'completed';
  let error = fatal;
  if (!interrupted && (fatal !== undefined || failedAll || !best)) {
    status = 'failed';
    error ??= failedAll ? `every trial failed; the first error: ${list[0]!.error ?? 'unknown'}` : `no trial produced a usable ${objective.metric}`;
  }
  return { status, trials: list, best, objective, setupOf, bytesMoved, ...(error !== undefined ? { error } : {}) };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
