/**
 * Joins: every strategy of the plan (broadcast, shuffle_hash, sort_merge, colocated, optional Bloom
 * pre-filter) gives the same rows as a SQL engine's join. The strategy comes from the plan's decision;
 * the runtime never re-decides it. Until the planner decides joins (decision.strategy null, the step's
 * `strategy: auto`), chooseJoinStrategy's rule stands in.
 *
 * The output is the left input's columns, then the right's other than the keys (renamed with the step's
 * suffix, `_right` by default, where a name is taken); semi and anti joins output the left columns only.
 * In right and full joins a key column holds the right row's key where there is no left row. Rows come in
 * no particular order; a row with a null in any key column matches nothing.
 */
import type { PlanNode } from '../../../compiler/phases/5-plan/plan-types.js';
import type { RelationalContext, Table } from '../types.js';
import { chooseJoinStrategy } from './choose-strategy.js';
import { type ChosenStrategy, executeJoin, type JoinResult } from './execute-join.js';
import { isJoinStrategy, type JoinSpec, readJoinSpec } from './join-spec.js';

export type { JoinStats } from './join-stats.js';
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
  return executeJoin(left, right, spec, chosenStrategy(node, spec, left, right, ctx), ctx);
}

function chosenStrategy(node: PlanNode, spec: JoinSpec, left: Table, right: Table, ctx: RelationalContext): ChosenStrategy {
  const decided = node.decision?.strategy;
  if (isJoinStrategy(decided)) return { strategy: decided, chosenBy: 'plan', reason: node.decision?.reason ?? 'the plan' };
  if (spec.strategy !== 'auto') return { strategy: spec.strategy, chosenBy: 'spec', reason: 'explicit in the spec' };
  return { ...chooseJoinStrategy({ leftRows: left.numRows, rightRows: right.numRows, workers: ctx.workers }), chosenBy: 'runtime' };
}
