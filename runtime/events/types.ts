/**
 * The run's event stream: the one public interface between the runtime and everything that watches it
 * (terminal reporters, `--json`, `events.ndjson`, reports). Documented in docs/events.md; adding a field
 * is compatible, renaming or removing one is not.
 */

export type Metrics = Record<string, number>;

interface Base {
  /** ISO 8601 time the event was emitted. */
  time: string;
}

export interface RunStarted extends Base {
  type: 'run_started';
  run_id: string;
  name: string;
  run_dir: string;
  spec_file: string;
  seed: number;
  workers: number;
  /** Set when this run continues an earlier one (`--resume`). */
  resumed?: boolean;
  /** Set when the schedule is a replay of an earlier run's visit order (`--replay`). */
  replay_of?: string;
}

export interface WorkerUp extends Base {
  type: 'worker_up';
  worker: string;
  pid: number;
  backend: string;
  device: string;
  versions: Record<string, string>;
}

export interface WorkerDown extends Base {
  type: 'worker_down';
  worker: string;
  /** Why: `exited` (asked to), `crashed` (signal or exit code), `error`. */
  reason: 'exited' | 'crashed' | 'error';
  detail?: string;
}

export interface NodeStarted extends Base {
  type: 'node_started';
  node: string;
  op: string;
}

export interface NodeFinished extends Base {
  type: 'node_finished';
  node: string;
  op: string;
  status: 'completed' | 'failed' | 'cached';
  seconds: number;
  /** Rows of each output table, when the node produces tables. */
  rows?: Record<string, number>;
  /** Metrics an evaluate node computed. */
  metrics?: Metrics;
  /** Files written (export, best model). */
  path?: string;
  /** What a join did: its strategy, who chose it, and the plan checked against the sizes it met. */
  join?: JoinReport;
  error?: string;
}

export interface JoinSizes {
  rows: number | null;
  bytes: number | null;
}

export interface JoinReport {
  strategy: string;
  /** `plan`: the planner's decision (always, in `dlc run`); `spec` or `model` only for joins run without a plan. */
  chosen_by: 'plan' | 'spec' | 'model';
  build_side: 'left' | 'right';
  workers: number;
  partitions: number;
  rows: { left: number; right: number; output: number };
  /** Bytes one worker needed from rows another held (see runtime/relational/join/join-stats.ts). */
  bytes_moved: number;
  bloom_filter: boolean;
  /** Wall time of each round of the join, ms. */
  phases: { name: string; ms: number }[];
  /**
   * For a plan's automatic choice: the cost model asked again with the sizes the inputs turned out to have
   * (everything else as planned). `agrees: false` means a plan made from these sizes would differ; the
   * join still ran as planned, and a `log` warning says so.
   */
  check?: {
    planned: { left: JoinSizes; right: JoinSizes };
    actual: { left: JoinSizes; right: JoinSizes };
    strategy: string;
    build_side: 'left' | 'right';
    agrees: boolean;
    note: string;
  };
}

/**
 * How far a long step has got, in whatever it counts (rows, files, batches). Optional: a step may finish
 * without ever telling, and reporters show only that it runs.
 */
export interface NodeProgress extends Base {
  type: 'node_progress';
  node: string;
  done: number;
  total: number;
}

export interface TrialStarted extends Base {
  type: 'trial_started';
  node: string;
  trial: number;
  params: Record<string, unknown>;
  /** The trial whose checkpoint this one starts from (a promotion, a PBT exploit or continuation). */
  parent?: number;
  /** `exploit` when the parent's weights and optimizer state were copied into a new configuration (PBT). */
  inherit?: 'continue' | 'exploit';
  /** Model epochs the trial starts at (its parent's); absent for 0. */
  from_epoch?: number;
  /** Hyperband and ASHA: the rung the trial trains up to, from 0; hyperband's bracket. */
  rung?: number;
  bracket?: number;
  /** PBT: the generation, from 0. */
  generation?: number;
}

