import { isTensorType, type TableSchema } from '../../../spec/columns.js';
import type { SplitStep } from '../../../spec/types.js';
import type { AnalysisContext } from '../context.js';
import { requireColumn } from './check.js';

/** Every split output has the input's columns; stratify and group_by must name scalar columns. */
export function splitSchema(ctx: AnalysisContext, id: string, step: SplitStep, input: TableSchema | undefined): TableSchema | undefined {
  for (const key of ['stratify', 'group_by'] as const) {
    const name = step[key];
    if (name === undefined) continue;
    const c = requireColumn(ctx, input, name, ['steps', id, key]);
    if (c && isTensorType(c.type)) ctx.report('DLC402', ['steps', id, key], `cannot ${key === 'stratify' ? 'stratify' : 'group'} by tensor column '${name}'`);
  }
  return input;
}
