// Renders a parsed expression fully parenthesised, so tests can state precedence and structure compactly.
import assert from 'node:assert/strict';
import type { Expr } from '../../../compiler/sql/index.js';
import { parseExpression } from '../../../compiler/sql/index.js';

export function print(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return e.text;
    case 'string':
      return `'${e.value}'`;
    case 'boolean':
      return e.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    case 'typed-literal':
      return `${e.type.toUpperCase()} '${e.value}'`;
    case 'interval':
      return `INTERVAL ${print(e.value)}${e.unit ? ` ${e.unit}` : ''}`;
    case 'column':
      return e.quoted ? `"${e.name}"` : e.name;
    case 'paren':
      return print(e.inner);
    case 'unary':
      return `(${e.op}${e.op === 'NOT' ? ' ' : ''}${print(e.operand)})`;
    case 'binary':
      return `(${print(e.left)} ${e.op} ${print(e.right)})`;
    case 'is':
      return `(${print(e.operand)} IS ${e.negated ? 'NOT ' : ''}${e.test})`;
    case 'in':
      return `(${print(e.operand)} ${e.negated ? 'NOT ' : ''}IN [${e.items.map(print).join(', ')}])`;
    case 'between':
      return `(${print(e.operand)} ${e.negated ? 'NOT ' : ''}BETWEEN ${print(e.low)} AND ${print(e.high)})`;
    case 'like':
      return `(${print(e.operand)} ${e.negated ? 'NOT ' : ''}${e.op} ${print(e.pattern)}${e.escape ? ` ESCAPE ${print(e.escape)}` : ''})`;
    case 'case': {
      const parts = ['CASE'];
      if (e.operand) parts.push(print(e.operand));
      for (const w of e.whens) parts.push(`WHEN ${print(w.when)} THEN ${print(w.then)}`);
      if (e.else) parts.push(`ELSE ${print(e.else)}`);
      return `(${parts.join(' ')} END)`;
    }
    case 'cast':
      return `(${print(e.operand)}::${e.target.text})`;
    case 'call':
      return `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.star ? '*' : e.args.map(print).join(', ')})`;
    case 'index':
      return `${print(e.operand)}[${print(e.index)}]`;
  }
}

/** Parses text that must be valid and returns the parse tree. */
export function parse(text: string): Expr {
  const r = parseExpression(text);
  if (!r.ok) assert.fail(`${JSON.stringify(text)} failed to parse: ${r.error.message} at ${r.error.start}-${r.error.end}`);
  return r.ast;
}

/** Parses text that must be valid and prints the tree. */
export function shape(text: string): string {
  return print(parse(text));
}

/** Parses text that must be invalid and returns the error. */
export function parseError(text: string): { message: string; start: number; end: number } {
  const r = parseExpression(text);
  if (r.ok) assert.fail(`${JSON.stringify(text)} parsed but should not have: ${print(r.ast)}`);
  return r.error;
}