export interface UnitStarted extends Base {
  type: 'unit_started';
  node: string;
  trial: number;
  epoch: number;
  partition: number | 'all';
  worker: string;
  /** Position in the visit log (what `--replay` repeats). */
  seq: number;
  /** Every worker of the group when one unit runs on several at once (data parallelism); `worker` is the first. */
  workers?: string[];
}

export interface UnitFinished extends Base {
  type: 'unit_finished';
  node: string;
  trial: number;
  epoch: number;
  partition: number | 'all';
  worker: string;
  seq: number;
  status: 'completed' | 'failed' | 'lost';
  seconds?: number;
  examples?: number;
  /** Training loss and metrics over this unit's examples. */
  metrics?: Metrics;
  /** Validation loss and metrics, measured by the unit that closed an epoch. */
  validation?: Metrics;
  /** The checkpoint this unit wrote (relative to the run directory). */
  checkpoint?: string;
  /**
   * Bytes this unit moved: the checkpoint read and written, plus what the workers of a group sent each
   * other (gradients, weights, statistics).
   */
  bytes_moved?: number;
  /** As in `unit_started`. */
  workers?: string[];
  /** Parameter-server units (`async`, `ssp`): the widest clock gap a member started a step with, and the bound. */
  staleness?: { bound: number | null; max_clock_gap: number; max_version_lag: number };
  /**
   * Model-parallel units whose workers host several stages: bytes of stage weights and optimizer slots (and,
   * under global-norm clipping, gradients) copied from the device to host memory and back, both ways
   * counted. Within a worker, so not part of `bytes_moved`.
   */
  bytes_spilled?: number;
  error?: string;
}

export interface EpochFinished extends Base {
  type: 'epoch_finished';
  node: string;
  trial: number;
  /** Epochs done, from 1. */
  epoch: number;
  /** Training metrics over the epoch and validation metrics (prefixed `val_`). */
  metrics: Metrics;
}

export interface TrialFinished extends Base {
  type: 'trial_finished';
  node: string;
  trial: number;
  params: Record<string, unknown>;
  /**
   * `completed` (trained all it was meant to), `promoted` (its model goes on in another trial: a higher
   * rung, the next PBT generation), `stopped_early` (see `stopped_by`), `failed`.
   */
  status: 'completed' | 'promoted' | 'stopped_early' | 'failed';
  /** Model epochs trained, its ancestors' included. */
  epochs: number;
  metrics: Metrics;
  objective: { metric: string; mode: 'max' | 'min'; value: number | null };
  /**
   * Why it stopped early: `early_stopping`, `median_stop`, `successive_halving` (not promoted), `pbt`
   * (replaced by a better member's copy), or a budget: `max_epochs_total`, `time`.
   */
  stopped_by?: string;
  parent?: number;
  rung?: number;
  bracket?: number;
  generation?: number;
  checkpoint?: string;
  seconds: number;
  bytes_moved: number;
  /** Why a failed trial failed (its last unit's error). */
  error?: string;
}

export interface RunFinished extends Base {
  type: 'run_finished';
  status: 'completed' | 'failed' | 'interrupted';
  run_dir: string;
  seconds: number;
  best: { node: string; trial: number; params: Record<string, unknown>; objective: number | null; model: string } | null;
  bytes_moved: number;
  error?: string;
}

export interface Log extends Base {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
  worker?: string;
}

export type RunEvent =
  | RunStarted
  | WorkerUp
  | WorkerDown
  | NodeStarted
  | NodeFinished
  | NodeProgress
  | TrialStarted
  | UnitStarted
  | UnitFinished
  | EpochFinished
  | TrialFinished
  | RunFinished
  | Log;

export type EventType = RunEvent['type'];

/** What the runtime hands an event to; reporters implement it and never call back into the runtime. */
export interface EventSink {
  emit(event: RunEvent): void;
  /** Flush and release; called once when the run ends. */
  close?(): Promise<void> | void;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event before it is stamped with its time. */
export type EventBody = DistributiveOmit<RunEvent, 'time'>;
