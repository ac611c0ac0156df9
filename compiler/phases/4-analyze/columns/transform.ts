import { type Column, type ColumnType, isIntegerType, isNumericType, isTensorType, type TableSchema } from '../../../spec/columns.js';
import type { TransformStep } from '../../../spec/types.js';
import type { AnalysisContext } from '../context.js';
import { requireColumn } from './check.js';
import { checkExpression } from './expression.js';

/**
 * Columns out of a transform. The clauses apply in one fixed order, whatever order they are written in:
 * dropna, filter, derive, cast, normalize, one_hot, select (documented in docs/spec.md).
 */
export function transformSchema(ctx: AnalysisContext, id: string, step: TransformStep, input: TableSchema | undefined): TableSchema | undefined {
  const base = ['steps', id];
  let cols: Column[] | undefined = input ? input.map((c) => ({ ...c })) : undefined;

  if (Array.isArray(step.dropna)) step.dropna.forEach((c, i) => requireColumn(ctx, cols, c, [...base, 'dropna', i]));
  if (typeof step.filter === 'string') checkExpression(ctx, step.filter, [...base, 'filter'], cols, 'bool');

  for (const [name, expr] of Object.entries(step.derive ?? {})) {
    if (typeof expr !== 'string') continue;
    const t = checkExpression(ctx, expr, [...base, 'derive', name], cols);
    if (!cols) continue;
    const type: ColumnType = t === undefined || t === 'unknown' ? 'float64' : t;
    const col: Column = { name, type, nullable: true };
    if (t === 'unknown') (col as Column & { typeUnknown?: boolean }).typeUnknown = true;
    cols = [...cols.filter((c) => c.name !== name), col];
  }

  for (const [name, type] of Object.entries(step.cast ?? {})) {
    const c = requireColumn(ctx, cols, name, [...base, 'cast', name], 'the input', 'key');
    if (c) c.type = type;
  }

  for (const [name, how] of Object.entries(step.normalize ?? {})) {
    const path = [...base, 'normalize', name];
    const c = requireColumn(ctx, cols, name, path, 'the input', 'key');
    if (!c) continue;
    if (isTensorType(c.type)) c.type = { tensor: 'float32', shape: c.type.shape };
    else if (isNumericType(c.type) || (c as { typeUnknown?: boolean }).typeUnknown) c.type = 'float32';
    else ctx.report('DLC402', path, `cannot normalize column '${name}' of type ${c.type}; normalize takes numeric or tensor columns`);
    if (typeof how === 'object' && how !== null && how.divide_by === 0) ctx.report('DLC204', [...path, 'divide_by'], 'divide_by must not be 0');
  }

  const oneHot = step.one_hot;
  const oneHotEntries: [string, number | undefined, (string | number)[]][] = Array.isArray(oneHot)
    ? oneHot.map((c, i) => [c, undefined, [...base, 'one_hot', i]])
    : Object.entries(oneHot ?? {}).map(([c, o]) => [c, typeof o?.classes === 'number' ? o.classes : undefined, [...base, 'one_hot', c]]);
  for (const [name, classes, path] of oneHotEntries) {
    const c = requireColumn(ctx, cols, name, path, 'the input', Array.isArray(oneHot) ? 'value' : 'key');
    if (!c) continue;
    if (!(isIntegerType(c.type) || c.type === 'string' || c.type === 'bool')) {
      ctx.report('DLC402', path, `cannot one-hot encode column '${name}' of type ${typeof c.type === 'string' ? c.type : 'tensor'}; one_hot takes integer, string or bool columns`);
      continue;
    }
    // -1: the number of classes is found in the data at run time.
    c.type = { tensor: 'float32', shape: [classes ?? -1] };
  }

  if (step.select && cols) {
    const picked: Column[] = [];
    step.select.forEach((name, i) => {
      const c = requireColumn(ctx, cols, name, [...base, 'select', i]);
      if (c) picked.push(c);
    });
    cols = picked;
  }
  return cols;
}
