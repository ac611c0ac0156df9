/**
 * The messages between the driver and a worker process: one tagged union each way. Workers of every
 * backend (local processes today, cluster workers later) speak it; the driver side imports only these types.
 */

/** What a worker needs to build one trial's model: the train step as planned and the trial's values. */
export interface TrialSetup {
  node: string;
  /** The train step's resolved config from the plan (`${hp.*}` still in place). */
  step: Record<string, unknown>;
  params: Record<string, unknown>;
  /** Seeds the trial's initial weights and dropout masks. */
  seed: number;
  features: string[];
  label: string;
  /** Where an external trainer runs: the spec's directory, which its command is relative to. */
  cwd?: string;
}

export interface TrainUnitTask {
  type: 'train_unit';
  setup: TrialSetup;
  trial: number;
  epoch: number;
  partition: number | 'all';
  /** Arrow IPC files to train on, in order. */
  data: string[];
  /** Evaluate on these files after training (the unit that completes an epoch). */
  validation?: string[];
  /** The model to continue from; null for a trial's first unit. */
  checkpointIn: string | null;
  checkpointOut: string;
  batchSize: number;
  shuffleSeed: number;
  /** Default true; false keeps the files' order (equivalence tests). */
  shuffle?: boolean;
}

/** The members of a training group: this worker's place in it and how every member is reached. */
export interface PeerGroup {
  /** Unique per group of workers and attempt: connections of other groups never mix with this one's. */
  id: string;
  rank: number;
  /** Every member's endpoint (a Unix socket path), in rank order. */
  endpoints: string[];
}

export type DataSync = 'allreduce' | 'average' | 'parameter_server' | 'async' | 'ssp';

/**
 * One epoch of a trial on every member of a group at once (data parallelism): the driver sends one to each
 * member; they train together over the group's links and member 0 writes the checkpoint.
 */
export interface TrainDataParallelTask {
  type: 'train_data_parallel';
  setup: TrialSetup;
  trial: number;
  epoch: number;
  group: PeerGroup;
  sync: DataSync;
  /** `ssp`: steps a member may run ahead of the slowest. */
  staleness?: number;
  /** `average`: sub-epochs per epoch. */
  rounds?: number;
  /** This member's shard: Arrow IPC files. */
  data: string[];
  /** Held-out files; each member scores its share of them. */
  validation?: string[];
  checkpointIn: string | null;
  /** Written by member 0; the others' in-memory state equals it afterwards. */
  checkpointOut: string;
  /** The global mini-batch, split over the members. */
  batchSize: number;
  shuffleSeed: number;
  shuffle?: boolean;
}

/**
 * One epoch of a trial on a pipeline of workers (model parallelism): member i of the group holds stage i
 * of the model; stage 0 reads the features and the last stage the labels of the same mini-batches.
 */
export interface TrainPipelineTask {
  type: 'train_pipeline';
  setup: TrialSetup;
  trial: number;
  epoch: number;
  /** Members in stage order, each hosting a consecutive run of stages (compiler/cost/stage-placement.ts). */
  group: PeerGroup;
  /** Stages the model is cut into; as many as the members when absent. More than the members: spilling. */
  stages?: number;
  microbatches: number;
  /** The training files (read by the first and the last stage). */
  data: string[];
  validation?: string[];
  /** A whole-model checkpoint; each stage loads its slice. */
  checkpointIn: string | null;
  /** Stage 0 joins the stages' parts into this whole-model checkpoint. */
  checkpointOut: string;
  batchSize: number;
  shuffleSeed: number;
  shuffle?: boolean;
}

export interface EvaluateTask {
  type: 'evaluate';
  setup: TrialSetup;
  checkpoint: string;
  data: string[];
  /** Metrics to compute; the trial's own when absent. */
  metrics?: string[];
}

export interface ExportModelTask {
  type: 'export_model';
  setup: TrialSetup;
  checkpoint: string;
  /** Directory to write model.json and weights.bin into. */
  dir: string;
}

