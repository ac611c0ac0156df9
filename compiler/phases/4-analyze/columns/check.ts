import { didYouMean } from '../../../diagnostics/did-you-mean.js';
import type { DocPath } from '../../../source/doc-path.js';
import type { Column, TableSchema } from '../../../spec/columns.js';
import type { AnalysisContext } from '../context.js';

/** Looks a column up, reporting DLC401 with a "did you mean" and the columns there are. */
export function requireColumn(ctx: AnalysisContext, schema: TableSchema | undefined, name: string, path: DocPath, what = 'the input', prefer: 'key' | 'value' = 'value'): Column | undefined {
  if (!schema) return undefined;
  const found = schema.find((c) => c.name === name);
  if (found) return found;
  const names = schema.map((c) => c.name);
  ctx.report('DLC401', path, `no column '${name}' in ${what}${didYouMean(name, names)}`, { hint: columnsHint(names), prefer });
  return undefined;
}

export function columnsHint(names: string[]): string {
  if (names.length === 0) return 'it has no columns';
  const shown = names.slice(0, 12).join(', ');
  return `its columns: ${shown}${names.length > 12 ? `, … (${names.length} in all)` : ''}`;
}

export function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
