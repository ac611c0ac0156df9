/**
 * Executes an ExecutionPlan: starts the workers, runs the nodes wave by wave (relational steps in the
 * driver through the relational executor, training and model steps on the workers), writes the run
 * directory and emits the event stream. It does what the plan says and never re-decides a strategy.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { tableFromJSON, type Table } from 'apache-arrow';
import type { ExecutionPlan, PlanNode } from '../../compiler/phases/5-plan/plan-types.js';
import type { EvaluateStep, TrainStep } from '../../compiler/spec/types.js';
import { LocalPool } from '../backends/local/pool.js';
import { TaskFailedError, type WorkerBackend } from '../backends/types.js';
import { writeTableFile } from '../data/table-file.js';
import { planWorkers, queryGpus, resolveDevices } from '../devices/index.js';
import type { EventBus } from '../events/sinks.js';
import type { JoinReport, RunFinished, UnitFinished } from '../events/types.js';
import { joinReport } from '../relational/join/join-report.js';
import { readSource } from '../relational/read-source.js';
import { runRelationalNode } from '../relational/run-node.js';
import { DataError, type RelationalContext } from '../relational/types.js';
import type { VisitEntry } from '../scheduler/index.js';
import { RUN_FILES, type RunDir } from '../store/run-dir.js';
import type { StepCache } from '../store/step-cache.js';
import type { DataSync, EvaluateResult, TrialSetup } from '../worker/protocol.js';
import { splitIntoPartitions } from './partitions.js';
import { dataParallel } from './data-parallel-node.js';
import { runGroupNode } from './group-node.js';
import { runHybridNode } from './hybrid-node.js';
import { modelParallel } from './model-parallel-node.js';
import { runTrainNode, type TrainNodeResult, type TrainStrategy } from './train-node.js';
import { startTrainers, trainersToStart, workersNeedEngine } from './start-trainers.js';
import { writeTrialsTable } from './trials-table.js';

export interface ExecuteOptions {
  plan: ExecutionPlan;
  dir: RunDir;
  bus: EventBus;
  /** Backend each worker should prefer (`--backend`); default: the best installed. */
  backend?: string;
  /** Events of the run being continued (`--resume`). */
  earlierEvents?: readonly import('../events/types.js').RunEvent[];
  /** Visit order to repeat (`--replay`), and the run it came from. */
  replay?: { entries: VisitEntry[]; from: string };
  stopRequested: () => boolean;
  /** The lineage cache of relational steps; absent with `--no-cache`. */
  cache?: StepCache;
  /** Workers from elsewhere (the cluster backend); default: local processes planned from the resources. */
  createBackend?: () => Promise<WorkerBackend>;
  /** Called once the workers are up, so the caller can kill them on a second Ctrl-C. */
  onBackend?: (backend: WorkerBackend) => void;
}

export interface ExecuteResult {
  status: RunFinished['status'];
  error?: string;
  best: RunFinished['best'];
}

interface ModelRef {
  setup: TrialSetup;
  /** Absolute path of the checkpoint holding the model. */
  checkpoint: string;
}

type NodeOutputs = Record<string, Table>;

/** User-facing failure of a node: printed without a stack. */
export class NodeError extends Error {
  constructor(
    readonly node: string,
    message: string,
  ) {
    super(message);
    this.name = 'NodeError';
  }
}

type RunnableStrategy = { kind: TrainStrategy } | { kind: 'data' | 'hybrid'; sync: DataSync; staleness?: number } | { kind: 'model'; stages: number; microbatches: number; minStages: number };

