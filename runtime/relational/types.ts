/**
 * The relational executor's contract with the rest of the runtime. Tables flow between steps as Arrow
 * tables (apache-arrow) in memory and as Arrow IPC partition files on disk. Tensor columns (an IDX image,
 * a fixed-size list) are FixedSizeList columns of Float32, Int32 or Uint8 whose field metadata
 * `dlc.shape` holds the shape as JSON (e.g. "[28,28]").
 */
import type { Table } from 'apache-arrow';
import type { PlanNode } from '../../compiler/phases/5-plan/plan-types.js';
import type { JoinStats } from './join/join-stats.js';

export type { Table };

/** Where a relational node runs and what it may use. */
export interface RelationalContext {
  /** The plan's seed; a step's own `seed` wins. */
  seed: number;
  /** Scratch space for this node (partition files, spill); created by the caller. */
  workDir: string;
  /** Worker processes the node may use; 1 runs it in the calling process. */
  workers: number;
  /** Progress of long steps (rows done of rows total, when known). */
  onProgress?: (done: number, total: number | undefined) => void;
  /** What a join did (strategy and who chose it, the plan checked against the sizes met, phases), for the run's events. */
  onJoin?: (stats: JoinStats) => void;
}

/** A user-facing failure of a data step (a corrupt file, a bad row); the CLI prints `message`, no stack. */
export class DataError extends Error {
  constructor(
    message: string,
    /** The file at fault, when there is one. */
    readonly file?: string,
    /** 1-based line or row in that file, when known. */
    readonly line?: number,
  ) {
    super(message);
    this.name = 'DataError';
  }
}
