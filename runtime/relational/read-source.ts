/**
 * Reads a source node's data into one table. A glob is a partitioned source: one record batch (or more)
 * per file, files in sorted order, all with one schema.
 */
import type { Table } from 'apache-arrow';
import type { PlanNode } from '../../compiler/phases/5-plan/plan-types.js';
import type { SourceSpec } from '../../compiler/spec/types.js';
import { readIdxTable } from './sources/read-idx.js';
import { DataError, type RelationalContext } from './types.js';

export async function readSource(node: PlanNode, ctx: RelationalContext): Promise<Table> {
  void ctx;
  const config = node.config as unknown as SourceSpec;
  switch (config.format) {
    case 'idx':
      return readIdxTable(config.images, config.labels);
    default:
      throw new DataError(`source ${node.id}: format '${(config as { format: string }).format}' is not supported yet`);
  }
}