/** The planned strategy as the runtime can run it here; what it cannot run falls back to hopper, said aloud. */
function trainStrategyOf(node: PlanNode, bus: EventBus, backend: WorkerBackend): RunnableStrategy {
  const chosen = node.decision?.strategy ?? node.decision?.requested ?? 'hopper';
  if (chosen === 'hopper' || chosen === 'task') return { kind: chosen };
  if (chosen === 'auto') return { kind: 'hopper' };
  const fallBack = (why: string): RunnableStrategy => {
    bus.emit({ type: 'log', level: 'warn', message: `${node.id}: ${why}; training with model hopper parallelism instead` });
    return { kind: 'hopper' };
  };
  if (chosen === 'data' || chosen === 'model' || chosen === 'hybrid') {
    const step = node.config as unknown as TrainStep;
    if (Array.isArray((step.model as { command?: unknown } | undefined)?.command)) return fallBack(`an external trainer command cannot train with ${chosen} parallelism`);
    if (!backend.peers) return fallBack(`these workers cannot link to each other, which ${chosen} parallelism needs`);
    const settings = node.decision?.settings ?? {};
    if (chosen === 'model') return { kind: 'model', stages: Math.max(1, settings.stages ?? 2), microbatches: Math.max(1, settings.microbatches ?? 4), minStages: Math.max(1, settings.min_stages ?? 1) };
    return { kind: chosen, sync: settings.sync ?? 'allreduce', ...(settings.staleness !== undefined ? { staleness: settings.staleness } : {}) };
  }
  return fallBack(`${chosen} parallelism is not available in this version`);
}

