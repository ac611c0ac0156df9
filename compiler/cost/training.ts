/**
 * The training-parallelism cost model (shared/design COST-MODELS.md): bytes moved and storage over a
 * whole run, from the Cerebro paper (VLDB 2020, Table 2 with its errata), with k epochs, |S|
 * configurations, p workers, m model bytes, ⟨D⟩ dataset bytes and |D|/b mini-batches per epoch:
 *
 *   model hopper (MOP)             k·m·p·|S| + m·|S|                 storage ⟨D⟩ (partitioned)
 *   task parallel, full replicas   p·⟨D⟩ + m·|S|                     storage p·⟨D⟩
 *   task parallel, remote reads    k·|S|·⟨D⟩ + m·|S|                 storage ⟨D⟩
 *   model averaging / BSP          2·k·m·p·|S|                       storage ⟨D⟩
 *   parameter server               2·k·m·p·|S|·|D|/(b·p)             storage ⟨D⟩
 *   all-reduce                     2·k·m·(p−1)·|S|·|D|/(b·p)         storage ⟨D⟩
 *
 * Seconds add the compute (k·|S|·|D| examples at ~3× the forward flops, over the workers a strategy keeps
 * busy) to the time the bytes take at the calibrated send rate: spread over all workers' links for
 * hopper and all-reduce, through one link for a parameter server, a driver that averages, or a store
 * that sends every copy. Pure functions.
 */
import type { MachineConstants } from './constants.js';
import { formatBytes, formatRatio, formatSeconds } from './format.js';

export type TrainingStrategy = 'hopper' | 'task' | 'data' | 'model' | 'hybrid';
export type DataSync = 'allreduce' | 'parameter_server' | 'async' | 'ssp' | 'average';

export interface RunShape {
  /** |S|: configurations trained. */
  configurations: number;
  /** p */
  workers: number;
  /** k */
  epochs: number;
  /** m: bytes of one model's weights. */
  modelBytes: number;
  /** ⟨D⟩ */
  datasetBytes: number;
  /** |D| */
  datasetRows: number;
  /** b */
  batchSize: number;
  /** Hopper's partitions; Cerebro has one per worker. */
  partitions?: number;
}

/** Bytes moved over a run and bytes stored, per the table above. */
export interface Traffic {
  bytesMoved: number;
  storage: number;
}

export function hopperTraffic(r: RunShape): Traffic {
  const visits = r.partitions ?? r.workers;
  return { bytesMoved: r.epochs * r.modelBytes * visits * r.configurations + r.modelBytes * r.configurations, storage: r.datasetBytes };
}
export function taskReplicaTraffic(r: RunShape): Traffic {
  return { bytesMoved: r.workers * r.datasetBytes + r.modelBytes * r.configurations, storage: r.workers * r.datasetBytes };
}
export function taskRemoteTraffic(r: RunShape): Traffic {
  return { bytesMoved: r.epochs * r.configurations * r.datasetBytes + r.modelBytes * r.configurations, storage: r.datasetBytes };
}
export function averagingTraffic(r: RunShape): Traffic {
  return { bytesMoved: 2 * r.epochs * r.modelBytes * r.workers * r.configurations, storage: r.datasetBytes };
}
export function parameterServerTraffic(r: RunShape): Traffic {
  return { bytesMoved: (2 * r.epochs * r.modelBytes * r.workers * r.configurations * r.datasetRows) / (r.batchSize * r.workers), storage: r.datasetBytes };
}
export function allReduceTraffic(r: RunShape): Traffic {
  return { bytesMoved: (2 * r.epochs * r.modelBytes * (r.workers - 1) * r.configurations * r.datasetRows) / (r.batchSize * r.workers), storage: r.datasetBytes };
}

