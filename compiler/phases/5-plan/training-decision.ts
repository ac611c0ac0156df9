import { checkpointOptimizerState, checkpointSize, type CheckpointSize, type OptimizerState } from '../../cost/checkpoint-size.js';
import { estimateLayersModel, type ModelEstimate, optimizerSlots, pipelineStages, trainingMemory, type TrainingMemory } from '../../cost/model-memory.js';
import { formatBytes, formatRatio, formatSeconds } from '../../cost/format.js';
import { SCORING_BATCH } from '../../cost/runtime-facts.js';
import { boundaryValues } from '../../cost/stage-cut.js';
import { crossWorkerCuts, placeStages, spillTraffic, stageStates, type StagePlacement } from '../../cost/stage-placement.js';
import { stepsPerEpoch } from '../../cost/training-traffic.js';
import { estimateTraining, type TrainingAlternative, type TrainingModelInput } from '../../cost/training.js';
import { chooseTrainingStrategy } from '../../cost/training-choice.js';
import type { DocPath } from '../../source/doc-path.js';
import type { SearchSpec, SpaceEntry, TrainStep } from '../../spec/types.js';
import type { AnalysisContext } from '../4-analyze/index.js';
import { COSTLY_RATIO } from './join-decision.js';
import { constantInputs, type PlanMachine, sizedInput } from './machine.js';
import type { Decision, DecisionInput, DecisionSettings } from './plan-types.js';
import { configurationCount } from './search-size.js';
import type { PlanStatistics } from './statistics.js';

/** Keras's defaults, which the training runtime follows when a step leaves these out. */
const DEFAULT_BATCH_SIZE = 32;
const DEFAULT_EPOCHS = 1;
/** GPipe keeps stages busy with at least about four micro-batches per stage. */
const MICROBATCHES_PER_STAGE = 4;

const HP_REF = /^\$\{hp\.([A-Za-z_][\w]*)\}$/;

/** The values a search-space entry can take that matter for sizes: its smallest and largest. */
function entryRange(e: SpaceEntry | undefined): { min: unknown; max: unknown } | undefined {
  if (!e) return undefined;
  const values = e.choice ?? e.grid;
  if (values) {
    const nums = values.filter((v): v is number => typeof v === 'number');
    if (nums.length === values.length && nums.length > 0) return { min: Math.min(...nums), max: Math.max(...nums) };
    // `same` padding keeps the larger output, so it is the conservative pick among strings.
    const pick = values.includes('same') ? 'same' : values[0];
    return { min: pick, max: pick };
  }
  const pair = e.int ?? e.logint ?? e.uniform ?? e.loguniform ?? (e.quniform ? [e.quniform[0], e.quniform[1]] : undefined);
  if (pair) return { min: pair[0], max: pair[1] };
  if (e.normal) return { min: e.normal[0] - 3 * e.normal[1], max: e.normal[0] + 3 * e.normal[1] };
  return undefined;
}

/** `${hp.x}` at its largest (or smallest) value; anything else as written. */
function bound(search: SearchSpec | undefined, value: unknown, want: 'min' | 'max'): unknown {
  if (typeof value !== 'string') return value;
  const m = HP_REF.exec(value);
  if (!m) return value;
  const r = entryRange(search?.space[m[1]!]);
  return r ? r[want] : undefined;
}

/** Arguments that shrink the output as they grow: their smallest value gives the largest model. */
const SHRINKING = new Set(['strides', 'pool_size', 'rate']);

export interface ModelFacts {
  model: ModelEstimate | null;
  why?: string;
  slots: number;
  optimizer: string;
  /** What a checkpoint holds per trainable weight, the largest over the optimizers the search may pick. */
  saved: OptimizerState;
  checkpoint: CheckpointSize | null;
  memory: TrainingMemory | null;
  batch: { largest: number; smallest: number; from: 'declared' | 'default' };
  epochs: { value: number; from: 'declared' | 'default' };
  /** Global-norm clipping: a spilled pipeline stage keeps its gradients in host memory until its update. */
  globalClipnorm: boolean;
}

