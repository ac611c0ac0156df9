import type { SourceStats } from '../../host.js';
import type { Column } from '../../spec/columns.js';

/** The ExecutionPlan: plain, serialisable data. The runtime does what it says and never re-decides. */
export interface ExecutionPlan {
  dlc: 1;
  plan_version: 1;
  name: string;
  description?: string;
  seed: number;
  spec_file: string;
  resources: PlanResources;
  nodes: PlanNode[];
  /** Nodes grouped by dependency depth: every node's inputs are in earlier waves. */
  waves: string[][];
  edges: PlanEdge[];
}

export interface PlanResources {
  workers: number;
  /** Where the worker count came from: the command line, the spec, or `auto` (one per core or GPU). */
  workers_from: 'flag' | 'spec' | 'auto';
  devices: 'auto' | 'cpu' | 'gpu' | number[];
  memory_per_worker_bytes?: number;
  cluster?: { queue: string; store?: string };
}

export interface PlanEdge {
  from: string;
  output: string;
  to: string;
  /** Where the reference is written, e.g. steps.search.data.train. */
  at: string;
}

export interface PlanOutput {
  kind: 'table' | 'model';
  columns?: Column[];
}

export interface Alternative {
  strategy: string;
  /** Estimated cost in `unit`; null when the inputs it needs are unknown, or the strategy is infeasible. */
  cost: number | null;
  unit: string;
  feasible: boolean;
  note?: string;
  /** Training: bytes moved over the whole run and bytes of data stored (the Cerebro table). */
  bytes_moved?: number | null;
  storage_bytes?: number | null;
  /** Model parallelism spilling stages: bytes of stage state copied to host memory and back over the run. */
  spill_bytes?: number;
  /** Training: Cerebro's formula for the strategy, its value, and why dlc's count differs. */
  reference?: string;
  reference_bytes?: number | null;
}

/**
 * Where a number a decision used came from: the files' own metadata (headers, footers, sizes), a sample
 * of rows, the spec (or a command-line flag), `dlc calibrate`, a built-in default, the machine the plan is
 * made on, an estimate the planner derived from other inputs; or nothing says (`unknown`).
 */
export type InputOrigin = 'file metadata' | 'sample' | 'declared' | 'flag' | 'calibration' | 'default' | 'machine' | 'estimate' | 'unknown';

export interface DecisionInput {
  value: number | string | boolean | null;
  unit?: string;
  from: InputOrigin;
  /** How it was derived, when that is not obvious (`split.train: 0.9 of fashion_train`). */
  note?: string;
}

/** What the runtime does besides the strategy: decided here, never re-decided there. */
export interface DecisionSettings {
  /** Joins: which input the hash table (or broadcast) is built from: always the smaller. */
  build_side?: 'left' | 'right';
  /** Joins: filter the larger input by a Bloom filter of the smaller's keys before moving it. */
  bloom_filter?: boolean;
  /** Model hopper (and hybrid): how many partitions the training data is split into. */
  partitions?: number;
  /** Data parallelism: how gradients or models are combined. */
  sync?: 'allreduce' | 'parameter_server' | 'async' | 'ssp' | 'average';
  staleness?: number;
  /** Model parallelism: pipeline stages and micro-batches per mini-batch. */
  stages?: number;
  microbatches?: number;
  /**
   * Model parallelism: the fewest stages that each fit a worker's memory (the memory estimator's). With
   * fewer workers than stages the runtime cuts the model into as many stages as workers when that many
   * fit, and otherwise hosts several stages per worker, spilling the idle ones to host memory.
   */
  min_stages?: number;
}

/** A planner decision with every alternative's estimate and the reason, for `dlc plan --explain`. */
export interface Decision {
  kind: 'join' | 'training';
  /** The strategy the runtime will use. */
  strategy: string;
  /** What the spec asked for: `auto`, or an explicit strategy (honoured unless infeasible). */
  requested: string;
  alternatives: Alternative[];
  /** One sentence: why this strategy, in terms of the inputs below. */
  reason: string;
  settings: DecisionSettings;
  inputs: Record<string, DecisionInput>;
}

export interface PlanNode {
  id: string;
  kind: 'source' | 'step';
  op: string;
  inputs: { from: string; output: string; field: string }[];
  outputs: Record<string, PlanOutput>;
  /** The resolved definition (vars substituted, paths absolute, `${hp.*}` kept). */
  config: Record<string, unknown>;
  stats?: SourceStats;
  /** The chosen strategy of a join or train node (the same as `decision.strategy`). */
  strategy?: string;
  decision?: Decision;
  training?: { configurations: number | null; epochs: number | null; algorithm: string | null };
}