/**
 * Starts a step's persistent external trainer on this worker ahead of its first unit, so that the
 * framework's start-up (importing torch: over a second) overlaps the steps that run before training.
 */
export interface StartTrainerTask {
  type: 'start_trainer';
  setup: TrialSetup;
}

export type Task = TrainUnitTask | TrainDataParallelTask | TrainPipelineTask | EvaluateTask | ExportModelTask | StartTrainerTask;

export interface TrainUnitResult {
  type: 'train_unit';
  metrics: Record<string, number>;
  validation?: Record<string, number>;
  examples: number;
  seconds: number;
  checkpointBytes: number;
  /** Bytes of the checkpoint read at the start (0 when the model was already here or is new). */
  bytesRead: number;
}

export interface TrainDataParallelResult {
  type: 'train_data_parallel';
  /** Training metrics over the whole group's examples (every member reports the same). */
  metrics: Record<string, number>;
  validation?: Record<string, number>;
  /** Examples the whole group trained on. */
  examples: number;
  seconds: number;
  /** Optimizer steps this member took part in. */
  steps: number;
  checkpointBytes: number;
  bytesRead: number;
  /** Bytes this member put on the group's links. */
  bytesSent: number;
  /** Parameter-server variants, member 0: how stale the applied gradients were. */
  staleness?: { bound: number | null; maxClockGap: number; maxVersionLag: number; updates: number };
}

export interface TrainPipelineResult {
  type: 'train_pipeline';
  /** The last stage's: training loss and metrics over the epoch. */
  metrics?: Record<string, number>;
  validation?: Record<string, number>;
  examples: number;
  seconds: number;
  steps: number;
  /** Bytes of checkpoint files this stage wrote (its part; stage 0 also the whole). */
  checkpointBytes: number;
  /** Bytes of checkpoint files read (its slice; stage 0 also the parts). */
  bytesRead: number;
  /** Activations and gradients this stage sent its neighbours. */
  bytesSent: number;
  /** A worker hosting several stages: how many, and the bytes of stage state it copied to host memory and back. */
  stagesHosted?: number;
  bytesSpilled?: number;
  bytesLoaded?: number;
}

export interface EvaluateResult {
  type: 'evaluate';
  metrics: Record<string, number>;
  examples: number;
  seconds: number;
}

export interface ExportModelResult {
  type: 'export_model';
  files: string[];
}

export interface StartTrainerResult {
  type: 'start_trainer';
  /** False when the step's model is not a persistent command (nothing to start). */
  started: boolean;
}

export type TaskResult = TrainUnitResult | TrainDataParallelResult | TrainPipelineResult | EvaluateResult | ExportModelResult | StartTrainerResult;

export type DriverMessage =
  | { type: 'task'; id: number; task: Task }
  | { type: 'shutdown' }
  /** Handled at once, not queued: a training group has failed elsewhere; stop waiting on its links. */
  | { type: 'abort_group'; group: string; reason: string };

export type WorkerMessage =
  | { type: 'ready'; pid: number; backend: string; versions: Record<string, string>; tried: string[] }
  | { type: 'result'; id: number; result: TaskResult }
  /** `user`: caused by the spec or the data (printed without a stack), not a bug in dlc. */
  | { type: 'failed'; id: number; message: string; user: boolean }
  | { type: 'fatal'; message: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

/** How the driver tells a worker which engine to start; passed in the environment, read before anything loads. */
export const WORKER_ENV = {
  id: 'DLC_WORKER_ID',
  backend: 'DLC_BACKEND',
  device: 'DLC_WORKER_DEVICE',
  /** `none`: the run trains only external trainer commands, so the worker starts no TensorFlow.js engine. */
  engine: 'DLC_WORKER_ENGINE',
  /** JSON list of TrialSetup whose persistent trainers the worker starts first thing, before anything else. */
  trainers: 'DLC_WORKER_TRAINERS',
} as const;

/** What a worker reports as its backend when it started no TensorFlow.js engine. */
export const NO_ENGINE = 'none';
