/**
 * The training-parallelism cost model (shared/design COST-MODELS.md): for every strategy, the bytes dlc
 * moves between workers over the run (training-traffic.ts, counted as the runtime counts them), the data
 * it stores, and the seconds it should take; beside each, Cerebro's formula for the same strategy
 * (cerebro.ts) and why the two differ.
 *
 * Seconds add up, per strategy:
 * - compute: k·|S|·|D| examples at ~3× the forward flops, over the workers the strategy keeps busy (a
 *   pipeline also pays its bubble, 1 + (stages − 1)/micro-batches);
 * - bytes: the checkpoints and messages at the calibrated send rate, spread over the workers that write
 *   or send them at once (one link for a parameter server, whose member 0 every step goes through);
 * - synchronisation: sync_step_s per synchronised step (a data-parallel mini-batch, an averaging round, a
 *   pipeline's flush), the round trip and the wait for the slowest member that bytes alone do not show;
 * - data: each worker loading what it trains on (its partitions, or the whole data under task parallelism,
 *   again every epoch when a copy does not fit) at the calibrated read rate;
 * - spill: a pipeline with more stages than workers, whose fewer stages would not fit a device, hosts
 *   several per worker and swaps their weights and optimizer slots through host memory (Hydra): about 2
 *   swaps per mini-batch per stage beyond a worker's first (stage-placement.ts follows the runtime's
 *   schedule), at the send rate, as no host-copy rate is calibrated.
 * Pure functions.
 */
import { CEREBRO_FORMULA, allReduceTraffic, averagingTraffic, hopperTraffic, parameterServerTraffic, type RunShape, taskRemoteTraffic, taskReplicaTraffic } from './cerebro.js';
import type { MachineConstants } from './constants.js';
import { formatBytes, formatCount, formatRatio, formatSeconds } from './format.js';
import { hostRanges, type Placement } from './stage-placement.js';
import { allReduceMoved, averagingMoved, averagingRounds, hopperMoved, type Moved, parameterServerMoved, pipelineMoved, type StateShape, stepsPerEpoch, taskMoved } from './training-traffic.js';

export type TrainingStrategy = 'hopper' | 'task' | 'data' | 'model' | 'hybrid';
export type DataSync = 'allreduce' | 'parameter_server' | 'async' | 'ssp' | 'average';

/** What the runtime saves and exchanges of one model (the largest configuration). */
export interface ModelState {
  /** One checkpoint file (checkpoint-size.ts). */
  checkpointBytes: number;
  trainableValues: number;
  /** Weights and optimizer state, as a model-averaging round sums them. */
  stateValues: number;
  /** The optimizer's name, for the notes. */
  optimizer: string;
}

export interface TrainingModelInput {
  /** |S|; null when the search decides as it goes (its budget unknown). */
  configurations: number | null;
  workers: number;
  epochs: number;
  /** Weights of the largest configuration; null when the model's size is unknown (a module, a command). */
  modelBytes: number | null;
  /** Checkpoint and exchange sizes of the largest configuration; null when its size is unknown. */
  state: ModelState | null;
  /** Training memory of the largest configuration on one device; null when unknown. */
  footprint: number | null;
  /** Memory one worker (device) may use. */
  deviceBudget: number;
  datasetBytes: number | null;
  datasetRows: number | null;
  /** Held-out rows scored after every epoch; 0 when the step has none. */
  validationRows: number;
  /** The batch size for memory (the largest) and for counting mini-batches (the smallest). */
  batchSize: { largest: number; smallest: number };
  /** Training flops per example (≈ 3 × forward); null when unknown. */
  flopsPerExample: number | null;
  partitions: number;
  /** The data is already partitioned (a glob, `partitioned_by`): replicating it is against its grain. */
  dataPartitioned: boolean;
  /**
   * Model parallelism; null when a single layer does not fit a device. `stages` as planned, `cut` what the
   * runtime cuts the model into on these workers, `needed` the fewest stages that each fit a device,
   * `hosted` the stages on each worker (stage-placement.ts; `how` says why), `boundaries` the values per
   * example crossing each boundary between two workers, `spill` the bytes copied to host memory and back
   * (null when the run's size is unknown).
   */
  stages: {
    stages: number;
    cut: number;
    needed: number;
    microbatches: number;
    hosted: number[];
    how: Placement;
    boundaries: number[];
    spill: { spilled: number; loaded: number } | null;
  } | null;
  constants: MachineConstants;
}

