/**
 * Parser for the SQL expressions of `filter:` and `derive:` (a DuckDB subset), with PostgreSQL's
 * operator precedence, lowest first:
 *   OR · AND · NOT · IS / ISNULL / NOTNULL · comparisons (non-associative) ·
 *   IN / BETWEEN / LIKE / ILIKE / GLOB · || · + - · * / // % · ^ ** · unary + - · :: and [ ]
 * Precedence climbing keeps the recursion to a few frames per nesting level, and both the recursion and
 * the depth of the resulting tree are capped, so no input can overflow the stack of this parser or of
 * the tree walkers that run after it.
 */
import type { BinaryOp, Call, Case, Expr, TypeName } from './ast.js';
import { children } from './ast.js';
import { excerpt, tokenize, type SqlError, type Token } from './tokenizer.js';
import { resolveTypeName, TYPE_CONTINUATIONS } from './type-names.js';

export type ParseResult = { ok: true; ast: Expr } | { ok: false; error: SqlError };

/** Nesting of parentheses, prefix operators, CASE, calls… beyond which an expression is refused. */
export const MAX_NESTING = 200;
/** Depth of the tree (long `a + b + c + …` chains nest too) beyond which an expression is refused. */
export const MAX_TREE_DEPTH = 1000;

const PREC = { or: 1, and: 2, not: 3, is: 4, cmp: 5, like: 6, other: 7, add: 8, mul: 9, pow: 10, unary: 11, postfix: 12 } as const;

