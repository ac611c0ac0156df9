import { type Column, type ColumnType, formatColumnType, isNumericType, type TableSchema } from '../../../spec/columns.js';
import type { JoinStep } from '../../../spec/types.js';
import type { AnalysisContext } from '../context.js';
import { asList, requireColumn } from './check.js';

const family = (t: ColumnType): string => (typeof t !== 'string' ? 'tensor' : isNumericType(t) ? 'number' : t === 'timestamp' || t === 'date' ? 'time' : t);

/** Join keys must exist on both sides with comparable types; the output is left + right minus right's keys. */
export function joinSchema(ctx: AnalysisContext, id: string, step: JoinStep, left: TableSchema | undefined, right: TableSchema | undefined): TableSchema | undefined {
  const keys = asList(step.on);
  keys.forEach((k, i) => {
    const path = Array.isArray(step.on) ? ['steps', id, 'on', i] : ['steps', id, 'on'];
    const l = requireColumn(ctx, left, k, path, `the left input '${step.left}'`);
    const r = requireColumn(ctx, right, k, path, `the right input '${step.right}'`);
    if (l && r && family(l.type) !== family(r.type)) {
      ctx.report('DLC402', path, `join key '${k}' is ${formatColumnType(l.type)} on the left but ${formatColumnType(r.type)} on the right; keys must be comparable`, { hint: 'cast one side in a transform step first' });
    }
    if (l && family(l.type) === 'tensor') ctx.report('DLC402', path, `join key '${k}' is a tensor column; join on scalar columns`);
  });
  const how = step.how ?? 'inner';
  if (!left) return undefined;
  const nullableLeft = how === 'right' || how === 'full';
  const out: Column[] = left.map((c) => ({ ...c, nullable: c.nullable || nullableLeft }));
  if (how === 'semi' || how === 'anti') return out;
  if (!right) return undefined;
  const suffix = step.suffix ?? '_right';
  const nullableRight = how === 'left' || how === 'full';
  for (const c of right) {
    if (keys.includes(c.name)) continue;
    const name = out.some((o) => o.name === c.name) ? `${c.name}${suffix}` : c.name;
    out.push({ ...c, name, nullable: c.nullable || nullableRight });
  }
  return out;
}
