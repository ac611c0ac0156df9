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
  /** Estimated cost in `unit`; null when infeasible. */
  cost: number | null;
  unit: string;
  feasible: boolean;
  note?: string;
}

/** A planner decision with every alternative's estimate and the reason, for `dlc plan --explain`. */
export interface Decision {
  kind: 'join' | 'training';
  /** The strategy the runtime will use; null while no cost model decides this kind yet. */
  strategy: string | null;
  requested: string;
  alternatives: Alternative[];
  reason: string;
  inputs: Record<string, number | string | null>;
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
  decision?: Decision;
  training?: { configurations: number | null; epochs: number | null; algorithm: string | null };
}
