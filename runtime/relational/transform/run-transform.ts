/**
 * The `transform` step. Its clauses apply in one fixed order, whatever order they are written in (as
 * docs/spec.md and the compiler's column analysis have it): dropna, filter, derive, cast, normalize,
 * one_hot, select.
 */
import type { Table } from 'apache-arrow';
import type { TransformStep } from '../../../compiler/spec/types.js';
import { DataError, type RelationalContext } from '../types.js';
import { dropna } from './dropna.js';
import { normalize } from './normalize.js';
import { selectColumns } from './select.js';

export async function runTransform(id: string, config: TransformStep, input: Table, ctx: RelationalContext): Promise<Table> {
  void ctx;
  let t = input;
  if (config.dropna !== undefined) t = dropna(t, config.dropna, id);
  for (const clause of ['filter', 'derive', 'cast', 'one_hot'] as const) {
    if (config[clause] !== undefined) throw new DataError(`step ${id}: ${clause} is not supported yet`);
  }
  if (config.normalize) t = normalize(t, config.normalize, id);
  if (config.select) t = selectColumns(t, config.select, id);
  return t;
}
