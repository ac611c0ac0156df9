/**
 * The runtime's own choice of strategy, used only while the plan carries none (no join cost model yet:
 * decision.strategy is null for `strategy: auto`). A stand-in for compiler/cost's model, fitted to this
 * runtime's measurements (bench/results/join.md, "sweep"); the planner's choice replaces it.
 */
import { CACHE_ROWS } from './hash-join.js';
import type { JoinStrategy } from './join-spec.js';

export interface StrategyInputs {
  leftRows: number;
  rightRows: number;
  workers: number;
}

export function chooseJoinStrategy(i: StrategyInputs): { strategy: JoinStrategy; reason: string } {
  const small = Math.min(i.leftRows, i.rightRows);
  if (i.workers <= 1) return { strategy: 'broadcast', reason: 'one worker: nothing moves, and one hash join of the smaller side does the least work' };
  // A build side of at most one cache-sized part needs no partitioning: every worker probes its share of
  // the larger side directly. Past that, each worker would partition the whole smaller side.
  if (small <= CACHE_ROWS) return { strategy: 'broadcast', reason: `the smaller side (${small} rows) fits one in-cache hash table (${CACHE_ROWS} rows): each worker probes its share directly` };
  return { strategy: 'shuffle_hash', reason: `the smaller side (${small} rows) is larger than one in-cache hash table (${CACHE_ROWS} rows): partitioning both sides once beats every worker partitioning it` };
}
