/** The column names an expression reads, for dependency tracking and "unknown column" checks. */
import { children, type Expr } from './ast.js';

export interface ColumnRefLocation {
  /** As written, or the unescaped content of a "quoted" identifier. */
  name: string;
  /** Range of the identifier in the expression text, quotes included. */
  start: number;
  end: number;
}

/** Every column reference, in source order, repeats included. */
export function columnRefs(ast: Expr): ColumnRefLocation[] {
  const out: ColumnRefLocation[] = [];
  // An explicit stack rather than recursion; children are pushed in reverse to keep source order.
  const stack: Expr[] = [ast];
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    if (e.kind === 'column') {
      out.push({ name: e.name, start: e.start, end: e.end });
      continue;
    }
    const kids = children(e);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as Expr);
  }
  return out;
}
