/**
 * Type inference over a parsed expression, against the input table's columns. Follows DuckDB's rules
 * roughly and reports only clear mistakes (arithmetic on a string column, comparing a string column to
 * a number, NOT on a number…): anything DuckDB might accept through an implicit cast is let through,
 * because a false error at lint time is worse than a late one at run time.
 */
import { formatColumnType, isIntegerType, isNumericType, isTensorType, type ColumnType } from '../spec/columns.js';
import type { Expr } from './ast.js';
import { lookupFunction, type ArgKind, type ScalarFunction } from './functions.js';
import { excerpt } from './tokenizer.js';

export interface TypeProblem {
  kind: 'unknown-column' | 'type';
  message: string;
  start: number;
  end: number;
  /** For 'unknown-column': the name as written, so the caller can suggest a close match. */
  name?: string;
}

export interface InferResult {
  /** 'null' for an expression that is always NULL; 'unknown' where the type cannot be told. */
  type: ColumnType | 'unknown' | 'null';
  problems: TypeProblem[];
}

/** Inference works with one extra type, INTERVAL, which no column can hold but date arithmetic produces. */
type Inner = ColumnType | 'unknown' | 'null' | 'interval';

interface Typed {
  t: Inner;
  /**
   * The value of a string literal. DuckDB gives 'abc' a type of its own that casts implicitly to
   * whatever the context needs (`d > '2020-01-01'` is a date comparison), so literals are tracked apart.
   */
  literal?: string;
}

type Family = 'numeric' | 'string' | 'literal' | 'bool' | 'temporal' | 'interval' | 'tensor' | 'null' | 'unknown';

function family(x: Typed): Family {
  const t = x.t;
  if (x.literal !== undefined) return 'literal';
  if (t === 'unknown' || t === 'null' || t === 'interval') return t;
  if (isTensorType(t)) return 'tensor';
  if (isNumericType(t)) return 'numeric';
  if (t === 'string') return 'string';
  if (t === 'bool') return 'bool';
  return 'temporal';
}

const looksNumeric = (s: string): boolean => /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(s);
const isFloat = (t: Inner): boolean => t === 'float32' || t === 'float64';

function formatInner(t: Inner): string {
  return t === 'unknown' || t === 'null' || t === 'interval' ? t : formatColumnType(t);
}

function sameType(a: Inner, b: Inner): boolean {
  return formatInner(a) === formatInner(b);
}

/** The type both values convert to, or null when there is none. */
function join(a: Inner, b: Inner): Inner | null {
  if (sameType(a, b)) return a;
  if (typeof a === 'string' && typeof b === 'string' && isNumericType(a as ColumnType) && isNumericType(b as ColumnType)) {
    return isFloat(a) || isFloat(b) ? 'float64' : 'int64';
  }
  if ((a === 'date' && b === 'timestamp') || (a === 'timestamp' && b === 'date')) return 'timestamp';
  return null;
}

function unwrap(e: Expr): Expr {
  while (e.kind === 'paren') e = e.inner;
  return e;
}

