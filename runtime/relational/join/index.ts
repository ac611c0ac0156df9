/**
 * Joins: every strategy of the plan (broadcast, shuffle_hash, sort_merge, colocated, optional Bloom
 * pre-filter) gives the same rows as a SQL engine's join. The strategy comes from the plan's decision;
 * the runtime never re-decides it.
 */
import type { PlanNode } from '../../../compiler/phases/5-plan/plan-types.js';
import type { RelationalContext, Table } from '../types.js';

export async function runJoin(node: PlanNode, left: Table, right: Table, ctx: RelationalContext): Promise<Table> {
  void node;
  void left;
  void right;
  void ctx;
  throw new Error('joins are not implemented yet');
}