export async function executeRun(options: ExecuteOptions): Promise<ExecuteResult> {
  const { plan, dir, bus } = options;
  const started = performance.now();
  const earlier = options.earlierEvents ?? [];
  bus.emit({
    type: 'run_started',
    run_id: dir.id,
    name: plan.name,
    run_dir: dir.path,
    spec_file: plan.spec_file,
    seed: plan.seed,
    workers: plan.resources.workers,
    ...(earlier.length > 0 ? { resumed: true } : {}),
    ...(options.replay ? { replay_of: options.replay.from } : {}),
  });

  let backend: WorkerBackend | undefined;
  const tables = new Map<string, NodeOutputs>();
  const models = new Map<string, ModelRef>();
  const keys = new Map<string, string | undefined>();
  let bytesMoved = 0;
  let best: RunFinished['best'] = null;
  let status: RunFinished['status'] = 'completed';
  let error: string | undefined;

  const needsWorkers = plan.nodes.some((n) => n.op === 'train');
  const startBackend = async (): Promise<WorkerBackend> => {
    if (backend) return backend;
    if (options.createBackend) {
      const remote = await options.createBackend();
      for (const w of remote.workers) bus.emit({ type: 'worker_up', worker: w.id, pid: w.pid, backend: w.backend, device: w.device, versions: w.versions });
      remote.onLost((worker, detail) => bus.emit({ type: 'worker_down', worker, reason: 'crashed', detail }));
      backend = remote;
      options.onBackend?.(remote);
      return remote;
    }
    const gpus = plan.resources.devices === 'cpu' ? { gpus: [] } : queryGpus();
    const devices = resolveDevices(plan.resources.devices as never, gpus.gpus);
    const { slots, problems } = planWorkers({
      workers: plan.resources.workers,
      devices,
      cores: availableParallelism(),
      totalMemory: totalmem(),
      gpus: gpus.gpus,
      ...(plan.resources.memory_per_worker_bytes !== undefined ? { memoryPerWorker: plan.resources.memory_per_worker_bytes } : {}),
    });
    for (const p of [...problems, ...(devices.problem ? [devices.problem] : [])]) bus.emit({ type: 'log', level: 'warn', message: p });
    const pool = await LocalPool.start({
      slots,
      ...(options.backend ? { backend: options.backend } : {}),
      ...(workersNeedEngine(plan) ? {} : { engine: 'none' as const }),
      trainers: trainersToStart(plan, dirname(plan.spec_file)),
    });
    for (const w of pool.workers) bus.emit({ type: 'worker_up', worker: w.id, pid: w.pid, backend: w.backend, device: w.device, versions: w.versions });
    pool.onLost((worker, detail) => bus.emit({ type: 'worker_down', worker, reason: 'crashed', detail }));
    backend = pool;
    options.onBackend?.(pool);
    return pool;
  };

  const inputTable = (node: PlanNode, field: string): Table => {
    const input = node.inputs.find((i) => i.field === field);
    if (!input) throw new NodeError(node.id, `has no input ${field}`);
    const table = tables.get(input.from)?.[input.output];
    if (!table) throw new NodeError(node.id, `input ${input.from}.${input.output} is not a table`);
    return table;
  };
  const inputModel = (node: PlanNode, field: string): ModelRef | undefined => {
    const input = node.inputs.find((i) => i.field === field);
    return input ? models.get(`${input.from}.${input.output}`) : undefined;
  };
  const anyWorker = (b: WorkerBackend): string => {
    const w = b.alive()[0];
    if (!w) throw new NodeError('run', 'every worker was lost');
    return w;
  };

  try {
    if (needsWorkers) {
      const b = await startBackend();
      await startTrainers(b, trainersToStart(plan, dirname(plan.spec_file)));
    }
    for (const wave of plan.waves) {
      for (const id of wave) {
        if (options.stopRequested()) {
          status = 'interrupted';
          break;
        }
        const node = plan.nodes.find((n) => n.id === id)!;
        const began = performance.now();
        const workDir = join(dir.path, RUN_FILES.work, node.id);
        mkdirSync(workDir, { recursive: true });
        let joined: JoinReport | undefined;
        const ctx: RelationalContext = {
          seed: plan.seed,
          workDir,
          workers: plan.resources.workers,
          onProgress: (done, total) => {
            if (total !== undefined) bus.emit({ type: 'node_progress', node: node.id, done, total });
          },
          onJoin: (stats) => {
            joined = joinReport(stats);
            // The plan is followed either way; a plan the real sizes would have changed is said aloud.
            if (stats.check && !stats.check.agrees) bus.emit({ type: 'log', level: 'warn', message: `${node.id}: ${stats.check.note}` });
          },
        };
        bus.emit({ type: 'node_started', node: node.id, op: node.op });
        const seconds = () => Math.round(performance.now() - began) / 1000;
        const rowsOf = (outputs: NodeOutputs) => Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, t.numRows]));

        const key = options.cache && node.op !== 'train' && node.op !== 'evaluate' && node.op !== 'predict' ? options.cache.keyOf(node, node.inputs.map((i) => keys.get(i.from)), plan.seed) : undefined;
        keys.set(node.id, key);
        const cached = key !== undefined && node.op !== 'export' ? options.cache!.load(key) : undefined;
        if (cached) {
          tables.set(node.id, cached);
          bus.emit({ type: 'node_finished', node: node.id, op: node.op, status: 'cached', seconds: seconds(), rows: rowsOf(cached) });
          continue;
        }
        if (key !== undefined && node.op === 'export' && options.cache!.has(key) && existsSync(String(node.config.path))) {
          bus.emit({ type: 'node_finished', node: node.id, op: node.op, status: 'cached', seconds: seconds(), path: String(node.config.path) });
          continue;
        }

        if (node.kind === 'source') {
          const table = await readSource(node, ctx);
          if (key !== undefined) await options.cache!.save(key, { default: table }, node);
          tables.set(node.id, { default: table });
          bus.emit({ type: 'node_finished', node: node.id, op: node.op, status: 'completed', seconds: seconds(), rows: { default: table.numRows } });
          continue;
        }

        if (node.op === 'train') {
          const step = node.config as unknown as TrainStep;
          const b = await startBackend();
          const strategy = trainStrategyOf(node, bus, b);
          const planned = node.decision?.settings?.partitions;
          // A pipeline reads all the data through its first stage: one partition, so its mini-batches do not
          // depend on how many workers there are.
          const partitionCount = strategy.kind === 'hopper' || strategy.kind === 'hybrid' ? (typeof planned === 'number' && planned > 0 ? planned : partitionsOf(step, b.alive().length)) : strategy.kind === 'model' ? 1 : b.alive().length;
          const train = inputTable(node, 'data.train');
          const partitions = await splitIntoPartitions(train, partitionCount, join(workDir, 'train'));
          const validation = node.inputs.some((i) => i.field === 'data.validation') ? [join(workDir, 'validation.arrow')] : [];
          if (validation.length > 0) await writeTableFile(validation[0]!, inputTable(node, 'data.validation'));
          const earlierUnits = earlier.filter((e): e is UnitFinished => e.type === 'unit_finished' && e.node === node.id && e.status === 'completed');
          const reported = new Set(earlier.flatMap((e) => (e.type === 'trial_finished' && e.node === node.id ? [e.trial] : [])));
          const seqBase = earlier.reduce((m, e) => (e.type === 'unit_started' ? Math.max(m, e.seq + 1) : m), 0);
          const replay = options.replay?.entries;
          const common = {
            node,
            planSeed: plan.seed,
            runDir: dir.path,
            specDir: dirname(plan.spec_file),
            backend: b,
            bus,
            data: { partitions, validation },
            earlier: earlierUnits,
            reported,
            seqBase,
            stopRequested: options.stopRequested,
          };
          const warn = (message: string) => bus.emit({ type: 'log', level: 'warn', message: `${node.id}: ${message}` });
          // Only hopper and task parallelism have a visit order to repeat; say so rather than ignore the flag.
          if (replay && strategy.kind !== 'hopper' && strategy.kind !== 'task') {
            warn(
              strategy.kind === 'hybrid'
                ? '--replay repeats a model hopper visit order, and hybrid parallelism decides when trials leave hopping as it goes: this step runs as planned (its results still follow from the seed)'
                : `--replay repeats a model hopper visit order; ${strategy.kind} parallelism trains each trial on every worker at once, so there is no order to repeat and the results follow from the seed alone`,
            );
          }
          const result: TrainNodeResult =
            strategy.kind === 'data'
              ? await runGroupNode({ ...common, strategy: dataParallel(strategy, common.data) })
              : strategy.kind === 'model'
                ? await runGroupNode({ ...common, strategy: modelParallel(strategy, common.data, warn) })
                : strategy.kind === 'hybrid'
                  ? await runHybridNode(common, strategy)
                  : await runTrainNode({ ...common, strategy: strategy.kind, ...(replay ? { replay } : {}) });
          bytesMoved += result.bytesMoved;
          await writeTrialsTable(dir.path, node.id, result);
          tables.set(node.id, { trials: trialsTable(result) });
          if (result.status === 'interrupted') {
            status = 'interrupted';
            bus.emit({ type: 'node_finished', node: node.id, op: node.op, status: 'failed', seconds: seconds(), error: 'interrupted' });
            break;
          }
          if (result.status === 'failed' || !result.best) throw new NodeError(node.id, result.error ?? 'training failed');
          const winner = result.best;
          const ref: ModelRef = { setup: result.setupOf(winner), checkpoint: join(dir.path, winner.checkpoint!) };
          models.set(`${node.id}.best`, ref);
          const bestDir = join(dir.path, RUN_FILES.bestModel, ...(plan.nodes.filter((n) => n.op === 'train').length > 1 ? [node.id] : []));
          await b.run(anyWorker(b), { type: 'export_model', setup: ref.setup, checkpoint: ref.checkpoint, dir: bestDir });
          const objective = winner.epochs.at(-1)?.metrics[result.objective.metric];
          best = { node: node.id, trial: winner.id, params: winner.params, objective: typeof objective === 'number' ? objective : null, model: bestDir };
          bus.emit({ type: 'node_finished', node: node.id, op: node.op, status: 'completed', seconds: seconds(), path: bestDir });
          continue;
        }

        if (node.op === 'evaluate') {
          const step = node.config as unknown as EvaluateStep;
          const model = inputModel(node, 'model');
          if (!model) throw new NodeError(node.id, `model ${step.model} was not trained in this run`);
          const b = await startBackend();
          const file = join(workDir, 'data.arrow');
          await writeTableFile(file, inputTable(node, 'data'));
          const result = (await b.run(anyWorker(b), { type: 'evaluate', setup: model.setup, checkpoint: model.checkpoint, data: [file], ...(step.metrics ? { metrics: step.metrics } : {}) })) as EvaluateResult;
          writeFileSync(join(dir.path, RUN_FILES.evaluations, `${node.id}.json`), `${JSON.stringify({ node: node.id, model: step.model, examples: result.examples, metrics: result.metrics }, null, 2)}\n`);
          tables.set(node.id, { default: tableFromJSON([result.metrics]) });
          bus.emit({ type: 'node_finished', node: node.id, op: node.op, status: 'completed', seconds: seconds(), metrics: result.metrics });
          continue;
        }

        if (node.op === 'export') {
          const model = inputModel(node, 'from');
          if (model) {
            const b = await startBackend();
            const path = String(node.config.path);
            // Written inside the run directory first (cluster workers may write only there), then put in place.
            const staged = join(workDir, 'model');
            await b.run(anyWorker(b), { type: 'export_model', setup: model.setup, checkpoint: model.checkpoint, dir: staged });
            await placeDirectory(staged, path, node.id);
            bus.emit({ type: 'node_finished', node: node.id, op: node.op, status: 'completed', seconds: seconds(), path });
            continue;
          }
        }

        if (node.op === 'predict') throw new NodeError(node.id, 'predict steps are not supported by this version of the runtime');

        const inputs: Record<string, Table> = {};
        for (const input of node.inputs) inputs[input.field] = inputTable(node, input.field);
        const outputs = await runRelationalNode(node, inputs, ctx);
        tables.set(node.id, outputs);
        if (key !== undefined) await options.cache!.save(key, outputs, node);
        bus.emit({
          type: 'node_finished',
          node: node.id,
          op: node.op,
          status: 'completed',
          seconds: seconds(),
          rows: rowsOf(outputs),
          ...(node.op === 'export' ? { path: String(node.config.path) } : {}),
          ...(joined ? { join: joined } : {}),
        });
      }
      if (status === 'interrupted') break;
    }
  } catch (caught) {
    status = 'failed';
    error = describe(caught);
    const node = caught instanceof NodeError ? caught.node : undefined;
    if (node && node !== 'run') bus.emit({ type: 'node_finished', node, op: plan.nodes.find((n) => n.id === node)?.op ?? '', status: 'failed', seconds: 0, error });
    if (!isUserFacing(caught)) error = caught instanceof Error ? (caught.stack ?? caught.message) : String(caught);
  } finally {
    await backend?.shutdown(status === 'interrupted' ? 60_000 : 10_000);
    for (const w of backend?.workers ?? []) if (backend!.alive().includes(w.id)) bus.emit({ type: 'worker_down', worker: w.id, reason: 'exited' });
  }

  bus.emit({
    type: 'run_finished',
    status,
    run_dir: dir.path,
    seconds: Math.round(performance.now() - started) / 1000,
    best,
    bytes_moved: bytesMoved,
    ...(error !== undefined ? { error } : {}),
  });
  return { status, best, ...(error !== undefined ? { error } : {}) };
}

