/**
 * The spec after validation and resolution. Values that may still hold `${hp.x}` are typed as
 * `T | string`: hyperparameters are bound per trial at run time, never by the compiler.
 */
import type { ColumnType } from './columns.js';

export type Hp<T> = T | string;

export interface Spec {
  dlc: 1;
  name: string;
  description?: string;
  seed?: number;
  include?: string | string[];
  vars?: Record<string, unknown> & { env_allow?: string[] };
  resources?: Resources;
  sources?: Record<string, SourceSpec>;
  steps?: Record<string, StepSpec>;
}

export interface Resources {
  workers?: 'auto' | number;
  devices?: 'auto' | 'cpu' | 'gpu' | number[];
  memory_per_worker?: string | number;
  cluster?: { queue: string; store?: string; password_env?: string; password_file?: string };
}

interface SourceCommon {
  description?: string;
  partitioned_by?: string | string[];
  schema?: Record<string, ColumnType>;
}
export type SourceSpec =
  | (SourceCommon & { format: 'idx'; images: string; labels?: string })
  | (SourceCommon & { format: 'csv'; path: string; delimiter?: string; header?: boolean; null_values?: string[]; on_error?: 'fail' | 'skip' })
  | (SourceCommon & { format: 'jsonl'; path: string; on_error?: 'fail' | 'skip' })
  | (SourceCommon & { format: 'parquet'; path: string })
  | (SourceCommon & { format: 'arrow'; path: string });

interface StepCommon {
  description?: string;
  cache?: boolean;
}
export type NormalizeSpec = 'standard' | 'minmax' | { divide_by: number };
export interface TransformStep extends StepCommon {
  op: 'transform';
  from: string;
  select?: string[];
  filter?: string;
  derive?: Record<string, string>;
  cast?: Record<string, ColumnType>;
  one_hot?: string[] | Record<string, { classes?: number }>;
  normalize?: Record<string, NormalizeSpec>;
  dropna?: boolean | string[];
}
export interface JoinStep extends StepCommon {
  op: 'join';
  left: string;
  right: string;
  on: string | string[];
  how?: 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';
  strategy?: 'auto' | 'broadcast' | 'shuffle_hash' | 'sort_merge' | 'colocated';
  bloom_filter?: 'auto' | boolean;
  suffix?: string;
}
export interface SqlStep extends StepCommon {
  op: 'sql';
  inputs: Record<string, string>;
  query: string;
  schema?: Record<string, ColumnType>;
}
export interface SplitStep extends StepCommon {
  op: 'split';
  from: string;
  fractions: Record<string, number>;
  stratify?: string;
  group_by?: string;
  seed?: number;
}
export type LayerItem = Record<string, Record<string, unknown> | null>;
export interface ModelSpec {
  input_shape?: Hp<number>[];
  layers?: LayerItem[];
  module?: string;
  export?: string;
  command?: string[];
  env?: Record<string, string>;
  workdir?: string;
  /** A command trainer that serves many requests, one JSON line each, instead of one process per unit. */
  persistent?: boolean;
}
export type SpaceEntry = {
  choice?: unknown[];
  grid?: unknown[];
  uniform?: [number, number];
  quniform?: [number, number, number];
  loguniform?: [number, number];
  int?: [number, number];
  logint?: [number, number];
  normal?: [number, number];
  when?: Record<string, unknown>;
};
export interface SearchSpec {
  algorithm: 'grid' | 'random' | 'tpe' | 'hyperband' | 'asha' | 'pbt';
  space: Record<string, SpaceEntry>;
  objective: { metric: string; mode: 'max' | 'min' };
  trials?: number;
  max_trials?: number;
  max_epochs_total?: number;
  time?: string;
  startup_trials?: number;
  max_epochs?: number;
  eta?: number;
  grace_period?: number;
  reduction_factor?: number;
  interval?: number;
  quantile?: number;
  median_stop?: boolean | Record<string, unknown>;
}
export type ParallelismSpec =
  | 'auto' | 'hopper' | 'task' | 'data' | 'model' | 'hybrid'
  | { strategy: 'auto' }
  | { strategy: 'hopper'; partitions?: number }
  | { strategy: 'task' }
  | { strategy: 'data'; sync?: 'allreduce' | 'parameter_server' | 'async' | 'ssp' | 'average'; staleness?: number }
  | { strategy: 'model'; stages?: number; microbatches?: number }
  | { strategy: 'hybrid'; partitions?: number };
export interface TrainStep extends StepCommon {
  op: 'train';
  data: { train: string; validation?: string };
  features: string[];
  label: string;
  model: ModelSpec;
  optimizer?: Hp<string> | { name: Hp<string>; learning_rate?: Hp<number>; [k: string]: unknown };
  loss: Hp<string>;
  metrics?: Hp<string>[];
  batch_size?: Hp<number>;
  epochs?: Hp<number>;
  early_stopping?: { monitor: string; patience?: Hp<number>; min_delta?: Hp<number>; mode?: 'min' | 'max' | 'auto' };
  search?: SearchSpec;
  parallelism?: ParallelismSpec;
  checkpoint?: { every_epochs?: number; keep?: number };
  seed?: number;
}
export interface EvaluateStep extends StepCommon {
  op: 'evaluate';
  model: string;
  data: string;
  metrics?: string[];
}
export interface PredictStep extends StepCommon {
  op: 'predict';
  model: string;
  from: string;
  output_column?: string;
}
export interface ExportStep extends StepCommon {
  op: 'export';
  from: string;
  path: string;
  format?: 'parquet' | 'arrow' | 'csv' | 'json' | 'tfjs';
  overwrite?: boolean;
  /** Parquet page compression; default none (DuckDB's snappy for tables with tensor columns). */
  compression?: 'snappy' | 'none';
}
export type StepSpec = TransformStep | JoinStep | SqlStep | SplitStep | TrainStep | EvaluateStep | PredictStep | ExportStep;