const COMPARISON_OPS: Readonly<Record<string, BinaryOp>> = { '=': '=', '==': '=', '!=': '<>', '<>': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const ARITHMETIC_OPS: Readonly<Record<string, { op: BinaryOp; prec: number }>> = {
  '||': { op: '||', prec: PREC.other },
  '+': { op: '+', prec: PREC.add },
  '-': { op: '-', prec: PREC.add },
  '*': { op: '*', prec: PREC.mul },
  '/': { op: '/', prec: PREC.mul },
  '//': { op: '//', prec: PREC.mul },
  '%': { op: '%', prec: PREC.mul },
  '^': { op: '^', prec: PREC.pow },
  '**': { op: '^', prec: PREC.pow },
};
const PATTERN_KEYWORDS = new Set(['IN', 'BETWEEN', 'LIKE', 'ILIKE', 'GLOB']);

/** Words that cannot name a column without quotes (PostgreSQL's reserved words, plus DuckDB's GLOB and QUALIFY). */
const RESERVED = new Set([
  'ALL', 'ANALYSE', 'ANALYZE', 'AND', 'ANY', 'ARRAY', 'AS', 'ASC', 'ASYMMETRIC', 'BETWEEN', 'BOTH', 'CASE', 'CAST',
  'CHECK', 'COLLATE', 'COLUMN', 'CONSTRAINT', 'CREATE', 'DEFAULT', 'DEFERRABLE', 'DESC', 'DISTINCT', 'DO', 'ELSE',
  'END', 'ESCAPE', 'EXCEPT', 'FALSE', 'FETCH', 'FOR', 'FOREIGN', 'FROM', 'GLOB', 'GRANT', 'GROUP', 'HAVING', 'ILIKE',
  'IN', 'INITIALLY', 'INTERSECT', 'INTO', 'IS', 'ISNULL', 'LATERAL', 'LEADING', 'LIKE', 'LIMIT', 'NOT', 'NOTNULL',
  'NULL', 'OFFSET', 'ON', 'ONLY', 'OR', 'ORDER', 'PLACING', 'PRIMARY', 'QUALIFY', 'REFERENCES', 'RETURNING',
  'SELECT', 'SOME', 'SYMMETRIC', 'TABLE', 'THEN', 'TO', 'TRAILING', 'TRUE', 'UNION', 'UNIQUE', 'USING', 'VARIADIC',
  'WHEN', 'WHERE', 'WINDOW', 'WITH',
]);

/** Reserved words that only ever continue an expression: seeing one where a value belongs means a value is missing. */
const STRUCTURAL = new Set(['AND', 'OR', 'IS', 'ISNULL', 'NOTNULL', 'IN', 'BETWEEN', 'LIKE', 'ILIKE', 'GLOB', 'WHEN', 'THEN', 'ELSE', 'END', 'AS', 'ESCAPE', 'FROM', 'DISTINCT']);

/** SQL's niladic functions, written without parentheses. */
const BARE_FUNCTIONS = new Set(['CURRENT_DATE', 'CURRENT_TIMESTAMP', 'CURRENT_TIME', 'LOCALTIMESTAMP', 'LOCALTIME']);

const INTERVAL_UNITS = new Set(
  ['year', 'month', 'day', 'hour', 'minute', 'second', 'millisecond', 'microsecond', 'week', 'quarter', 'decade', 'century', 'millennium']
    .flatMap((u) => [u.toUpperCase(), `${u.toUpperCase()}S`])
    .concat(['CENTURIES', 'MILLENNIA']),
);

const SUBQUERY_MESSAGE = 'subqueries are not supported in filter and derive expressions; use a sql step';

/** Thrown inside the parser only; parseExpression turns it into a result. */
class SyntaxFailure {
  constructor(readonly error: SqlError) {}
}

class Parser {
  private pos = 0;
  private nesting = 0;
  private readonly depths = new WeakMap<Expr, number>();

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Expr {
    if (this.peek().kind === 'eof') this.fail('empty expression', 0, this.text.length);
    const e = this.parseExpr(0);
    const t = this.peek();
    if (t.kind !== 'eof') this.trailing(t);
    return e;
  }

  // ---- token helpers ----

  private peek(k = 0): Token {
    const i = Math.min(this.pos + k, this.tokens.length - 1);
    return this.tokens[i] as Token;
  }
  private advance(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  private previous(): Token | undefined {
    return this.pos > 0 ? this.tokens[this.pos - 1] : undefined;
  }
  private isKw(t: Token, ...words: string[]): boolean {
    return t.kind === 'ident' && words.includes(t.upper);
  }
  private isOp(t: Token, op: string): boolean {
    return t.kind === 'op' && t.value === op;
  }
  private raw(t: Token): string {
    return this.text.slice(t.start, t.end);
  }
  private show(t: Token): string {
    if (t.kind === 'eof') return 'end of expression';
    if (t.kind === 'string') return `the string ${excerpt(this.raw(t))}`;
    return `'${excerpt(this.raw(t))}'`;
  }

  private fail(message: string, start: number, end: number): never {
    throw new SyntaxFailure({ message, start, end });
  }
  /**
   * "expected X, found Y". At the end of the text the range is empty and sits right after the last
   * token, where the missing piece belongs.
   */
  private expected(what: string, t: Token): never {
    if (t.kind === 'eof') {
      const end = this.tokens.length > 1 ? (this.tokens[this.tokens.length - 2] as Token).end : 0;
      this.fail(`${what}, found end of expression`, end, end);
    }
    this.fail(`${what}, found ${this.show(t)}`, t.start, t.end);
  }
  private expectOp(op: string, what: string): Token {
    const t = this.peek();
    if (!this.isOp(t, op)) this.expected(what, t);
    return this.advance();
  }
  private expectKw(word: string, what: string): Token {
    const t = this.peek();
    if (!this.isKw(t, word)) this.expected(what, t);
    return this.advance();
  }
  private closeParen(open: Token, what = `expected ')' to close '(' opened at ${open.start}`): Token {
    return this.expectOp(')', what);
  }

  /** Registers a finished node, refusing trees deep enough to endanger recursive walkers. */
  private node<T extends Expr>(n: T): T {
    let depth = 0;
    for (const c of children(n)) depth = Math.max(depth, this.depths.get(c) ?? 0);
    if (depth + 1 > MAX_TREE_DEPTH) {
      this.fail(`expression is too deeply nested (more than ${MAX_TREE_DEPTH} levels); split it into several derive steps`, n.start, n.end);
    }
    this.depths.set(n, depth + 1);
    return n;
  }

  // ---- expressions ----

  private parseExpr(minPrec: number): Expr {
    if (this.nesting >= MAX_NESTING) {
      const t = this.peek();
      this.fail(`expression is nested too deeply (more than ${MAX_NESTING} levels)`, t.start, t.end);
    }
    this.nesting++;
    try {
      let left = this.parsePrefix();
      // Comparisons and LIKE are non-associative, as in PostgreSQL and DuckDB: `a < b < c` is an error.
      let lastNonAssoc = 0;
      for (;;) {
        const t = this.peek();
        const prec = this.infixPrecedence(t);
        if (prec === 0 || prec < minPrec) break;
        const nonAssoc = this.isNonAssociative(t);
        if (nonAssoc && lastNonAssoc === prec) {
          const what = prec === PREC.cmp ? 'comparisons cannot be chained' : `'${this.raw(t)}' cannot follow another pattern match`;
          this.fail(`${what}; combine them with AND or add parentheses`, t.start, t.end);
        }
        left = this.parseInfix(left, prec);
        lastNonAssoc = nonAssoc ? prec : 0;
      }
      return left;
    } finally {
      this.nesting--;
    }
  }

  private infixPrecedence(t: Token): number {
    if (t.kind === 'op') {
      if (Object.hasOwn(COMPARISON_OPS, t.value)) return PREC.cmp;
      const arith = ARITHMETIC_OPS[t.value];
      if (arith) return arith.prec;
      if (t.value === '::' || t.value === '[') return PREC.postfix;
      return 0;
    }
    if (t.kind !== 'ident') return 0;
    switch (t.upper) {
      case 'OR':
        return PREC.or;
      case 'AND':
        return PREC.and;
      case 'IS':
      case 'ISNULL':
      case 'NOTNULL':
        return PREC.is;
      case 'IN':
      case 'BETWEEN':
      case 'LIKE':
      case 'ILIKE':
      case 'GLOB':
        return PREC.like;
      case 'NOT':
        return PATTERN_KEYWORDS.has(this.peek(1).upper) ? PREC.like : 0;
      default:
        return 0;
    }
  }

  private isNonAssociative(t: Token): boolean {
    if (t.kind === 'op') return Object.hasOwn(COMPARISON_OPS, t.value);
    const word = t.upper === 'NOT' ? this.peek(1).upper : t.upper;
    return word === 'LIKE' || word === 'ILIKE' || word === 'GLOB';
  }

  private parseInfix(left: Expr, prec: number): Expr {
    const t = this.advance();
    if (t.kind === 'op') {
      if (t.value === '::') {
        const target = this.parseTypeName(t);
        return this.node({ kind: 'cast', syntax: '::', operand: left, target, start: left.start, end: target.end });
      }
      if (t.value === '[') {
        const index = this.parseExpr(0);
        const close = this.expectOp(']', `expected ']' to close '[' opened at ${t.start}`);
        return this.node({ kind: 'index', operand: left, index, start: left.start, end: close.end });
      }
      const op = COMPARISON_OPS[t.value] ?? (ARITHMETIC_OPS[t.value] as { op: BinaryOp }).op;
      // Left-associative: the right operand only takes operators that bind tighter.
      const right = this.parseExpr(prec + 1);
      return this.node({ kind: 'binary', op, left, right, opStart: t.start, opEnd: t.end, start: left.start, end: right.end });
    }
    switch (t.upper) {
      case 'OR':
      case 'AND': {
        const right = this.parseExpr(prec + 1);
        return this.node({ kind: 'binary', op: t.upper, left, right, opStart: t.start, opEnd: t.end, start: left.start, end: right.end });
      }
      case 'ISNULL':
      case 'NOTNULL':
        return this.node({ kind: 'is', operand: left, negated: t.upper === 'NOTNULL', test: 'NULL', start: left.start, end: t.end });
      case 'IS':
        return this.parseIs(left, t);
      case 'NOT':
        return this.parsePattern(left, this.advance(), true);
      default:
        return this.parsePattern(left, t, false);
    }
  }

  private parseIs(left: Expr, isTok: Token): Expr {
    const negated = this.isKw(this.peek(), 'NOT');
    if (negated) this.advance();
    const t = this.peek();
    const written = negated ? 'IS NOT' : 'IS';
    if (this.isKw(t, 'NULL', 'TRUE', 'FALSE', 'UNKNOWN')) {
      this.advance();
      // `IS UNKNOWN` is the SQL standard's spelling of IS NULL for booleans.
      const test = t.upper === 'UNKNOWN' ? 'NULL' : (t.upper as 'NULL' | 'TRUE' | 'FALSE');
      return this.node({ kind: 'is', operand: left, negated, test, start: left.start, end: t.end });
    }
    if (this.isKw(t, 'DISTINCT')) {
      this.advance();
      this.expectKw('FROM', `expected FROM after '${written} DISTINCT'`);
      const right = this.parseExpr(PREC.is + 1);
      const op = negated ? 'IS NOT DISTINCT FROM' : 'IS DISTINCT FROM';
      return this.node({ kind: 'binary', op, left, right, opStart: isTok.start, opEnd: right.start, start: left.start, end: right.end });
    }
    this.expected(`expected NULL, TRUE, FALSE or DISTINCT FROM after '${written}'`, t);
  }

  /** IN / BETWEEN / LIKE / ILIKE / GLOB, `kw` already consumed (after NOT when negated). */
  private parsePattern(left: Expr, kw: Token, negated: boolean): Expr {
    switch (kw.upper) {
      case 'IN': {
        const open = this.peek();
        if (!this.isOp(open, '(')) this.expected(`expected '(' and a list of values after ${negated ? 'NOT IN' : 'IN'}`, open);
        this.advance();
        if (this.isKw(this.peek(), 'SELECT', 'WITH')) this.fail(SUBQUERY_MESSAGE, this.peek().start, this.peek().end);
        if (this.isOp(this.peek(), ')')) this.expected(`expected at least one value in the IN list`, this.peek());
        const items: Expr[] = [];
        for (;;) {
          items.push(this.parseExpr(0));
          if (!this.isOp(this.peek(), ',')) break;
          this.advance();
        }
        const close = this.closeParen(open, `expected ',' or ')' to close '(' opened at ${open.start}`);
        return this.node({ kind: 'in', operand: left, negated, items, start: left.start, end: close.end });
      }
      case 'BETWEEN': {
        // The bounds cannot themselves contain AND, so they are parsed above the boolean operators.
        const low = this.parseExpr(PREC.other);
        this.expectKw('AND', `expected AND between the bounds of ${negated ? 'NOT BETWEEN' : 'BETWEEN'}`);
        const high = this.parseExpr(PREC.other);
        return this.node({ kind: 'between', operand: left, negated, low, high, start: left.start, end: high.end });
      }
      default: {
        const op = kw.upper as 'LIKE' | 'ILIKE' | 'GLOB';
        const pattern = this.parseExpr(PREC.other);
        let escape: Expr | undefined;
        if (this.isKw(this.peek(), 'ESCAPE')) {
          this.advance();
          escape = this.parseExpr(PREC.other);
        }
        const end = (escape ?? pattern).end;
        return this.node(escape ? { kind: 'like', op, operand: left, negated, pattern, escape, start: left.start, end } : { kind: 'like', op, operand: left, negated, pattern, start: left.start, end });
      }
    }
  }

  private parsePrefix(): Expr {
    const t = this.peek();
    if (t.kind === 'eof') {
      const prev = this.previous();
      if (!prev) this.fail('empty expression', 0, this.text.length);
      this.fail(`unexpected end of expression after '${excerpt(this.raw(prev))}'`, prev.start, prev.end);
    }
    switch (t.kind) {
      case 'number': {
        this.advance();
        const digits = t.value.replace(/_/g, '');
        return this.node({ kind: 'number', text: t.value, value: Number(digits), integer: /^[0-9]+$/.test(digits), start: t.start, end: t.end });
      }
      case 'string':
        this.advance();
        return this.node({ kind: 'string', value: t.value, start: t.start, end: t.end });
      case 'param':
        return this.fail(`parameters such as ${this.raw(t)} are not supported in expressions`, t.start, t.end);
      case 'quoted-ident':
        this.advance();
        if (this.isOp(this.peek(), '(')) return this.parseCall(t);
        return this.columnRef(t, true);
      case 'ident':
        return this.parseWord(t);
      case 'op':
        if (t.value === '(') return this.parseParen();
        if (t.value === '-' || t.value === '+') {
          this.advance();
          const operand = this.parseExpr(PREC.unary);
          return this.node({ kind: 'unary', op: t.value, operand, start: t.start, end: operand.end });
        }
        break;
    }
    const prev = this.previous();
    const where = prev ? ` after '${excerpt(this.raw(prev))}'` : '';
    this.fail(`expected an expression${where}, found ${this.show(t)}`, t.start, t.end);
  }

  private parseParen(): Expr {
    const open = this.advance();
    if (this.isKw(this.peek(), 'SELECT', 'WITH')) this.fail(SUBQUERY_MESSAGE, this.peek().start, this.peek().end);
    const inner = this.parseExpr(0);
    const close = this.closeParen(open);
    return this.node({ kind: 'paren', inner, start: open.start, end: close.end });
  }

  /** A plain word in value position: a literal keyword, a special form, a function call or a column. */
  private parseWord(t: Token): Expr {
    const next = this.peek(1);
    const callFollows = this.isOp(next, '(');
    switch (t.upper) {
      case 'NULL':
        this.advance();
        return this.node({ kind: 'null', start: t.start, end: t.end });
      case 'TRUE':
      case 'FALSE':
        this.advance();
        return this.node({ kind: 'boolean', value: t.upper === 'TRUE', start: t.start, end: t.end });
      case 'NOT': {
        this.advance();
        const operand = this.parseExpr(PREC.not);
        return this.node({ kind: 'unary', op: 'NOT', operand, start: t.start, end: operand.end });
      }
      case 'CASE':
        return this.parseCase();
      case 'CAST':
      case 'TRY_CAST':
        return this.parseCast();
      case 'INTERVAL':
        return this.parseInterval();
      case 'DATE':
      case 'TIMESTAMP':
        if (next.kind === 'string') {
          this.advance();
          this.advance();
          return this.node({ kind: 'typed-literal', type: t.upper === 'DATE' ? 'date' : 'timestamp', value: next.value, start: t.start, end: next.end });
        }
        break;
      case 'EXTRACT':
        if (callFollows) return this.parseExtract();
        break;
      case 'EXISTS':
      case 'SELECT':
        return this.fail(SUBQUERY_MESSAGE, t.start, t.end);
      case 'ANY':
      case 'ALL':
      case 'SOME':
        if (callFollows) this.fail(`${t.upper} (…) is not supported here; use IN (…)`, t.start, t.end);
        break;
    }
    if (BARE_FUNCTIONS.has(t.upper) && !callFollows) {
      this.advance();
      return this.node({ kind: 'call', name: t.value.toLowerCase(), nameStart: t.start, nameEnd: t.end, args: [], star: false, distinct: false, start: t.start, end: t.end });
    }
    if (STRUCTURAL.has(t.upper)) {
      const prev = this.previous();
      this.fail(`expected an expression${prev ? ` after '${excerpt(this.raw(prev))}'` : ''}, found ${this.show(t)}`, t.start, t.end);
    }
    if (RESERVED.has(t.upper)) {
      this.fail(`'${t.value}' is a reserved word; to use it as a column name, quote it: "${t.value}"`, t.start, t.end);
    }
    this.advance();
    if (callFollows) return this.parseCall(t);
    return this.columnRef(t, false);
  }

  private columnRef(t: Token, quoted: boolean): Expr {
    const dot = this.peek();
    if (this.isOp(dot, '.')) {
      const after = this.peek(1);
      const end = after.kind === 'ident' || after.kind === 'quoted-ident' ? after.end : dot.end;
      this.fail(`qualified names such as '${excerpt(this.text.slice(t.start, end))}' are not supported here; name the column alone`, t.start, end);
    }
    return this.node({ kind: 'column', name: t.value, quoted, start: t.start, end: t.end });
  }

  private parseCall(nameTok: Token): Call {
    const open = this.advance();
    const args: Expr[] = [];
    let star = false;
    let distinct = false;
    let close: Token;
    if (this.isOp(this.peek(), ')')) {
      close = this.advance();
    } else if (this.isOp(this.peek(), '*') && this.isOp(this.peek(1), ')')) {
      this.advance();
      star = true;
      close = this.advance();
    } else {
      if (this.isKw(this.peek(), 'DISTINCT', 'ALL')) distinct = this.advance().upper === 'DISTINCT';
      for (;;) {
        args.push(this.parseExpr(0));
        const t = this.peek();
        if (this.isOp(t, ',')) {
          this.advance();
          continue;
        }
        close = this.closeParen(open, `expected ',' or ')' to close '(' opened at ${open.start}`);
        break;
      }
    }
    return this.node({ kind: 'call', name: nameTok.value, nameStart: nameTok.start, nameEnd: nameTok.end, args, star, distinct, start: nameTok.start, end: close.end });
  }

  private parseCase(): Expr {
    const caseTok = this.advance();
    const operand = this.isKw(this.peek(), 'WHEN') ? undefined : this.parseExpr(0);
    if (!this.isKw(this.peek(), 'WHEN')) this.expected(`expected WHEN after ${operand ? 'the CASE value' : 'CASE'}`, this.peek());
    const whens: { when: Expr; then: Expr }[] = [];
    while (this.isKw(this.peek(), 'WHEN')) {
      this.advance();
      const when = this.parseExpr(0);
      this.expectKw('THEN', 'expected THEN after the WHEN condition');
      const then = this.parseExpr(0);
      whens.push({ when, then });
    }
    let elseExpr: Expr | undefined;
    if (this.isKw(this.peek(), 'ELSE')) {
      this.advance();
      elseExpr = this.parseExpr(0);
    }
    const end = this.expectKw('END', `expected ${elseExpr ? '' : 'WHEN, ELSE or '}END to close the CASE opened at ${caseTok.start}`);
    const node: Case = { kind: 'case', whens, start: caseTok.start, end: end.end };
    if (operand) node.operand = operand;
    if (elseExpr) node.else = elseExpr;
    return this.node(node);
  }

  private parseCast(): Expr {
    const kw = this.advance();
    const open = this.expectOp('(', `expected '(' after ${kw.upper}`);
    const operand = this.parseExpr(0);
    const as = this.expectKw('AS', `expected AS and a type name in ${kw.upper}(… AS type)`);
    const target = this.parseTypeName(as);
    const close = this.closeParen(open);
    return this.node({ kind: 'cast', syntax: kw.upper as 'CAST' | 'TRY_CAST', operand, target, start: kw.start, end: close.end });
  }

  /** A type name after `::` or AS: one to four words, an optional (precision, scale), optional `[]` suffixes. */
  private parseTypeName(after: Token): TypeName {
    const first = this.peek();
    if (first.kind !== 'ident') this.expected(`expected a type name after '${this.raw(after)}'`, first);
    this.advance();
    const words = [first.value.toLowerCase()];
    let end = first.end;
    for (const continuation of TYPE_CONTINUATIONS.get(words[0] as string) ?? []) {
      if (continuation.every((w, k) => this.peek(k).kind === 'ident' && this.peek(k).value.toLowerCase() === w)) {
        for (const w of continuation) {
          words.push(w);
          end = this.advance().end;
        }
        break;
      }
    }
    if (this.isOp(this.peek(), '(')) {
      const open = this.advance();
      while (this.peek().kind === 'number' || this.isOp(this.peek(), ',')) this.advance();
      end = this.closeParen(open).end;
    }
    let array = false;
    while (this.isOp(this.peek(), '[')) {
      const open = this.advance();
      if (this.peek().kind === 'number') this.advance();
      end = this.expectOp(']', `expected ']' to close '[' opened at ${open.start}`).end;
      array = true;
    }
    const base = words.join(' ');
    const resolved = resolveTypeName(base);
    // A list of a known type is a real type that no scalar column type describes.
    return { text: array ? `${base}[]` : base, resolved: array && resolved !== null ? 'unknown' : resolved, start: first.start, end };
  }

  private parseInterval(): Expr {
    const kw = this.advance();
    const t = this.peek();
    let value: Expr;
    if (t.kind === 'string' || t.kind === 'number') value = this.parsePrefix();
    else if (this.isOp(t, '(')) value = this.parseParen();
    else this.expected(`expected a string, a number or a parenthesized value after INTERVAL`, t);
    const unitTok = this.peek();
    if (unitTok.kind === 'ident' && INTERVAL_UNITS.has(unitTok.upper)) {
      this.advance();
      return this.node({ kind: 'interval', value, unit: unitTok.upper.toLowerCase(), start: kw.start, end: unitTok.end });
    }
    if (value.kind !== 'string') this.expected(`expected a unit such as DAY or HOUR after INTERVAL ${excerpt(this.text.slice(value.start, value.end))}`, unitTok);
    return this.node({ kind: 'interval', value, start: kw.start, end: value.end });
  }

  /** `EXTRACT(part FROM x)`, kept as the call extract('part', x). */
  private parseExtract(): Expr {
    const kw = this.advance();
    const open = this.advance();
    const part = this.peek();
    if (part.kind !== 'ident' && part.kind !== 'string') this.expected(`expected a date part such as year after 'EXTRACT('`, part);
    this.advance();
    const partNode = this.node({ kind: 'string', value: part.value.toLowerCase(), start: part.start, end: part.end });
    this.expectKw('FROM', `expected FROM in EXTRACT(${excerpt(this.raw(part))} FROM …)`);
    const source = this.parseExpr(0);
    const close = this.closeParen(open);
    return this.node({ kind: 'call', name: 'extract', nameStart: kw.start, nameEnd: kw.end, args: [partNode, source], star: false, distinct: false, start: kw.start, end: close.end });
  }

  /** A token left over after a complete expression. */
  private trailing(t: Token): never {
    if (this.isOp(t, ')')) this.fail(`unmatched ')'`, t.start, t.end);
    if (this.isOp(t, ',')) this.fail(`unexpected ',': the expression must be a single value`, t.start, t.end);
    if (this.isKw(t, 'OVER')) this.fail('window functions (OVER …) are not supported in filter and derive expressions; use a sql step', t.start, t.end);
    if (this.isKw(t, 'FILTER')) this.fail('aggregate FILTER clauses are not supported in filter and derive expressions; use a sql step', t.start, t.end);
    if (this.isKw(t, 'AS')) this.fail(`aliases (AS …) are not allowed here: the derive key names the new column`, t.start, t.end);
    if (this.isKw(t, 'NOT')) {
      this.advance();
      this.expected(`expected IN, BETWEEN, LIKE, ILIKE or GLOB after 'NOT'`, this.peek());
    }
    if (this.isOp(t, ';')) this.fail(`unexpected ';': an expression is not a statement`, t.start, t.end);
    if (t.kind === 'op') this.fail(`operator ${this.show(t)} is not supported in filter and derive expressions`, t.start, t.end);
    this.fail(`unexpected ${this.show(t)} after a complete expression; is an operator missing?`, t.start, t.end);
  }
}

/** Parses one expression. Never throws: every failure, however malformed the text, is an error result. */
export function parseExpression(text: string): ParseResult {
  const lexed = tokenize(text);
  if (!lexed.ok) return lexed;
  try {
    return { ok: true, ast: new Parser(text, lexed.tokens).parse() };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { ok: false, error: e.error };
    throw e;
  }
}
