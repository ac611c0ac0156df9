/**
 * The runtime's own choice of strategy, used only while the plan carries none (no join cost model yet:
 * decision.strategy is null for `strategy: auto`). A stand-in for compiler/cost's model, fitted to this
 * runtime's measurements (bench/results/join.md, "sweep"); the planner's choice replaces it.
 *
 * Broadcast makes each of n workers partition and hash the whole smaller side B and its share of the
 * larger side A; shuffling has every row of both sides scanned, moved and joined once, about k = 1.18
 * times a broadcast's work per row (with two workers the two were even at A = 4B, shuffling ahead on
 * 10M x 2.5M rows, broadcast ahead at A = 16B). Broadcast is cheaper while n.B + A <= k (A + B), that is
 * while A >= (n - k) / (k - 1) B (4.6 B for two workers, 15.7 B for four); and always when B fits one
 * cache-sized hash table (no partitioning at all) or there is one worker (nothing to move).
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
  const large = Math.max(i.leftRows, i.rightRows);
  if (i.workers <= 1) return { strategy: 'broadcast', reason: 'one worker: nothing moves, and one hash join of the smaller side does the least work' };
  if (small <= CACHE_ROWS) return { strategy: 'broadcast', reason: `the smaller side (${small} rows) fits one in-cache hash table (${CACHE_ROWS} rows): each worker probes its share directly` };
  const k = SHUFFLE_OVER_BROADCAST_PER_ROW;
  const ratio = (i.workers - k) / (k - 1);
  if (large >= ratio * small) return { strategy: 'broadcast', reason: `the larger side is ${(large / small).toFixed(1)} times the smaller, at least ${ratio.toFixed(1)} with ${i.workers} workers: every worker hashing the smaller side costs less than moving both` };
  return { strategy: 'shuffle_hash', reason: `the larger side is ${(large / small).toFixed(1)} times the smaller, below ${ratio.toFixed(1)} with ${i.workers} workers: moving both sides once costs less than every worker hashing the smaller side` };
}

/** Shuffle-hash work per row over broadcast work per row, measured (see above). */
const SHUFFLE_OVER_BROADCAST_PER_ROW = 1.18;
