/**
 * Runs one relational node of the plan: a source, transform, join, sql, split or export. Inputs are keyed
 * by the plan node's `inputs[].field` (`from`, `left`, `right`, or `inputs.<alias>` for sql, where the bare
 * alias is accepted too); outputs by output name (`default`, or a split's fraction names). An export
 * writes its file and has no outputs.
 */
import type { Table } from 'apache-arrow';
import type { PlanNode } from '../../compiler/phases/5-plan/plan-types.js';
import type { ExportStep, SplitStep, SqlStep, TransformStep } from '../../compiler/spec/types.js';
import { runExport } from './export/run-export.js';
import { runJoinWithStats } from './join/index.js';
import { readSource } from './read-source.js';
import { runSplit } from './split/run-split.js';
import { runSql } from './sql/run-sql.js';
import { runTransform } from './transform/run-transform.js';
import { DataError, type RelationalContext } from './types.js';

export async function runRelationalNode(node: PlanNode, inputs: Record<string, Table>, ctx: RelationalContext): Promise<Record<string, Table>> {
  if (node.kind === 'source') return { default: await readSource(node, ctx) };
  const input = (field: string): Table => {
    const t = inputs[field];
    if (!t) throw new Error(`node ${node.id}: input '${field}' was not given (have: ${Object.keys(inputs).join(', ') || 'none'})`);
    return t;
  };
  switch (node.op) {
    case 'transform':
      return { default: await runTransform(node.id, node.config as unknown as TransformStep, input('from'), ctx) };
    case 'split':
      return runSplit(node.id, node.config as unknown as SplitStep, input('from'), ctx);
    case 'join': {
      const { table, stats } = await runJoinWithStats(node, input('left'), input('right'), ctx);
      ctx.onJoin?.(stats);
      return { default: table };
    }
    case 'sql':
      return { default: await runSql(node.id, node.config as unknown as SqlStep, inputs, ctx) };
    case 'export':
      await runExport(node.id, node.config as unknown as ExportStep, input('from'), ctx);
      return {};
    default:
      throw new DataError(`step ${node.id}: op '${node.op}' is not a relational step`);
  }
}
