/**
 * The bytes dlc moves between workers over a training run, per strategy, counted as the runtime counts
 * them (the `bytes_moved` of trial_finished and run_finished): model state travels only as checkpoints
 * through the store (written, and read where a worker does not already hold that state in memory), and
 * group strategies add the messages their members send each other. Data files are read from the shared
 * store by whichever worker needs them and are not counted as moved; storage says where they are held.
 *
 * What each strategy does, from the runtime:
 * - hopper (runtime/run/train-node.ts, runtime/worker/trial-models.ts): a checkpoint written after every
 *   unit (k·P per configuration); read when the unit runs on a worker that does not hold the model's
 *   latest state (see hopperReads).
 * - task: a checkpoint written after every epoch; the configuration stays on its worker, never read.
 * - data, all-reduce (runtime/parallel/allreduce-pass.ts): per mini-batch a ring all-reduce of the
 *   gradients and the example count, in which every member sends 2·(p−1)/p of the vector; member 0 writes
 *   a checkpoint per epoch; the members keep the model in memory between epochs.
 * - data, parameter server / ssp / async (ps-pass.ts): the server is member 0, so p−1 members push their
 *   gradient (with a 4-value header) and receive the weights (with a version) per step; the weights are
 *   broadcast at the start and the end of every epoch.
 * - data, averaging (averaging-pass.ts): AVERAGING_ROUNDS sub-epochs per epoch, each ending with a ring
 *   all-reduce of the weights, the optimizer's state and two counters.
 * - model (runtime/parallel/pipeline): per micro-batch the activations at every cut forward and their
 *   gradients back, each with a small header; the held-out data forward once per epoch; each stage writes
 *   its part of the checkpoint, stage 0 reads the parts and writes the whole.
 * Statistics vectors and counts of a few values exchanged once per epoch are left out (bytes, not MiB).
 */
import { BYTES_PER_VALUE } from './model-memory.js';
import { AVERAGING_ROUNDS, FRAME_BYTES, MODELS_KEPT_PER_WORKER, SCORING_BATCH } from './runtime-facts.js';

export interface StateShape {
  /** |S| */
  configurations: number;
  /** p */
  workers: number;
  /** k */
  epochs: number;
  /** Hopper's partitions, dealt round the workers. */
  partitions: number;
  /** One checkpoint file: weights, optimizer state, header (checkpoint-size.ts). */
  checkpointBytes: number;
  /** Values of the trainable weights: one gradient's length. */
  trainableValues: number;
  /** Values a model-averaging round all-reduces: every weight and the optimizer's state. */
  stateValues: number;
  /** |D| */
  datasetRows: number;
  /** Held-out rows scored every epoch (0 when none). */
  validationRows: number;
  /** b */
  batchSize: number;
}

/** Bytes over the whole run, with the counts behind them for the plan's notes. */
export interface Moved {
  bytes: number;
  /** Checkpoint files written and read over the run. */
  writes: number;
  reads: number;
  /** Bytes of messages between workers (not checkpoints). */
  messages: number;
  /** Synchronised steps over the run (each waits for every member). */
  syncSteps: number;
}

/** Mini-batches per epoch of a configuration (the last one may be short). */
export function stepsPerEpoch(rows: number, batch: number): number {
  return Math.ceil(rows / batch);
}

/** Bytes a group of p sends in one ring all-reduce of `values` float32 values: 2·(p−1) chunks per member. */
export function ringBytes(values: number, p: number): number {
  return p > 1 ? 2 * (p - 1) * (values * BYTES_PER_VALUE + p * FRAME_BYTES) : 0;
}

/** Partitions each worker owns when P are dealt round p workers, as the hopper scheduler deals them. */
function owned(partitions: number, workers: number): number[] {
  return Array.from({ length: Math.min(workers, partitions) }, (_, w) => Math.floor(partitions / workers) + (w < partitions % workers ? 1 : 0));
}

/**
 * Expected checkpoint reads of one configuration under hopper, on these assumptions: each epoch visits the
 * partitions in a random order (the scheduler's `seeded` order), each unit runs on its partition's owner,
 * and a read happens when the owner is not the worker of the configuration's previous unit, or is but no
 * longer holds the model. Within an epoch two consecutive partitions differ, so they lie on different
 * workers with probability 1 − Σ cᵥ(cᵥ−1)/(P(P−1)) (cᵥ partitions on worker v); across an epoch's end the
 * next partition may be the same one, 1 − Σ cᵥ²/P². A worker keeps MODELS_KEPT_PER_WORKER models; with
 * more configurations than that per worker a model coming back finds its place taken about as often as
 * the others outnumber the slots, so a stay counts as a hit with probability min(1, kept·p/|S|).
 */
export function hopperReads(s: Pick<StateShape, 'configurations' | 'workers' | 'partitions' | 'epochs'>): number {
  const P = s.partitions;
  const c = owned(P, s.workers);
  const within = P > 1 ? 1 - c.reduce((a, x) => a + x * (x - 1), 0) / (P * (P - 1)) : 0;
  const across = 1 - c.reduce((a, x) => a + x * x, 0) / (P * P);
  const hit = Math.min(1, (MODELS_KEPT_PER_WORKER * Math.min(s.workers, P)) / s.configurations);
  const read = (move: number) => move + (1 - move) * (1 - hit);
  return s.epochs * (P - 1) * read(within) + Math.max(0, s.epochs - 1) * read(across);
}

