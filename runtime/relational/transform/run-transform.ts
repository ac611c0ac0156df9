/**
 * The `transform` step. Its clauses apply in one fixed order, whatever order they are written in (as
 * docs/spec.md and the compiler's column analysis have it): dropna, filter, derive, cast, normalize,
 * one_hot, select.
 */
import type { Table } from 'apache-arrow';
import type { TransformStep } from '../../../compiler/spec/types.js';
import type { RelationalContext } from '../types.js';
import { castColumns } from './cast.js';
import { deriveColumns } from './derive.js';
import { dropna } from './dropna.js';
import { filterRows } from './filter.js';
import { normalize } from './normalize.js';
import { oneHot } from './one-hot.js';
import { selectColumns } from './select.js';

export async function runTransform(id: string, config: TransformStep, input: Table, ctx: RelationalContext): Promise<Table> {
  let t = input;
  if (config.dropna !== undefined) t = dropna(t, config.dropna, id);
  if (config.filter !== undefined) t = await filterRows(t, config.filter, ctx, id);
  if (config.derive) t = await deriveColumns(t, config.derive, ctx, id);
  if (config.cast) t = await castColumns(t, config.cast, ctx, id);
  if (config.normalize) t = normalize(t, config.normalize, id);
  if (config.one_hot) t = oneHot(t, config.one_hot, id);
  if (config.select) t = selectColumns(t, config.select, id);
  return t;
}
