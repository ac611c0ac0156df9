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

export type Task = TrainUnitTask | EvaluateTask | ExportModelTask;

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

export type TaskResult = TrainUnitResult | EvaluateResult | ExportModelResult;

export type DriverMessage = { type: 'task'; id: number; task: Task } | { type: 'shutdown' };

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
} as const;
