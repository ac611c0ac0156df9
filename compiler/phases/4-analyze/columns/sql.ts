import { didYouMean } from '../../../diagnostics/did-you-mean.js';
import type { TableSchema } from '../../../spec/columns.js';
import type { SqlStep } from '../../../spec/types.js';
import { extractTableRefs } from '../../../sql/index.js';
import type { AnalysisContext } from '../context.js';
import { locateInScalar } from './expression.js';

/**
 * A `sql` step: the query must be one SELECT reading only the aliases it names under `inputs`. Its
 * output columns are known only when declared under `schema:` (lint never runs a SQL engine).
 */
export function sqlSchema(ctx: AnalysisContext, id: string, step: SqlStep): TableSchema | undefined {
  const path = ['steps', id, 'query'];
  const r = extractTableRefs(step.query);
  if (!r.ok) {
    ctx.report('DLC403', path, `SQL query: ${r.error.message}`, { at: locateInScalar(ctx, path, step.query, r.error.start, r.error.end) });
  } else {
    const aliases = Object.keys(step.inputs);
    for (const t of r.tables) {
      if (aliases.includes(t.name)) continue;
      ctx.report('DLC420', path, `the query reads '${t.name}', which is not one of this step's inputs${didYouMean(t.name, aliases)}`, {
        at: locateInScalar(ctx, path, step.query, t.start, t.end),
        hint: `name it under inputs: {${t.name}: some_step}; inputs here: ${aliases.join(', ')}`,
      });
    }
  }
  if (!step.schema) return undefined;
  return Object.entries(step.schema).map(([name, type]) => ({ name, type, nullable: true }));
}