export interface TrainingModelInput {
  /** |S|; null when the search decides as it goes (its budget unknown). */
  configurations: number | null;
  workers: number;
  epochs: number;
  /** Weights of the largest configuration; null when the model's size is unknown (a module, a command). */
  modelBytes: number | null;
  /** Training memory of the largest configuration on one device; null when unknown. */
  footprint: number | null;
  /** Memory one worker (device) may use. */
  deviceBudget: number;
  datasetBytes: number | null;
  datasetRows: number | null;
  /** The batch size for memory (the largest) and for counting mini-batches (the smallest). */
  batchSize: { largest: number; smallest: number };
  /** Training flops per example (≈ 3 × forward); null when unknown. */
  flopsPerExample: number | null;
  partitions: number;
  /** The data is already partitioned (a glob, `partitioned_by`): replicating it is against its grain. */
  dataPartitioned: boolean;
  /** Model parallelism: the fewest stages that fit, null when a single layer does not fit a device. */
  stages: { stages: number; microbatches: number; boundaryBytesPerExample: number } | null;
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
}

/** The alternatives `auto` chooses among, and those only a user may ask for. */
export const AUTO_TRAINING_STRATEGIES = ['hopper', 'task', 'data', 'model'] as const;
export const EXPLICIT_ONLY = ['data/parameter_server', 'data/average', 'data/async', 'data/ssp', 'hybrid'] as const;

/** Does the model fit one device? null when unknown. */
export function fitsDevice(input: Pick<TrainingModelInput, 'footprint' | 'deviceBudget'>): boolean | null {
  return input.footprint === null ? null : input.footprint <= input.deviceBudget;
}