/** One row of the decision table. `strategy` is the plan's name for it: `data` with its sync as `data/…`. */
export interface TrainingAlternative {
  strategy: string;
  seconds: number | null;
  feasible: boolean;
  bytesMoved: number | null;
  storage: number | null;
  note: string;
  /** Cerebro's formula for the strategy, its value here, and why dlc's count differs. */
  reference?: { bytes: number | null; text: string };
  /** Model parallelism hosting several stages per worker: bytes of stage state copied to host memory and back. */
  spillBytes?: number;
}

/** The alternatives `auto` chooses among, and those only a user may ask for. */
export const AUTO_TRAINING_STRATEGIES = ['hopper', 'task', 'data', 'model'] as const;
export const EXPLICIT_ONLY = ['data/parameter_server', 'data/average', 'data/async', 'data/ssp', 'hybrid'] as const;

/** Does the model fit one device? null when unknown. */
export function fitsDevice(input: Pick<TrainingModelInput, 'footprint' | 'deviceBudget'>): boolean | null {
  return input.footprint === null ? null : input.footprint <= input.deviceBudget;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`;
/** Expected counts such as hopper's reads are not whole: one decimal. */
const about = (n: number): string => (Number.isInteger(n) ? formatCount(n) : `~${n.toFixed(1)}`);

/** Every alternative's estimate. `extra` adds rows for strategies only a user may ask for. */
export function estimateTraining(input: TrainingModelInput, extra: readonly string[] = []): TrainingAlternative[] {
  const S = input.configurations;
  const p = input.workers;
  const c = input.constants;
  const fits = fitsDevice(input);
  const tooBig = fits === false ? `the model needs ~${formatBytes(input.footprint!)} to train, more than the ${formatBytes(input.deviceBudget)} a device has` : undefined;
  const b = input.batchSize.smallest;
  const shape: StateShape | null =
    S !== null && input.state !== null && input.datasetRows !== null
      ? { configurations: S, workers: p, epochs: input.epochs, partitions: input.partitions, checkpointBytes: input.state.checkpointBytes, trainableValues: input.state.trainableValues, stateValues: input.state.stateValues, datasetRows: input.datasetRows, validationRows: input.validationRows, batchSize: b }
      : null;
  const cerebro: RunShape | null =
    S !== null && input.modelBytes !== null && input.datasetBytes !== null && input.datasetRows !== null
      ? { configurations: S, workers: p, epochs: input.epochs, modelBytes: input.modelBytes, datasetBytes: input.datasetBytes, datasetRows: input.datasetRows, batchSize: b, partitions: input.partitions }
      : null;
  // Compute of the whole run on one worker; each strategy divides it by the workers it keeps busy.
  const compute = S !== null && input.datasetRows !== null && input.flopsPerExample !== null ? (input.epochs * S * input.datasetRows * input.flopsPerExample) / c.train_flops_per_s : null;
  const D = input.datasetBytes;
  /** Seconds for a strategy: compute over `busy` workers, its bytes over `lanes`, its synchronised steps, each worker loading `loaded` bytes of data. */
  const time = (busy: number, moved: Moved | null, lanes: number, loaded: number | null): number | null =>
    compute === null || moved === null ? null : compute / busy + moved.bytes / (c.send_bytes_per_s * lanes) + moved.syncSteps * c.sync_step_s + (loaded ?? 0) / c.read_bytes_per_s;
  const C = input.state ? formatBytes(input.state.checkpointBytes) : '?';
  const m = input.modelBytes !== null ? formatBytes(input.modelBytes) : '?';
  const opt = input.state?.optimizer ?? 'the optimizer';
  const ref = (formula: string, t: { bytesMoved: number } | null, why: string) => ({ bytes: t?.bytesMoved ?? null, text: `Cerebro's ${formula}${t ? ` = ${formatBytes(t.bytesMoved)}` : ''} ${why}` });
  const sync = (mv: Moved) => (mv.syncSteps > 0 ? `; ${plural(mv.syncSteps, 'synchronised step')} × ${formatSeconds(c.sync_step_s)} = ${formatSeconds(mv.syncSteps * c.sync_step_s)}` : '');
  const idle = S !== null && S < p ? `; ${p - S} of ${p} workers idle` : '';
  const rows: TrainingAlternative[] = [];

  // Model hopper: each configuration trains on one worker at a time, so at most |S| workers are busy.
  {
    const mv = shape ? hopperMoved(shape) : null;
    const busy = S === null ? p : Math.min(S, p);
    rows.push({
      strategy: 'hopper',
      seconds: time(busy, mv, busy, D === null ? null : D / p),
      feasible: fits !== false,
      bytesMoved: mv?.bytes ?? null,
      storage: D,
      note:
        tooBig ??
        (mv
          ? `${plural(mv.writes, 'checkpoint write')} (one per unit) and ${about(mv.reads)} reads (a model reaching a worker that does not hold it) of ${C}: ${formatBytes(mv.bytes)}; the data stored once in ${plural(input.partitions, 'partition')}${idle}`
          : `bytes moved unknown; the data stored once in ${plural(input.partitions, 'partition')}${idle}`),
      reference: ref(CEREBRO_FORMULA.hopper, cerebro ? hopperTraffic(cerebro) : null, `counts one copy of the weights (m = ${m}) per hop; dlc moves checkpoints through the store, the weights with ${opt}'s state and a header (${C}), written after every unit and read when the model changes worker (expected reads assume a random partition order per epoch)`),
    });
  }
  // Task parallel: whole configurations per worker; rounds of p leave workers idle in the last one.
  {
    const copyFits = D !== null && D <= input.deviceBudget;
    const mv = shape ? taskMoved(shape) : null;
    const busy = S === null ? p : S / Math.ceil(S / p);
    const holders = S === null ? p : Math.min(S, p);
    // A copy that does not fit is read again every epoch of every configuration a worker trains.
    const loaded = D === null ? null : copyFits ? D : D * input.epochs * (S === null ? 1 : Math.ceil(S / p));
    const how = copyFits
      ? `every worker loads the whole data: ${holders} × ${formatBytes(D!)} = ${formatBytes(holders * D!)} held`
      : D !== null
        ? `a copy (${formatBytes(D)}) does not fit the ${formatBytes(input.deviceBudget)} per worker: every epoch reads the data again`
        : 'data size unknown';
    const t = cerebro ? (copyFits ? taskReplicaTraffic(cerebro) : taskRemoteTraffic(cerebro)) : null;
    rows.push({
      strategy: 'task',
      seconds: time(busy, mv, busy, loaded),
      feasible: fits !== false,
      bytesMoved: mv?.bytes ?? null,
      storage: D === null ? null : copyFits ? holders * D : D,
      note: tooBig ?? `${mv ? `${plural(mv.writes, 'checkpoint write')} (one per epoch; a configuration stays on its worker) of ${C}: ${formatBytes(mv.bytes)}` : 'bytes moved unknown'}; ${how}${idle}`,
      reference: ref(
        copyFits ? CEREBRO_FORMULA.taskReplicas : CEREBRO_FORMULA.taskRemote,
        t,
        copyFits ? `counts copying the data to every worker; dlc's workers load it from the shared store (read, not moved between workers) and write a checkpoint per epoch` : `counts reading the data remotely every epoch; dlc's workers read it from the shared store (not moved between workers) and write a checkpoint per epoch`,
      ),
    });
  }
  // Data parallel, all-reduce: every worker on every configuration, a ring exchange per mini-batch.
  {
    const mv = shape ? allReduceMoved(shape) : null;
    const steps = input.datasetRows !== null ? stepsPerEpoch(input.datasetRows, b) : null;
    rows.push({
      strategy: 'data',
      seconds: time(p, mv, p, D === null ? null : D / p),
      feasible: fits !== false,
      bytesMoved: mv?.bytes ?? null,
      storage: D,
      note: tooBig ?? (mv ? (p > 1 ? `all-reduce of every mini-batch's gradients (${formatCount(steps!)} per epoch; the group sends 2·(p−1) × ${m} each): ${formatBytes(mv.messages)}, and ${plural(mv.writes, 'checkpoint')}: ${formatBytes(mv.bytes)}${sync(mv)}` : `one worker: nothing to all-reduce; ${plural(mv.writes, 'checkpoint')}: ${formatBytes(mv.bytes)}`) : 'bytes moved unknown'),
      reference: ref(CEREBRO_FORMULA.allReduce, cerebro ? allReduceTraffic(cerebro) : null, `is what one member sends (2·(p−1)/p of the gradients per mini-batch); the group sends p times that, plus a checkpoint per epoch`),
    });
  }
  rows.push(modelRow(input, shape, compute, tooBig));

  for (const name of extra) {
    if (rows.some((r) => r.strategy === name)) continue;
    if (name === 'hybrid') {
      const hop = rows[0]!;
      rows.push({ ...hop, strategy: 'hybrid', note: tooBig ?? `as hopper while at least ${Math.ceil(p / 2)} configurations remain, then data parallel for the survivors` });
      continue;
    }
    const kind = name.slice('data/'.length);
    if (kind === 'average') {
      const mv = shape ? averagingMoved(shape) : null;
      const rounds = input.datasetRows !== null ? averagingRounds({ datasetRows: input.datasetRows, workers: p, batchSize: b }) : null;
      rows.push({
        strategy: name,
        seconds: time(p, mv, p, D === null ? null : D / p),
        feasible: fits !== false,
        bytesMoved: mv?.bytes ?? null,
        storage: D,
        note: tooBig ?? `${mv ? `${rounds} averaging rounds per epoch, each an all-reduce of the weights and ${opt}'s state: ${formatBytes(mv.messages)}, and ${plural(mv.writes, 'checkpoint')}: ${formatBytes(mv.bytes)}` : 'bytes moved unknown'}; averaging models converges poorly (Cerebro, Fig. 7)`,
        reference: ref(CEREBRO_FORMULA.averaging, cerebro ? averagingTraffic(cerebro) : null, `counts one exchange of the weights per epoch; dlc averages ${rounds ?? 'several'} times per epoch (sub-epochs), with the optimizer's state, by ring all-reduce`),
      });
      continue;
    }
    const mv = shape ? parameterServerMoved(shape) : null;
    const why = kind === 'parameter_server' ? 'every mini-batch through one server' : kind === 'ssp' ? 'bounded staleness: not reproducible' : 'asynchronous updates: not reproducible';
    rows.push({
      strategy: name,
      // Every push and answer goes through the server's one link.
      seconds: time(p, mv, 1, D === null ? null : D / p),
      feasible: fits !== false,
      bytesMoved: mv?.bytes ?? null,
      storage: D,
      note: tooBig ?? `${mv ? `${p - 1} of ${p} members push gradients to member 0 and pull the weights every step: ${formatBytes(mv.messages)}, and ${plural(mv.writes, 'checkpoint')}: ${formatBytes(mv.bytes)}${sync(mv)}` : 'bytes moved unknown'}; ${why}`,
      reference: ref(CEREBRO_FORMULA.parameterServer, cerebro ? parameterServerTraffic(cerebro) : null, `counts p members pushing and pulling m per mini-batch; dlc's server is member 0, so p − 1 do, plus the weights broadcast at each epoch's start and end and a checkpoint per epoch`),
    });
  }
  return rows;
}

