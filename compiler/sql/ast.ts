/**
 * The expression tree. Every node carries the 0-based UTF-16 range [start, end) of the source it came
 * from, so any later check can point into the user's expression.
 */
import type { ColumnType } from '../spec/columns.js';

export interface Span {
  start: number;
  end: number;
}

export interface NumberLiteral extends Span {
  kind: 'number';
  /** The literal as written, underscores included. */
  text: string;
  value: number;
  /** No '.', no exponent: DuckDB types it as an integer. */
  integer: boolean;
}

export interface StringLiteral extends Span {
  kind: 'string';
  value: string;
}

export interface BooleanLiteral extends Span {
  kind: 'boolean';
  value: boolean;
}

export interface NullLiteral extends Span {
  kind: 'null';
}

/** `DATE '2020-01-01'`, `TIMESTAMP '2020-01-01 10:00'`. */
export interface TypedLiteral extends Span {
  kind: 'typed-literal';
  type: 'date' | 'timestamp';
  value: string;
}

/** `INTERVAL '1 day'`, `INTERVAL 3 DAY`, `INTERVAL (n) HOUR`. */
export interface IntervalLiteral extends Span {
  kind: 'interval';
  value: Expr;
  unit?: string;
}

export interface ColumnRef extends Span {
  kind: 'column';
  /** The name as written, or the unescaped content of a "quoted" identifier. */
  name: string;
  quoted: boolean;
}

/** Kept in the tree (rather than dropped) so that spans of enclosing nodes include the parentheses. */
export interface Paren extends Span {
  kind: 'paren';
  inner: Expr;
}

export interface Unary extends Span {
  kind: 'unary';
  op: '-' | '+' | 'NOT';
  operand: Expr;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '//' | '%' | '^';
export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=' | 'IS DISTINCT FROM' | 'IS NOT DISTINCT FROM';
export type BinaryOp = ArithmeticOp | ComparisonOp | '||' | 'AND' | 'OR';

export interface Binary extends Span {
  kind: 'binary';
  /** Normalised: `==` is '=', `!=` is '<>', `**` is '^'. */
  op: BinaryOp;
  left: Expr;
  right: Expr;
  opStart: number;
  opEnd: number;
}

/** `x IS [NOT] NULL | TRUE | FALSE` (and ISNULL / NOTNULL). */
export interface IsTest extends Span {
  kind: 'is';
  operand: Expr;
  negated: boolean;
  test: 'NULL' | 'TRUE' | 'FALSE';
}

export interface InList extends Span {
  kind: 'in';
  operand: Expr;
  negated: boolean;
  items: Expr[];
}

export interface Between extends Span {
  kind: 'between';
  operand: Expr;
  negated: boolean;
  low: Expr;
  high: Expr;
}

export interface Like extends Span {
  kind: 'like';
  op: 'LIKE' | 'ILIKE' | 'GLOB';
  operand: Expr;
  negated: boolean;
  pattern: Expr;
  escape?: Expr;
}

export interface CaseWhen {
  when: Expr;
  then: Expr;
}

export interface Case extends Span {
  kind: 'case';
  /** Present for the simple form `CASE x WHEN v THEN …`. */
  operand?: Expr;
  whens: CaseWhen[];
  else?: Expr;
}

export interface TypeName extends Span {
  /** Lower-cased words as written, e.g. `double precision`, `varchar`, `integer[]`. */
  text: string;
  /** What the name maps to; 'unknown' for real DuckDB types with no ColumnType; null for no such type. */
  resolved: ColumnType | 'unknown' | null;
}

export interface Cast extends Span {
  kind: 'cast';
  syntax: 'CAST' | 'TRY_CAST' | '::';
  operand: Expr;
  target: TypeName;
}

export interface Call extends Span {
  kind: 'call';
  /** As written (or unescaped when quoted); look it up lower-cased. */
  name: string;
  nameStart: number;
  nameEnd: number;
  args: Expr[];
  /** `count(*)`. */
  star: boolean;
  /** `count(DISTINCT x)`. */
  distinct: boolean;
}

/** `list[i]`: element access on a list or tensor column (1-based in DuckDB). */
export interface Index extends Span {
  kind: 'index';
  operand: Expr;
  index: Expr;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | TypedLiteral
  | IntervalLiteral
  | ColumnRef
  | Paren
  | Unary
  | Binary
  | IsTest
  | InList
  | Between
  | Like
  | Case
  | Cast
  | Call
  | Index;

/** Direct children in source order; the one place that knows every node's shape. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'null':
    case 'typed-literal':
    case 'column':
      return [];
    case 'interval':
      return [e.value];
    case 'paren':
      return [e.inner];
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'is':
      return [e.operand];
    case 'in':
      return [e.operand, ...e.items];
    case 'between':
      return [e.operand, e.low, e.high];
    case 'like':
      return e.escape ? [e.operand, e.pattern, e.escape] : [e.operand, e.pattern];
    case 'case': {
      const out: Expr[] = e.operand ? [e.operand] : [];
      for (const w of e.whens) out.push(w.when, w.then);
      if (e.else) out.push(e.else);
      return out;
    }
    case 'cast':
      return [e.operand];
    case 'call':
      return e.args;
    case 'index':
      return [e.operand, e.index];
  }
}
