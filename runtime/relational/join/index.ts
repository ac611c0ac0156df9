/**
 * Joins: every strategy of the plan (broadcast, shuffle_hash, sort_merge, colocated, optional Bloom
 * pre-filter) gives the same rows as a SQL engine's join. The strategy and build side come from the
 * plan's decision; the runtime never re-decides them, and says when the sizes it meets would have led the
 * same cost model elsewhere (decide.ts).
 *
 * The output is the left input's columns, then the right's other than the keys (renamed with the step's
 * suffix, `_right` by default, where a name is taken); semi and anti joins output the left columns only.
 * In right and full joins a key column holds the right row's key where there is no left row. Rows come in
 * no particular order; a row with a null in any key column matches nothing.
 */
import type { PlanNode } from '../../../compiler/phases/5-plan/plan-types.js';
import type { RelationalContext, Table } from '../types.js';
import { chooseStrategy } from './decide.js';
import { executeJoin, type JoinResult } from './execute-join.js';
import { readJoinSpec } from './join-spec.js';

export type { JoinStats, PlanCheck } from './join-stats.js';
export type { JoinResult } from './execute-join.js';
export { stopJoinThreads } from './worker-pool.js';
export { partitionByKeyHash } from './partition-by-key.js';

export async function runJoin(node: PlanNode, left: Table, right: Table, ctx: RelationalContext): Promise<Table> {
  return (await runJoinWithStats(node, left, right, ctx)).table;
}

/** runJoin, also saying what the join did (strategy, bytes moved, phases) for events and benchmarks. */
export async function runJoinWithStats(node: PlanNode, left: Table, right: Table, ctx: RelationalContext): Promise<JoinResult> {
  const read = readJoinSpec(node.config, `steps.${node.id}`);
  // The plan's Bloom-filter choice, when it made one, is the one the runtime follows.
  const planned = node.decision?.settings?.bloom_filter;
  const spec = read.bloomFilter === 'auto' && typeof planned === 'boolean' ? { ...read, bloomFilter: planned } : read;
  return executeJoin(left, right, spec, chooseStrategy(node, spec, left, right, Math.max(1, Math.floor(ctx.workers))), ctx);
}