/** Sizes of the largest configuration a train step can produce. */
export function modelFacts(step: TrainStep): ModelFacts {
  const s = step.search;
  const num = (v: unknown, want: 'min' | 'max'): number | undefined => {
    const b = bound(s, v, want);
    return typeof b === 'number' && Number.isFinite(b) ? b : undefined;
  };
  const bLargest = num(step.batch_size, 'max');
  const bSmallest = num(step.batch_size, 'min');
  const batch = bLargest !== undefined && bSmallest !== undefined ? { largest: Math.round(bLargest), smallest: Math.round(bSmallest), from: 'declared' as const } : { largest: DEFAULT_BATCH_SIZE, smallest: DEFAULT_BATCH_SIZE, from: 'default' as const };
  const ep = num(step.epochs, 'max') ?? (s?.max_epochs !== undefined ? s.max_epochs : undefined);
  const epochs = ep !== undefined ? { value: Math.round(ep), from: 'declared' as const } : { value: DEFAULT_EPOCHS, from: 'default' as const };
  const opt = step.optimizer;
  const optName = typeof opt === 'string' ? opt : opt?.name;
  const optSettings = typeof opt === 'object' && opt !== null ? (opt as Record<string, unknown>) : {};
  const names = typeof optName === 'string' && HP_REF.test(optName) ? (s?.space[HP_REF.exec(optName)![1]!]?.choice ?? []).filter((x): x is string => typeof x === 'string') : [optName ?? 'adam'];
  const slotsOf = names.map((n) => optimizerSlots(String(n), optSettings));
  const slots = slotsOf.length ? Math.max(...slotsOf) : 2;
  const optimizer = names.length === 1 ? String(names[0]) : names.join('|') || 'adam';
  const states = names.map((n) => checkpointOptimizerState(String(n), optSettings));
  const saved = states.length ? states.reduce((a, x) => (x.slots > a.slots || (x.slots === a.slots && x.scalars > a.scalars) ? x : a)) : checkpointOptimizerState('adam');
  const m = step.model;
  const base = { slots, optimizer, saved, checkpoint: null, memory: null, batch, epochs, globalClipnorm: optSettings.global_clipnorm !== undefined };
  if (!m.layers || !m.input_shape) return { ...base, model: null, why: m.module ? 'a module model: its size is known only when built' : m.command ? 'an external command trains the model' : 'no layers' };
  const est = estimateLayersModel(m.input_shape, m.layers, (_layer, arg, v) => bound(s, v, SHRINKING.has(arg) ? 'min' : 'max'));
  if (!est.ok) return { ...base, model: null, why: est.why };
  return { ...base, model: est.model, checkpoint: checkpointSize(est.model, saved), memory: trainingMemory(est.model, slots, batch.largest) };
}

/** Bytes the runtime copies to host memory and back when it spills stages; null when the run's size is unknown. */
function spillOf(facts: ModelFacts, placement: StagePlacement, configurations: number | null, rows: number | null, validationRows: number): { spilled: number; loaded: number } | null {
  if (placement.how !== 'spill') return { spilled: 0, loaded: 0 };
  if (!facts.model || configurations === null || rows === null) return null;
  return spillTraffic({
    states: stageStates(facts.model, placement.stages, facts.saved.slots, facts.saved.scalars),
    hosted: placement.hosted,
    configurations,
    epochs: facts.epochs.value,
    steps: stepsPerEpoch(rows, facts.batch.smallest),
    scoringBatches: stepsPerEpoch(validationRows, SCORING_BATCH),
    deferredGradients: facts.globalClipnorm,
  });
}

type RequestedTraining = { strategy: string; settings: DecisionSettings; path: DocPath };

function requestedOf(id: string, step: TrainStep): RequestedTraining {
  const p = step.parallelism ?? 'auto';
  const base: DocPath = ['steps', id, 'parallelism'];
  if (typeof p === 'string') return { strategy: p, settings: {}, path: base };
  const settings: DecisionSettings = {};
  if ((p.strategy === 'hopper' || p.strategy === 'hybrid') && p.partitions !== undefined) settings.partitions = p.partitions;
  if (p.strategy === 'data') {
    if (p.sync !== undefined) settings.sync = p.sync;
    if (p.staleness !== undefined) settings.staleness = p.staleness;
  }
  if (p.strategy === 'model') {
    if (p.stages !== undefined) settings.stages = p.stages;
    if (p.microbatches !== undefined) settings.microbatches = p.microbatches;
  }
  return { strategy: p.strategy, settings, path: [...base, 'strategy'] };
}

/**
 * The train step's parallelism with the estimate of every alternative. An explicit strategy is honoured;
 * DLC501 when estimated at more than twice the automatic choice, DLC502 when the model cannot train that way.
 */