/** Copies a finished directory to `target`, replacing what was there only once the copy is complete. */
async function placeDirectory(source: string, target: string, node: string): Promise<void> {
  const { cp, rename, rm } = await import('node:fs/promises');
  const temp = `${target}.tmp-${process.pid}`;
  try {
    await rm(temp, { recursive: true, force: true });
    await cp(source, temp, { recursive: true });
    // Another run exporting to the same place may land between the two steps: replace it again.
    for (let attempt = 0; ; attempt++) {
      await rm(target, { recursive: true, force: true });
      try {
        await rename(temp, target);
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (attempt >= 3 || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) throw error;
      }
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => {});
    throw new NodeError(node, `cannot write ${target}: ${(error as Error).message}`);
  }
}

function partitionsOf(step: TrainStep, workers: number): number {
  const p = step.parallelism;
  if (typeof p === 'object' && p !== null && 'partitions' in p && typeof p.partitions === 'number') return p.partitions;
  return Math.max(1, workers);
}

function describe(error: unknown): string {
  if (error instanceof NodeError) return `${error.node}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

function isUserFacing(error: unknown): boolean {
  return error instanceof NodeError || (error instanceof Error && error.name === 'ClusterError') || error instanceof DataError || (error instanceof TaskFailedError && error.user) || (error instanceof Error && error.name === 'WorkerLostError');
}

function trialsTable(result: TrainNodeResult): Table {
  return tableFromJSON(
    result.trials.map((t) => ({
      trial: t.id,
      status: t.outcome,
      epochs: t.epochs.length,
      // The columns the compiler promises for a train step's `trials` output.
      ...Object.fromEntries(Object.entries(t.params).map(([k, v]) => [`param_${k}`, typeof v === 'object' ? JSON.stringify(v) : v])),
      ...t.epochs.at(-1)?.metrics,
      seconds: t.seconds,
    })),
  );
}
