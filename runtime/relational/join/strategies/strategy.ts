/** What every strategy gets and gives back. */
import type { JoinStats } from '../join-stats.js';
import type { PhaseClock } from '../join-stats.js';
import type { TableLayout } from '../layout.js';
import type { Side } from '../match-rules.js';
import type { PreparedJoin } from '../prepare.js';
import type { Runner } from '../runner.js';

export interface StrategyContext {
  prepared: PreparedJoin;
  runner: Runner;
  /** The step's bloom_filter setting. */
  bloom: boolean | 'auto';
  /** The side to build on (and broadcast), as decided; absent: the smaller by rows. */
  buildSide?: Side;
  seed: number;
  clock: PhaseClock;
  progress: (round: number, rounds: number) => void;
}

export interface StrategyResult {
  batches: TableLayout[];
  buildSide: Side;
  partitions: number;
  bytesMovedBy: Record<string, number>;
  bloom: JoinStats['bloom'];
  distinctKeys?: JoinStats['distinctKeys'];
}

/** Target false-positive rate of pre-filters: 1% of non-matching rows still travel. */
export const BLOOM_FPR = 0.01;

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
