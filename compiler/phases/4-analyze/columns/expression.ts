import { didYouMean } from '../../../diagnostics/did-you-mean.js';
import type { DocPath } from '../../../source/doc-path.js';
import type { Located } from '../../../source/locations.js';
import type { ColumnType, TableSchema } from '../../../spec/columns.js';
import { inferType, parseExpression } from '../../../sql/index.js';
import type { AnalysisContext } from '../context.js';
import { columnsHint } from './check.js';

/**
 * Checks one SQL expression written in the spec against the columns it reads, pointing into the
 * expression itself. Returns its type, or undefined when it is broken or cannot be known.
 */
export function checkExpression(ctx: AnalysisContext, text: string, path: DocPath, schema: TableSchema | undefined, expect?: 'bool'): ColumnType | 'unknown' | undefined {
  const parsed = parseExpression(text);
  const inside = (start: number, end: number): Located => locateInScalar(ctx, path, text, start, end);
  if (!parsed.ok) {
    ctx.report('DLC403', path, `SQL expression: ${parsed.error.message}`, { at: inside(parsed.error.start, parsed.error.end) });
    return undefined;
  }
  if (!schema) return 'unknown';
  const columns = new Map(schema.map((c) => [c.name, c.type] as const));
  const inferred = inferType(parsed.ast, columns);
  for (const p of inferred.problems) {
    if (p.kind === 'unknown-column') {
      const name = p.name ?? text.slice(p.start, p.end);
      ctx.report('DLC401', path, `no column '${name}' in the input${didYouMean(name, columns.keys())}`, { at: inside(p.start, p.end), hint: columnsHint([...columns.keys()]) });
    } else {
      ctx.report('DLC402', path, p.message, { at: inside(p.start, p.end) });
    }
  }
  if (inferred.problems.length > 0) return undefined;
  if (expect === 'bool' && inferred.type !== 'bool' && inferred.type !== 'unknown' && inferred.type !== 'null') {
    ctx.report('DLC402', path, `a filter must be a true/false condition, but this expression is ${typeof inferred.type === 'string' ? inferred.type : 'a tensor'}`, { at: inside(0, text.length) });
    return undefined;
  }
  return inferred.type === 'null' ? 'unknown' : inferred.type;
}

/**
 * The source range of characters [start, end) of a scalar's value. Plain and quoted scalars keep the
 * text on one line in the common case, so searching the source for the value text finds it; when the
 * scalar was folded or escaped, the whole value is the best we can point at.
 */
export function locateInScalar(ctx: AnalysisContext, path: DocPath, text: string, start: number, end: number): Located {
  const loc = ctx.locations.get(path);
  if (!loc) return ctx.locations.locate(path);
  const src = loc.source.text.slice(loc.value.start.offset, loc.value.end.offset);
  const base = src.indexOf(text);
  if (base < 0) return { file: loc.source.path, range: loc.value };
  const s = loc.value.start.offset + base + start;
  const e = loc.value.start.offset + base + Math.max(end, start + 1);
  return { file: loc.source.path, range: loc.source.rangeAt(s, Math.min(e, loc.value.start.offset + base + text.length)) };
}
