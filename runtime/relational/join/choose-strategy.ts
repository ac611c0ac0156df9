/**
 * The runtime's own choice of strategy, used only while the plan carries none (no join cost model yet:
 * decision.strategy is null for `strategy: auto`). A stand-in for compiler/cost's model, fitted to this
 * runtime's measurements (bench/results/join.md, "sweep"); the planner's choice replaces it.
 */
import type { JoinStrategy } from './join-spec.js';

export interface StrategyInputs {
  leftRows: number;
  rightRows: number;
  workers: number;
}

export function chooseJoinStrategy(i: StrategyInputs): { strategy: JoinStrategy; reason: string } {
  const small = Math.min(i.leftRows, i.rightRows);
  const large = Math.max(i.leftRows, i.rightRows);
  if (i.workers <= 1) return { strategy: 'broadcast', reason: 'one worker: nothing to move, one hash table of the smaller side' };
  // Broadcast costs every worker a hash table of the whole smaller side; shuffling costs moving both once.
  if (small * i.workers <= large) return { strategy: 'broadcast', reason: `the smaller side (${small} rows) times ${i.workers} workers is at most the larger side (${large} rows)` };
  return { strategy: 'shuffle_hash', reason: `the smaller side (${small} rows) is more than 1/${i.workers} of the larger (${large} rows): partitioning both beats a table of it per worker` };
}