/** Every alternative's estimate. `extra` adds rows for strategies only a user may ask for. */
export function estimateTraining(input: TrainingModelInput, extra: readonly string[] = []): TrainingAlternative[] {
  const S = input.configurations;
  const p = input.workers;
  const c = input.constants;
  const fits = fitsDevice(input);
  const tooBig = fits === false ? `the model needs ~${formatBytes(input.footprint!)} to train, more than the ${formatBytes(input.deviceBudget)} a device has` : undefined;
  const shape: RunShape | null =
    S !== null && input.modelBytes !== null && input.datasetBytes !== null && input.datasetRows !== null
      ? { configurations: S, workers: p, epochs: input.epochs, modelBytes: input.modelBytes, datasetBytes: input.datasetBytes, datasetRows: input.datasetRows, batchSize: input.batchSize.smallest, partitions: input.partitions }
      : null;
  // Compute of the whole run on one worker; each strategy divides it by the workers it keeps busy.
  const compute = S !== null && input.datasetRows !== null && input.flopsPerExample !== null ? (input.epochs * S * input.datasetRows * input.flopsPerExample) / c.train_flops_per_s : null;
  const time = (busy: number, moved: number | null, links: number): number | null =>
    compute === null || moved === null ? null : compute / busy + moved / (c.send_bytes_per_s * links);
  const traffic = (t: Traffic | null) => ({ bytesMoved: t?.bytesMoved ?? null, storage: t?.storage ?? null });
  const moved = (t: Traffic | null) => (t ? `moves ${formatBytes(t.bytesMoved)}` : 'bytes moved unknown');
  const rows: TrainingAlternative[] = [];

  // Model hopper: each configuration trains on one worker at a time, so at most |S| workers are busy.
  {
    const t = shape ? hopperTraffic(shape) : null;
    const busy = S === null ? p : Math.min(S, p);
    const idle = S !== null && S < p ? `; ${p - S} of ${p} workers idle` : '';
    rows.push({
      strategy: 'hopper',
      seconds: time(busy, t?.bytesMoved ?? null, p),
      feasible: fits !== false,
      ...traffic(t),
      note: tooBig ?? `${moved(t)}, stores ${t ? formatBytes(t.storage) : 'the data'} once in ${input.partitions} partitions${idle}`,
    });
  }
  // Task parallel: whole configurations per worker; rounds of p leave workers idle in the last one.
  {
    const copyFits = input.datasetBytes !== null && input.datasetBytes <= input.deviceBudget;
    const t = shape ? (copyFits ? taskReplicaTraffic(shape) : taskRemoteTraffic(shape)) : null;
    const busy = S === null ? p : S / Math.ceil(S / p);
    const how = copyFits
      ? `a full copy on every worker: ${p} × ${formatBytes(input.datasetBytes!)} = ${formatBytes(p * input.datasetBytes!)} stored`
      : input.datasetBytes !== null
        ? `a copy (${formatBytes(input.datasetBytes)}) does not fit the ${formatBytes(input.deviceBudget)} per worker: every epoch reads the data remotely`
        : 'data size unknown';
    const idle = S !== null && S < p ? `; ${p - S} of ${p} workers idle` : '';
    rows.push({
      strategy: 'task',
      seconds: time(busy, t?.bytesMoved ?? null, copyFits ? 1 : p),
      feasible: fits !== false,
      ...traffic(t),
      note: tooBig ?? `${moved(t)}; ${how}${idle}`,
    });
  }
  // Data parallel, all-reduce: every worker on every configuration, a ring exchange per mini-batch.
  {
    const t = shape && p > 1 ? allReduceTraffic(shape) : shape ? { bytesMoved: 0, storage: shape.datasetBytes } : null;
    rows.push({
      strategy: 'data',
      seconds: time(p, t?.bytesMoved ?? null, p),
      feasible: fits !== false,
      ...traffic(t),
      note: tooBig ?? `all-reduce of every mini-batch's gradients: ${moved(t)}`,
    });
  }
  // Model parallel: a pipeline of stages per configuration; pipelines run side by side when workers allow.
  {
    const st = input.stages;
    if (!st) {
      rows.push({ strategy: 'model', seconds: null, feasible: input.footprint === null, bytesMoved: null, storage: null, note: input.footprint === null ? 'model size unknown' : 'a single layer does not fit one device' });
    } else {
      const pipelines = Math.max(1, Math.floor(p / st.stages));
      const busyPipelines = S === null ? pipelines : Math.min(S, pipelines);
      const bubble = 1 + (st.stages - 1) / st.microbatches;
      const activationBytes = S !== null && input.datasetRows !== null ? 2 * input.epochs * S * input.datasetRows * (st.stages - 1) * st.boundaryBytesPerExample : null;
      const seconds = compute === null || activationBytes === null ? null : (compute * bubble) / (st.stages * busyPipelines) + activationBytes / (c.send_bytes_per_s * busyPipelines);
      const spill = st.stages > p ? `; ${st.stages} stages on ${p} workers: shards spill to host memory` : '';
      rows.push({
        strategy: 'model',
        seconds,
        feasible: true,
        bytesMoved: activationBytes,
        storage: input.datasetBytes,
        note: `${st.stages} stage${st.stages === 1 ? '' : 's'} × ${st.microbatches} micro-batches (pipeline bubble ${formatRatio(bubble)}), ${busyPipelines} pipeline${busyPipelines === 1 ? '' : 's'}; activations sent ${activationBytes === null ? 'unknown' : formatBytes(activationBytes)}${spill}`,
      });
    }
  }
  for (const name of extra) {
    if (rows.some((r) => r.strategy === name)) continue;
    if (name === 'hybrid') {
      const hop = rows[0]!;
      rows.push({ ...hop, strategy: 'hybrid', note: tooBig ?? `as hopper while at least ${Math.ceil(p / 2)} configurations remain, then data parallel for the survivors` });
      continue;
    }
    const sync = name.slice('data/'.length);
    const t = !shape ? null : sync === 'average' ? averagingTraffic(shape) : parameterServerTraffic(shape);
    const why =
      sync === 'average'
        ? 'averaging models once per epoch converges poorly (Cerebro, Fig. 7)'
        : sync === 'parameter_server'
          ? 'every mini-batch through one server'
          : 'asynchronous updates: not reproducible';
    rows.push({ strategy: name, seconds: time(p, t?.bytesMoved ?? null, 1), feasible: fits !== false, ...traffic(t), note: tooBig ?? `${moved(t)}; ${why}` });
  }
  return rows;
}

/** How much cheaper task parallelism must be estimated for `auto` to prefer it to model hopper. */
export const TASK_MARGIN = 0.05;

export interface TrainingChoice {
  strategy: 'hopper' | 'task' | 'data' | 'model';
  reason: string;
  /** False when nothing can train this model (a single layer is bigger than a device). */
  feasible: boolean;
}