/**
 * Model parallel: a pipeline of stages per configuration; pipelines run side by side when workers allow.
 * With fewer workers than stages the runtime either cuts the model into as many stages as workers (when
 * those fit a device) or hosts several stages per worker and spills the idle ones to host memory; on one
 * worker and one stage the "pipeline" is that worker doing all the work, with the parts of each checkpoint
 * written and joined on top: never faster than training on that worker.
 */
function modelRow(input: TrainingModelInput, shape: StateShape | null, compute: number | null, tooBig: string | undefined): TrainingAlternative {
  const st = input.stages;
  const S = input.configurations;
  const p = input.workers;
  const c = input.constants;
  if (!st) return { strategy: 'model', seconds: null, feasible: input.footprint === null, bytesMoved: null, storage: null, note: input.footprint === null ? 'model size unknown' : 'a single layer does not fit one device' };
  const used = st.hosted.length;
  const pipelines = Math.max(1, Math.floor(p / used));
  const busy = S === null ? pipelines : Math.min(S, pipelines);
  const bubble = 1 + (used - 1) / st.microbatches;
  const mv = shape ? pipelineMoved(shape, { stages: used, microbatches: st.microbatches, boundaries: st.boundaries }) : null;
  const swapped = st.spill ? st.spill.spilled + st.spill.loaded : null;
  const seconds =
    compute === null || mv === null || swapped === null
      ? null
      : (compute * bubble) / (used * busy) + (mv.bytes + swapped) / (c.send_bytes_per_s * busy) + (mv.syncSteps * c.sync_step_s) / busy + (input.datasetBytes ?? 0) / c.read_bytes_per_s;
  const workers = (n: number) => `${n} worker${n === 1 ? '' : 's'}`;
  let placed = '';
  if (st.how === 'recut') placed = `; ${st.stages} stages planned, cut into ${st.cut} on ${workers(p)}${st.cut === 1 ? ': one worker does all the work' : `: ${st.needed === 1 ? 'the whole model fits' : `${st.cut} stages fit`} a worker's memory, faster than spilling`}`;
  if (st.how === 'spill') {
    const ranges = hostRanges(st.hosted).map(([a, b], w) => `worker ${w} ${b - a === 1 ? `stage ${a}` : `stages ${a}–${b - 1}`}`);
    placed = `; ${st.cut} stages on ${workers(used)} (${st.needed} needed to fit a worker's memory): ${ranges.join(', ')}, only the stage computing on the device; the idle ones spill to host memory, ${swapped === null ? 'bytes unknown' : `${formatBytes(swapped)} copied out and back`} (2 swaps per mini-batch per stage beyond a worker's first)`;
  }
  const activations = mv ? formatBytes(mv.messages) : 'unknown';
  return {
    strategy: 'model',
    seconds,
    feasible: true,
    bytesMoved: mv?.bytes ?? null,
    storage: input.datasetBytes,
    note: `${st.cut} stage${st.cut === 1 ? '' : 's'} × ${st.microbatches} micro-batches (pipeline bubble ${formatRatio(bubble)}), ${busy} pipeline${busy === 1 ? '' : 's'}; activations and their gradients sent ${activations}, checkpoint parts written, joined and written ${mv ? formatBytes(mv.bytes - mv.messages) : '?'}${placed}`,
    ...(swapped !== null && swapped > 0 ? { spillBytes: swapped } : {}),
    reference: {
      bytes: null,
      text: st.boundaries.length
        ? `Cerebro has no row for model parallelism; dlc sends, per example and epoch, the ${st.boundaries.map((a) => formatCount(a)).join(' + ')} values at the cut${st.boundaries.length === 1 ? '' : 's'} between workers forward and their gradients back (held-out examples forward only), and writes each checkpoint in parts`
        : 'Cerebro has no row for model parallelism; on one worker nothing crosses a cut, and dlc still writes each checkpoint in parts and joins them',
    },
  };
}