export function decideTraining(ctx: AnalysisContext, stats: PlanStatistics, machine: PlanMachine, id: string, step: TrainStep): Decision {
  const req = requestedOf(id, step);
  const facts = modelFacts(step);
  const trainRef = stats.input(id, 'data', 'train');
  const data = trainRef ? stats.size(trainRef.target, trainRef.output) : { rows: null, bytes: null };
  const validationRef = stats.input(id, 'data', 'validation');
  const validation = validationRef ? stats.size(validationRef.target, validationRef.output).rows : null;
  const partitioned = trainRef ? stats.partitioned(trainRef.target, trainRef.output) : { partitioned: false };
  const p = machine.workers.value;
  const S = configurationCount(step.search);
  const partitions = req.settings.partitions ?? p;
  const budget = machine.deviceMemory.value;
  const footprint = facts.memory?.total ?? null;
  const modelBytes = facts.model ? facts.model.params * 4 : null;
  // Model parallelism means two stages at least, even for a model that would fit one device.
  const stageFit = facts.model ? pipelineStages(facts.model, facts.slots, facts.batch.largest, budget) : null;
  const stages = req.settings.stages ?? (stageFit ? Math.max(stageFit.stages, 2) : undefined);
  const microbatches = req.settings.microbatches ?? (stages !== undefined ? MICROBATCHES_PER_STAGE * stages : undefined);
  // Where the runtime puts the stages on these workers: one each, cut again into fewer, or several per worker, spilling.
  const placement = facts.model && stageFit && stages !== undefined ? placeStages(Math.max(1, Math.min(stages, facts.model.layers.length)), stageFit.stages, p) : undefined;
  const cut = placement?.stages;
  const input: TrainingModelInput = {
    configurations: S,
    workers: p,
    epochs: facts.epochs.value,
    modelBytes,
    state:
      facts.model && facts.checkpoint
        ? { checkpointBytes: facts.checkpoint.bytes, trainableValues: facts.model.trainable, stateValues: facts.checkpoint.values, optimizer: facts.optimizer }
        : null,
    footprint,
    deviceBudget: budget,
    datasetBytes: data.bytes?.value ?? null,
    datasetRows: data.rows?.value ?? null,
    validationRows: validation?.value ?? 0,
    batchSize: { largest: facts.batch.largest, smallest: facts.batch.smallest },
    flopsPerExample: facts.model ? 3 * facts.model.flops : null,
    partitions,
    dataPartitioned: partitioned.partitioned,
    stages:
      stageFit && stages !== undefined && microbatches !== undefined && cut !== undefined
        ? {
            stages,
            cut,
            needed: stageFit.stages,
            microbatches,
            hosted: placement!.hosted,
            how: placement!.how,
            boundaries: crossWorkerCuts(placement!.hosted).map((i) => boundaryValues(facts.model!, cut)[i]!),
            spill: spillOf(facts, placement!, S, data.rows?.value ?? null, validation?.value ?? 0),
          }
        : null,
    constants: machine.profile.constants,
  };
  const sync = req.settings.sync;
  const requestedRow = req.strategy === 'data' && sync !== undefined && sync !== 'allreduce' ? `data/${sync}` : req.strategy;
  const extra = requestedRow === 'auto' || ['hopper', 'task', 'data', 'model'].includes(requestedRow) ? [] : [requestedRow];
  const alternatives = estimateTraining(input, extra);
  const choice = chooseTrainingStrategy(input, alternatives);
  const row = (s: string): TrainingAlternative => alternatives.find((a) => a.strategy === s)!;
  const auto = row(choice.strategy);

  let strategy: string;
  let reason: string;
  const settings: DecisionSettings = { ...req.settings };
  if (req.strategy === 'auto') {
    strategy = choice.strategy;
    reason = choice.reason;
    if (!choice.feasible) ctx.report('DLC502', ['steps', id, 'model'], `the model cannot be trained on these workers: ${choice.reason}`, { hint: 'raise resources.memory_per_worker or make the model smaller' });
  } else {
    strategy = req.strategy;
    const mine = row(requestedRow);
    const agree = requestedRow === choice.strategy;
    const cmp = agree
      ? `the cost model agrees: ${choice.reason}`
      : mine.seconds !== null && auto.seconds !== null
        ? `auto would take ${choice.strategy} (${formatSeconds(auto.seconds)} against ${formatSeconds(mine.seconds)}): ${choice.reason}`
        : `auto would take ${choice.strategy}: ${choice.reason}`;
    reason = `${requestedRow} as the spec asks; ${cmp}`;
    if (!mine.feasible) {
      ctx.report('DLC502', req.path, `${req.strategy} cannot train this model: ${mine.note}`, { hint: choice.feasible ? `use parallelism: ${choice.strategy} (or auto)` : 'raise resources.memory_per_worker or make the model smaller' });
    } else if (!agree && mine.seconds !== null && auto.seconds !== null && auto.seconds > 0 && mine.seconds > COSTLY_RATIO * auto.seconds) {
      ctx.report('DLC501', req.path, `${requestedRow} is estimated at ${formatSeconds(mine.seconds)}, ${formatRatio(mine.seconds / auto.seconds)} the ${formatSeconds(auto.seconds)} of ${choice.strategy} for ${S ?? '?'} configuration${S === 1 ? '' : 's'} on ${p} workers`, { hint: `parallelism: auto would take ${choice.strategy}; see dlc plan --explain` });
    }
  }
  if (strategy === 'hopper' || strategy === 'hybrid') settings.partitions = partitions;
  if (strategy === 'data' && settings.sync === undefined) settings.sync = 'allreduce';
  if (strategy === 'model') {
    if (stages !== undefined) settings.stages = stages;
    if (microbatches !== undefined) settings.microbatches = microbatches;
    if (stageFit) settings.min_stages = stageFit.stages;
  }

  const fromSearch = !step.search ? 'one configuration (no search)' : step.search.algorithm === 'grid' ? `the grid's size` : S === null ? `${step.search.algorithm} decides as it goes` : `the ${step.search.algorithm} search's trial budget`;
  const inputs: Record<string, DecisionInput> = {
    configurations: { value: S, from: 'declared', note: fromSearch },
    workers: sizedInput(machine.workers),
    partitions: req.settings.partitions !== undefined ? { value: partitions, from: 'declared', note: 'parallelism.partitions' } : { ...sizedInput(machine.workers), note: 'one partition per worker' },
    epochs: { value: facts.epochs.value, from: facts.epochs.from, ...(typeof step.epochs === 'string' ? { note: 'the largest value of its hyperparameter' } : {}) },
    batch_size: { value: facts.batch.largest, from: facts.batch.from, ...(facts.batch.largest !== facts.batch.smallest ? { note: `${facts.batch.smallest} to ${facts.batch.largest}; the largest for memory, the smallest for mini-batch counts` } : {}) },
    parameters: facts.model ? { value: facts.model.params, from: 'estimate', note: `from the layers and input_shape${step.search ? ', largest configuration' : ''}` } : { value: null, from: 'unknown', note: facts.why ?? 'unknown' },
    model_bytes: modelBytes !== null ? { value: modelBytes, unit: 'B', from: 'estimate', note: 'float32 weights' } : { value: null, unit: 'B', from: 'unknown' },
    checkpoint_bytes: facts.checkpoint
      ? { value: facts.checkpoint.bytes, unit: 'B', from: 'estimate', note: `weights + ${facts.optimizer} state (${facts.saved.slots} per trainable weight${facts.saved.scalars ? ` and ${facts.saved.scalars} scalars` : ''}) + header, as the runtime writes a checkpoint` }
      : { value: null, unit: 'B', from: 'unknown', note: facts.why ?? 'unknown' },
    training_memory: facts.memory
      ? { value: facts.memory.total, unit: 'B', from: 'estimate', note: `weights ${formatBytes(facts.memory.parameters)} + gradients ${formatBytes(facts.memory.gradients)} + ${facts.optimizer} slots ${formatBytes(facts.memory.optimizer)} + activations at batch ${facts.batch.largest} ${formatBytes(facts.memory.activations)}` }
      : { value: null, unit: 'B', from: 'unknown', note: facts.why ?? 'unknown' },
    memory_per_worker: sizedInput(machine.memoryPerWorker, 'B'),
    ...(machine.deviceMemory !== machine.memoryPerWorker ? { device_memory: sizedInput(machine.deviceMemory, 'B') } : {}),
    'dataset.rows': sizedInput(data.rows, 'rows'),
    'dataset.bytes': sizedInput(data.bytes, 'B'),
    ...(validation ? { 'validation.rows': sizedInput(validation, 'rows') } : {}),
    data_partitioned: partitioned.source
      ? { value: partitioned.partitioned, from: 'declared', note: partitioned.partitioned ? `source ${partitioned.source}: several files, or partitioned_by` : `source ${partitioned.source}: one file, no partitioned_by` }
      : { value: false, from: 'unknown', note: 'not traced to a source' },
    flops_per_example: input.flopsPerExample !== null ? { value: input.flopsPerExample, unit: 'flop', from: 'estimate', note: 'three times the forward pass' } : { value: null, unit: 'flop', from: 'unknown' },
    ...constantInputs(machine, ['send_bytes_per_s', 'read_bytes_per_s', 'train_flops_per_s', 'sync_step_s']),
  };
  return {
    kind: 'training',
    strategy,
    requested: req.strategy,
    alternatives: alternatives.map((a) => ({
      strategy: a.strategy,
      cost: a.feasible ? a.seconds : null,
      unit: 's',
      feasible: a.feasible,
      note: a.note,
      bytes_moved: a.bytesMoved,
      storage_bytes: a.storage,
      ...(a.spillBytes !== undefined ? { spill_bytes: a.spillBytes } : {}),
      ...(a.reference ? { reference: a.reference.text, reference_bytes: a.reference.bytes } : {}),
    })),
    reason: reason.endsWith('.') ? reason : `${reason}.`,
    settings,
    inputs,
  };
}