/**
 * The decision rules of COST-MODELS.md, in order: a model that does not fit a device needs model
 * parallelism; |S| < p/2 leaves most workers idle under hopper or task, so data parallelism (all-reduce);
 * otherwise model hopper, or task parallelism when |S| ≥ p, a full copy fits each worker, the data is not
 * already partitioned and the copies cost less than the hops. Model averaging and asynchronous or
 * parameter-server training are never chosen here.
 */
export function chooseTrainingStrategy(input: TrainingModelInput, alternatives: TrainingAlternative[]): TrainingChoice {
  const S = input.configurations;
  const p = input.workers;
  const row = (s: string) => alternatives.find((a) => a.strategy === s)!;
  if (fitsDevice(input) === false) {
    const model = row('model');
    if (!model.feasible) return { strategy: 'model', feasible: false, reason: `the model needs ~${formatBytes(input.footprint!)} to train and not even one layer fits the ${formatBytes(input.deviceBudget)} of a device` };
    return { strategy: 'model', feasible: true, reason: `the model needs ~${formatBytes(input.footprint!)} to train, more than the ${formatBytes(input.deviceBudget)} of one device: model parallelism over ${input.stages!.stages} stages, the fewest that fit` };
  }
  if (S === null) return { strategy: 'hopper', feasible: true, reason: `the search decides how many configurations to train as it goes; model hopper keeps the ${p} workers busy while many run (\`hybrid\` would switch to data parallel once fewer than ${Math.ceil(p / 2)} remain)` };
  if (p === 1) return { strategy: 'hopper', feasible: true, reason: 'one worker: every strategy trains the configurations one after another; hopper needs no copies and no synchronisation' };
  if (S < p / 2) {
    return { strategy: 'data', feasible: true, reason: `${S} configuration${S === 1 ? '' : 's'} on ${p} workers (|S| < p/2): hopper or task parallelism would leave ${p - S} workers idle, so every worker trains each configuration, all-reducing gradients per mini-batch` };
  }
  const hopper = row('hopper');
  const task = row('task');
  const copyFits = input.datasetBytes !== null && input.datasetBytes <= input.deviceBudget;
  const data = input.dataPartitioned ? 'the data is partitioned' : input.datasetBytes === null ? 'the data size is unknown' : !copyFits ? `the data (${formatBytes(input.datasetBytes)}) is larger than one worker's ${formatBytes(input.deviceBudget)}` : undefined;
  const base = `${S} configurations on ${p} workers (|S| ≥ p/2)`;
  if (data !== undefined || S < p) {
    const why = data ?? `fewer configurations than workers leave task parallelism ${p - S} idle`;
    return { strategy: 'hopper', feasible: true, reason: `${base} and ${why}: model hopper trains them all at once on one partitioned copy${hopper.bytesMoved !== null ? `, moving ${formatBytes(hopper.bytesMoved)} of models` : ''}` };
  }
  // Both qualify. Task parallelism is taken only when clearly cheaper: within TASK_MARGIN the estimates
  // cannot tell the two apart, and hopper stores the data once.
  const cheaperTask = task.seconds !== null && hopper.seconds !== null && task.seconds < hopper.seconds * (1 - TASK_MARGIN);
  const copies = `${p} full copies of the data (${formatBytes(p * input.datasetBytes!)})`;
  if (cheaperTask) {
    return { strategy: 'task', feasible: true, reason: `${base}, and a full copy of the data fits each worker: task parallelism is as fast and converges as well; its ${copies} cost ${formatSeconds(task.seconds!)} in all against ${formatSeconds(hopper.seconds!)} for model hopper` };
  }
  const close = task.seconds !== null && hopper.seconds !== null && task.seconds < hopper.seconds;
  const cmp = close
    ? `; task parallelism would be about as fast (${formatSeconds(task.seconds!)}) but keeps ${copies}`
    : hopper.bytesMoved !== null && task.bytesMoved !== null
      ? `: it moves ${formatBytes(hopper.bytesMoved)} of models where task parallelism would send ${copies}, ${formatBytes(task.bytesMoved)} in all`
      : `, where task parallelism would need ${copies}`;
  return { strategy: 'hopper', feasible: true, reason: `${base}: model hopper stores the data once, partitioned${cmp}` };
}