const total = (s: StateShape, perConfiguration: Omit<Moved, 'bytes'>, perConfigurationBytes: number): Moved => ({
  bytes: s.configurations * perConfigurationBytes,
  writes: s.configurations * perConfiguration.writes,
  reads: s.configurations * perConfiguration.reads,
  messages: s.configurations * perConfiguration.messages,
  syncSteps: s.configurations * perConfiguration.syncSteps,
});

export function hopperMoved(s: StateShape): Moved {
  const writes = s.epochs * s.partitions;
  const reads = hopperReads(s);
  return total(s, { writes, reads, messages: 0, syncSteps: 0 }, (writes + reads) * s.checkpointBytes);
}

export function taskMoved(s: StateShape): Moved {
  return total(s, { writes: s.epochs, reads: 0, messages: 0, syncSteps: 0 }, s.epochs * s.checkpointBytes);
}

export function allReduceMoved(s: StateShape): Moved {
  const p = s.workers;
  const steps = p > 1 ? s.epochs * stepsPerEpoch(s.datasetRows, s.batchSize) : 0;
  // The gradient sum travels with the example count in its last place.
  const messages = steps * ringBytes(s.trainableValues + 1, p);
  return total(s, { writes: s.epochs, reads: 0, messages, syncSteps: steps }, messages + s.epochs * s.checkpointBytes);
}

export function parameterServerMoved(s: StateShape): Moved {
  const p = s.workers;
  const n = s.trainableValues;
  const v = BYTES_PER_VALUE;
  const steps = p > 1 ? stepsPerEpoch(s.datasetRows, s.batchSize) : 0;
  // Per step each of the p−1 others pushes [4 header values, gradient] and gets [version, weights] back;
  // per epoch the weights are broadcast twice and each says it is done (4 values).
  const perStep = v * (4 + n) + FRAME_BYTES + v * (1 + n) + FRAME_BYTES;
  const perEpoch = p > 1 ? (p - 1) * (steps * perStep + 2 * (v * n + FRAME_BYTES) + 4 * v + FRAME_BYTES) : 0;
  const messages = s.epochs * perEpoch;
  return total(s, { writes: s.epochs, reads: 0, messages, syncSteps: s.epochs * steps }, messages + s.epochs * s.checkpointBytes);
}

/** Averaging rounds per epoch: the runtime's default, fewer when a member has fewer mini-batches. */
export function averagingRounds(s: Pick<StateShape, 'datasetRows' | 'workers' | 'batchSize'>): number {
  return Math.max(1, Math.min(AVERAGING_ROUNDS, stepsPerEpoch(Math.floor(s.datasetRows / s.workers), s.batchSize)));
}

export function averagingMoved(s: StateShape): Moved {
  const p = s.workers;
  const rounds = p > 1 ? averagingRounds(s) : 0;
  // The weights and optimizer state, weighted by the examples, plus the weight and the iteration count.
  const messages = s.epochs * rounds * ringBytes(s.stateValues + 2, p);
  return total(s, { writes: s.epochs, reads: 0, messages, syncSteps: s.epochs * rounds }, messages + s.epochs * s.checkpointBytes);
}

export interface PipelineShape {
  /** Stages the runtime cuts the model into: the planned number, or the workers when fewer. */
  stages: number;
  microbatches: number;
  /** Values per example crossing each cut (stages − 1 entries). */
  boundaries: readonly number[];
}

export function pipelineMoved(s: StateShape, pipe: PipelineShape): Moved {
  const v = BYTES_PER_VALUE;
  const steps = stepsPerEpoch(s.datasetRows, s.batchSize);
  const micro = Math.min(pipe.microbatches, s.batchSize);
  const scoring = stepsPerEpoch(s.validationRows, SCORING_BATCH);
  let perEpoch = 0;
  for (const a of pipe.boundaries) {
    // Training: every example's activations forward ([j, micro, count, penalty] header) and their
    // gradients back ([j] header), then the end-of-pass message; scoring: forward only, a batch at a time.
    perEpoch += 2 * v * s.datasetRows * a + steps * micro * (5 * v + 2 * FRAME_BYTES) + 4 * v + FRAME_BYTES;
    if (s.validationRows > 0) perEpoch += v * s.validationRows * a + scoring * (4 * v + FRAME_BYTES) + 4 * v + FRAME_BYTES;
  }
  const messages = s.epochs * perEpoch;
  // The parts (together about one checkpoint) written, read back by stage 0, and joined into one.
  const checkpoints = s.epochs * 3 * s.checkpointBytes;
  return total(s, { writes: 2 * s.epochs, reads: s.epochs, messages, syncSteps: pipe.stages > 1 ? s.epochs * steps : 0 }, messages + checkpoints);
}