/** How a value is named in a message: `column "price" (float64)`, `the number 5`, `a string value`. */
function describe(e: Expr, x: Typed): string {
  const u = unwrap(e);
  const type = formatInner(x.t);
  switch (u.kind) {
    case 'column':
      return isTensorType(x.t as ColumnType) ? `tensor column "${u.name}" (${type})` : `column "${u.name}" (${type})`;
    case 'string':
      return `the string '${excerpt(u.value)}'`;
    case 'number':
      return `the number ${u.text}`;
    case 'boolean':
      return u.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    default:
      if (typeof x.t !== 'string') return `a tensor value (${type})`;
      return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} value`;
  }
}

const KIND_PHRASES: Record<ArgKind, string> = {
  any: 'a value',
  numeric: 'a number',
  string: 'a string',
  temporal: 'a date or timestamp',
  boolean: 'a boolean',
  sequence: 'a string or a list',
};

function fits(kind: ArgKind, x: Typed): boolean {
  const f = family(x);
  if (kind === 'any' || f === 'unknown' || f === 'null') return true;
  switch (kind) {
    case 'numeric':
      return f === 'numeric' || (f === 'literal' && looksNumeric(x.literal as string));
    case 'string':
      return f === 'string' || f === 'literal';
    case 'temporal':
      return f === 'temporal' || f === 'literal';
    case 'boolean':
      return f === 'bool' || f === 'literal';
    case 'sequence':
      return f === 'string' || f === 'literal' || f === 'tensor';
  }
}

class Inferrer {
  readonly problems: TypeProblem[] = [];
  private readonly folded = new Map<string, ColumnType>();

  constructor(private readonly columns: ReadonlyMap<string, ColumnType>) {
    // DuckDB matches column names case-insensitively, quoted or not; an exact match still wins.
    for (const [name, type] of columns) {
      const key = name.toLowerCase();
      if (!this.folded.has(key)) this.folded.set(key, type);
    }
  }

  private problem(message: string, at: { start: number; end: number }): void {
    this.problems.push({ kind: 'type', message, start: at.start, end: at.end });
  }

  infer(e: Expr): Typed {
    switch (e.kind) {
      case 'number':
        return { t: e.integer ? integerLiteralType(e.text) : 'float64' };
      case 'string':
        return { t: 'string', literal: e.value };
      case 'boolean':
        return { t: 'bool' };
      case 'null':
        return { t: 'null' };
      case 'typed-literal':
        return { t: e.type };
      case 'interval':
        this.infer(e.value);
        return { t: 'interval' };
      case 'column': {
        const t = this.columns.get(e.name) ?? this.folded.get(e.name.toLowerCase());
        if (t === undefined) {
          this.problems.push({ kind: 'unknown-column', message: `unknown column "${e.name}"`, start: e.start, end: e.end, name: e.name });
          return { t: 'unknown' };
        }
        return { t };
      }
      case 'paren':
        return this.infer(e.inner);
      case 'unary': {
        const x = this.infer(e.operand);
        if (e.op === 'NOT') {
          this.requireBoolean(e.operand, x, (d) => `NOT expects a boolean condition, not ${d}`);
          return { t: 'bool' };
        }
        const f = family(x);
        if (f === 'numeric' || f === 'interval' || f === 'unknown' || f === 'null') return { t: x.t };
        if (f === 'literal' && looksNumeric(x.literal as string)) return { t: 'unknown' };
        this.problem(`cannot apply unary '${e.op}' to ${describe(e.operand, x)}`, e.operand);
        return { t: 'unknown' };
      }
      case 'binary': {
        const l = this.infer(e.left);
        const r = this.infer(e.right);
        switch (e.op) {
          case 'AND':
          case 'OR':
            this.requireBoolean(e.left, l, (d) => `${e.op} expects boolean conditions on both sides, not ${d}`);
            this.requireBoolean(e.right, r, (d) => `${e.op} expects boolean conditions on both sides, not ${d}`);
            return { t: 'bool' };
          case '||':
            // Two lists concatenate into a list; anything else is string concatenation.
            return { t: family(l) === 'tensor' && family(r) === 'tensor' ? 'unknown' : 'string' };
          case '+':
          case '-':
          case '*':
          case '/':
          case '//':
          case '%':
          case '^':
            return { t: this.arithmetic(e.op, e.left, l, e.right, r) };
          default:
            this.requireComparable(e.left, l, e.right, r, e);
            return { t: 'bool' };
        }
      }
      case 'is':
        this.infer(e.operand);
        return { t: 'bool' };
      case 'in': {
        const x = this.infer(e.operand);
        for (const item of e.items) this.requireComparable(e.operand, x, item, this.infer(item), item);
        return { t: 'bool' };
      }
      case 'between': {
        const x = this.infer(e.operand);
        this.requireComparable(e.operand, x, e.low, this.infer(e.low), e.low);
        this.requireComparable(e.operand, x, e.high, this.infer(e.high), e.high);
        return { t: 'bool' };
      }
      case 'like': {
        for (const part of e.escape ? [e.operand, e.pattern, e.escape] : [e.operand, e.pattern]) {
          const x = this.infer(part);
          if (!fits('string', x)) this.problem(`${e.op} expects strings, not ${describe(part, x)}`, part);
        }
        return { t: 'bool' };
      }
      case 'case':
        return this.inferCase(e);
      case 'cast': {
        const x = this.infer(e.operand);
        const target = e.target.resolved;
        if (target === null) {
          this.problem(`unknown type '${e.target.text}'`, e.target);
          return { t: 'unknown' };
        }
        if (family(x) === 'tensor' && target !== 'unknown' && target !== 'string') {
          this.problem(`cannot cast ${describe(e.operand, x)} to ${formatInner(target)}`, e);
          return { t: 'unknown' };
        }
        return { t: target };
      }
      case 'call':
        return this.inferCall(e);
      case 'index': {
        const x = this.infer(e.operand);
        this.infer(e.index);
        const t = x.t;
        if (typeof t !== 'string') return { t: t.shape.length > 1 ? { tensor: t.tensor, shape: t.shape.slice(1) } : t.tensor };
        const f = family(x);
        if (f === 'string' || f === 'literal') return { t: 'string' };
        if (f === 'numeric' || f === 'bool' || f === 'temporal') this.problem(`cannot index ${describe(e.operand, x)}: only lists and strings have elements`, e.operand);
        return { t: 'unknown' };
      }
    }
  }

  private requireBoolean(e: Expr, x: Typed, message: (described: string) => string): void {
    if (!fits('boolean', x)) this.problem(message(describe(e, x)), e);
  }

  private requireComparable(le: Expr, l: Typed, re: Expr, r: Typed, at: { start: number; end: number }): void {
    const a = family(l);
    const b = family(r);
    // DuckDB casts the literal to the number's type, which fails at run time unless it reads as a number.
    const badLiteral = (f: Family, x: Typed, other: Family): boolean => f === 'literal' && other === 'numeric' && !looksNumeric(x.literal as string);
    if (badLiteral(a, l, b) || badLiteral(b, r, a)) {
      this.problem(`cannot compare ${describe(le, l)} with ${describe(re, r)}`, at);
      return;
    }
    const lenient: Family[] = ['unknown', 'null', 'literal'];
    if (lenient.includes(a) || lenient.includes(b) || a === b) return;
    const pair = new Set([a, b]);
    const clash =
      (pair.has('string') && pair.has('numeric')) ||
      (pair.has('temporal') && pair.has('numeric')) ||
      pair.has('tensor');
    if (clash) this.problem(`cannot compare ${describe(le, l)} with ${describe(re, r)}`, at);
  }

  private arithmetic(op: string, le: Expr, l: Typed, re: Expr, r: Typed): Inner {
    const lf = family(l);
    const rf = family(r);
    let bad = false;
    for (const [e, x, f, other] of [[le, l, lf, rf], [re, r, rf, lf]] as const) {
      if (f === 'string' || f === 'bool') {
        this.problem(`cannot apply '${op}' to ${describe(e, x)}`, e);
        bad = true;
      } else if (f === 'tensor') {
        this.problem(`cannot apply '${op}' to ${describe(e, x)}: expressions do not do arithmetic on tensors (normalize scales them)`, e);
        bad = true;
      } else if (f === 'literal' && (other === 'numeric' || other === 'literal') && !looksNumeric(x.literal as string)) {
        this.problem(`cannot apply '${op}' to ${describe(e, x)}, which is not a number`, e);
        bad = true;
      }
    }
    if (bad) return 'unknown';
    if (lf === 'temporal' || rf === 'temporal' || lf === 'interval' || rf === 'interval') return this.dateArithmetic(op, le, l, re, r);
    if (lf === 'unknown' || rf === 'unknown') return 'unknown';
    if (lf === 'null' && rf === 'null') return 'null';
    // A numeric-looking string literal acts as a number of the matching kind.
    const asNumber = (x: Typed, f: Family, other: Typed): Inner =>
      f === 'null' ? asNumber(other, family(other), x) : f === 'literal' ? (/^\s*[+-]?\d+\s*$/.test(x.literal as string) ? 'int64' : 'float64') : x.t;
    const a = asNumber(l, lf, r);
    const b = asNumber(r, rf, l);
    if (a === 'null' || b === 'null') return 'unknown';
    if (op === '/' || op === '^') return 'float64';
    return isFloat(a) || isFloat(b) ? 'float64' : 'int64';
  }

  /** DATE ± integer is a DATE, DATE − DATE a day count, anything with an INTERVAL a TIMESTAMP or INTERVAL. */
  private dateArithmetic(op: string, le: Expr, l: Typed, re: Expr, r: Typed): Inner {
    const a = l.t;
    const b = r.t;
    const temporal = (t: Inner): boolean => t === 'date' || t === 'timestamp';
    const integer = (t: Inner): boolean => typeof t === 'string' && isIntegerType(t as ColumnType);
    if (op === '+' || op === '-') {
      if (a === 'date' && integer(b)) return 'date';
      if (op === '+' && integer(a) && b === 'date') return 'date';
      if (op === '-' && a === 'date' && b === 'date') return 'int64';
      if (op === '-' && a === 'timestamp' && b === 'timestamp') return 'interval';
      if (temporal(a) && b === 'interval') return 'timestamp';
      if (op === '+' && a === 'interval' && temporal(b)) return 'timestamp';
      if (a === 'interval' && b === 'interval') return 'interval';
      if (temporal(a) && b === 'null') return a;
      return 'unknown';
    }
    for (const [e, x] of [[le, l], [re, r]] as const) {
      if (temporal(x.t)) {
        this.problem(`cannot apply '${op}' to ${describe(e, x)}`, e);
        return 'unknown';
      }
    }
    if ((op === '*' && (a === 'interval' || b === 'interval')) || (op === '/' && a === 'interval')) return 'interval';
    return 'unknown';
  }

  private inferCase(e: Expr & { kind: 'case' }): Typed {
    const operand = e.operand;
    const x = operand ? this.infer(operand) : undefined;
    const branches: { e: Expr; x: Typed }[] = [];
    for (const w of e.whens) {
      const c = this.infer(w.when);
      if (operand && x) this.requireComparable(operand, x, w.when, c, w.when);
      else this.requireBoolean(w.when, c, (d) => `a WHEN condition must be boolean, not ${d}`);
      branches.push({ e: w.then, x: this.infer(w.then) });
    }
    if (e.else) branches.push({ e: e.else, x: this.infer(e.else) });
    else branches.push({ e, x: { t: 'null' } });
    return { t: this.unify(branches, (a, b) => `CASE branches have incompatible types: ${a} and ${b}`) };
  }

  /**
   * The common type of several values (CASE branches, coalesce arguments). NULLs and string literals
   * adapt to the others; an unknown makes the result unknown, though clashes among the rest still show.
   */
  private unify(items: { e: Expr; x: Typed }[], message: (a: string, b: string) => string): Inner {
    let acc: Inner | undefined;
    let unknown = false;
    const literals: { e: Expr; x: Typed }[] = [];
    let clashed = false;
    for (const { e, x } of items) {
      if (x.t === 'unknown') unknown = true;
      else if (x.t === 'null') continue;
      else if (x.literal !== undefined) literals.push({ e, x });
      else if (acc === undefined) acc = x.t;
      else {
        const joined = join(acc, x.t);
        if (joined === null) {
          if (!clashed) this.problem(message(formatInner(acc), formatInner(x.t)), e);
          clashed = true;
        } else acc = joined;
      }
    }
    // String literals take the others' type; for a number that fails at run time unless they read as one.
    const notNumber = literals.find(({ x }) => !looksNumeric(x.literal as string));
    if (acc !== undefined && !clashed && isNumericType(acc as ColumnType) && notNumber) {
      this.problem(message(formatInner(acc), `${describe(notNumber.e, notNumber.x)}`), notNumber.e);
      clashed = true;
    }
    if (unknown || clashed) return 'unknown';
    return acc ?? (literals.length > 0 ? 'string' : 'null');
  }

  private inferCall(e: Expr & { kind: 'call' }): Typed {
    const args = e.args.map((a) => ({ e: a, x: this.infer(a) }));
    const info = lookupFunction(e.name);
    if (info === undefined) return { t: 'unknown' };
    const name = e.name.toLowerCase();
    if (info.kind !== 'scalar') {
      const what = info.kind === 'aggregate' ? 'an aggregate' : 'a window function';
      this.problem(
        `${name}() is ${what}, which is not allowed here: filter and derive work on one row at a time; use a sql step${info.kind === 'aggregate' ? ' with GROUP BY' : ''}`,
        e,
      );
      return { t: 'unknown' };
    }
    if (e.star) {
      this.problem(`'*' is only allowed in count(*)`, e);
      return { t: 'unknown' };
    }
    if (args.length < info.min || args.length > info.max) {
      this.problem(`${name}() takes ${arity(info)}, got ${args.length}`, e);
      return { t: 'unknown' };
    }
    args.forEach(({ e: arg, x }, i) => {
      const kind = info.args[Math.min(i, info.args.length - 1)] ?? 'any';
      if (!fits(kind, x)) this.problem(`${name}() expects ${KIND_PHRASES[kind]} as argument ${i + 1}, not ${describe(arg, x)}`, arg);
    });
    return { t: this.callResult(name, info, args) };
  }

  private callResult(name: string, info: ScalarFunction, args: { e: Expr; x: Typed }[]): Inner {
    const incompatible = (a: string, b: string): string => `${name}() arguments have incompatible types: ${a} and ${b}`;
    switch (info.returns) {
      case 'arg0':
      case 'arg1': {
        const i = info.returns === 'arg0' ? 0 : 1;
        const arg = args[i];
        if (!arg) return 'unknown';
        // A string literal passed where a number or date is expected is cast to something unknown.
        if (arg.x.literal !== undefined) return info.args[i] === 'string' || info.args[i] === 'any' ? 'string' : 'unknown';
        return arg.x.t;
      }
      case 'common':
        return this.unify(args, incompatible);
      case 'common-after-first':
        return this.unify(args.slice(1), incompatible);
      case 'arithmetic': {
        const [a, b] = args;
        if (!a || !b || a.x.literal !== undefined || b.x.literal !== undefined) return 'unknown';
        if (family(a.x) !== 'numeric' || family(b.x) !== 'numeric') return 'unknown';
        return isFloat(a.x.t) || isFloat(b.x.t) ? 'float64' : 'int64';
      }
      default:
        return info.returns;
    }
  }
}

function arity(info: ScalarFunction): string {
  const plural = (n: number): string => (n === 1 ? 'argument' : 'arguments');
  if (info.max === Number.POSITIVE_INFINITY) return `at least ${info.min} ${plural(info.min)}`;
  if (info.min === info.max) return `${info.min} ${plural(info.min)}`;
  return `${info.min} to ${info.max} arguments`;
}

/** DuckDB types an integer literal INTEGER when it fits in 32 bits, BIGINT when it needs more. */
function integerLiteralType(text: string): ColumnType {
  const digits = text.replace(/_/g, '');
  if (digits.length < 10) return 'int32';
  const v = BigInt(digits);
  if (v <= 2147483647n) return 'int32';
  if (v <= 9223372036854775807n) return 'int64';
  return 'float64';
}

function publicType(t: Inner): InferResult['type'] {
  return t === 'interval' ? 'unknown' : t;
}

/** The type of an expression over the given columns, and every unknown column or clear type mistake in it. */
export function inferType(ast: Expr, columns: ReadonlyMap<string, ColumnType>): InferResult {
  const inferrer = new Inferrer(columns);
  const t = inferrer.infer(ast).t;
  return { type: publicType(t), problems: inferrer.problems };
}

/**
 * inferType for an expression that must be a condition (a `filter:`): additionally a problem when the
 * result is clearly not boolean, e.g. `price * 2`. NULL and unknown types pass.
 */
export function checkBoolean(ast: Expr, columns: ReadonlyMap<string, ColumnType>, what = 'a filter'): InferResult {
  const result = inferType(ast, columns);
  const t = result.type;
  if (t !== 'bool' && t !== 'unknown' && t !== 'null') {
    result.problems.push({ kind: 'type', message: `${what} must be a true/false condition, but this expression is ${formatColumnType(t)}`, start: ast.start, end: ast.end });
  }
  return result;
}
