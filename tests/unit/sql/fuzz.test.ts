// Random and mutated inputs: the front end must never throw, never hang, and keep every reported range
// inside the text. The generator is seeded, so a failure reproduces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ColumnType } from '../../../compiler/spec/columns.js';
import { checkBoolean, columnRefs, extractTableRefs, inferType, parseExpression } from '../../../compiler/sql/index.js';

/** mulberry32: small, fast, good enough to spread inputs around. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const columns = new Map<string, ColumnType>([
  ['price', 'float64'], ['qty', 'int32'], ['name', 'string'], ['d', 'date'], ['ts', 'timestamp'], ['ok', 'bool'],
  ['image', { tensor: 'float32', shape: [4, 4] }],
]);

const ATOMS = ['price', 'qty', 'name', 'd', 'ok', 'image', 'nope', '"Quoted ""x"""', '1', '2.5', '1e3', "'str'", "'it''s'", 'NULL', 'TRUE', "DATE '2020-01-01'", 'INTERVAL 2 DAY', 'current_date'];
const BINARY = ['+', '-', '*', '/', '//', '%', '^', '||', '=', '<>', '!=', '<', '<=', '>', '>=', 'AND', 'OR', 'IS DISTINCT FROM'];
const FUNCS = ['abs', 'round', 'lower', 'coalesce', 'year', 'sum', 'count', 'greatest', 'hash', 'mystery', 'substr', 'if'];
const TYPES = ['int', 'bigint', 'double', 'varchar', 'date', 'bool', 'decimal(10,2)', 'int[]', 'blah'];
const NOISE = ['(', ')', ',', "'", '"', '/*', '*/', '--', '\n', '::', '[', ']', 'CASE', 'WHEN', 'THEN', 'END', 'NOT', 'IN', 'BETWEEN', 'AND', 'IS', 'NULL', '$', '?', '`', '😀', '\\', 'e', '.', ';', 'SELECT', 'FROM'];

function expression(rand: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  if (depth <= 0 || rand() < 0.25) return pick(ATOMS);
  const sub = (): string => expression(rand, depth - 1);
  switch (Math.floor(rand() * 11)) {
    case 0:
      return `${sub()} ${pick(BINARY)} ${sub()}`;
    case 1:
      return `(${sub()})`;
    case 2:
      return `${pick(['-', '+', 'NOT '])}${sub()}`;
    case 3:
      return `${pick(FUNCS)}(${Array.from({ length: Math.floor(rand() * 4) }, sub).join(', ')})`;
    case 4:
      return `CASE WHEN ${sub()} THEN ${sub()}${rand() < 0.5 ? ` ELSE ${sub()}` : ''} END`;
    case 5:
      return rand() < 0.5 ? `CAST(${sub()} AS ${pick(TYPES)})` : `${sub()}::${pick(TYPES)}`;
    case 6:
      return `${sub()} ${rand() < 0.5 ? 'NOT ' : ''}IN (${sub()}, ${sub()})`;
    case 7:
      return `${sub()} BETWEEN ${sub()} AND ${sub()}`;
    case 8:
      return `${sub()} ${pick(['LIKE', 'ILIKE', 'NOT LIKE'])} ${sub()}`;
    case 9:
      return `${sub()} IS ${pick(['NULL', 'NOT NULL', 'TRUE', 'NOT FALSE'])}`;
    default:
      return `${sub()}[${sub()}]`;
  }
}

/** Deletes, duplicates, swaps or inserts a few characters or noise tokens. */
function mutate(rand: () => number, text: string): string {
  let s = text;
  const edits = 1 + Math.floor(rand() * 3);
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(rand() * (s.length + 1));
    switch (Math.floor(rand() * 4)) {
      case 0:
        s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rand() * 3));
        break;
      case 1:
        s = s.slice(0, at) + (NOISE[Math.floor(rand() * NOISE.length)] as string) + s.slice(at);
        break;
      case 2:
        s = s.slice(0, at) + String.fromCharCode(Math.floor(rand() * 0x3000)) + s.slice(at);
        break;
      default:
        s = s.slice(0, at) + s.slice(at, at + 4) + s.slice(at);
    }
  }
  return s;
}

function assertWithin(text: string, r: { start: number; end: number }, what: string): void {
  assert.ok(Number.isInteger(r.start) && Number.isInteger(r.end), `${what}: non-integer range in ${JSON.stringify(text)}`);
  assert.ok(0 <= r.start && r.start <= r.end && r.end <= text.length, `${what}: range ${r.start}-${r.end} outside ${JSON.stringify(text)}`);
}

test('5,000 random and mutated expressions: no throw, ranges within the text', () => {
  const rand = prng(20200);
  let parsed = 0;
  for (let n = 0; n < 5000; n++) {
    const base = expression(rand, 1 + Math.floor(rand() * 5));
    const text = n % 3 === 0 ? base : mutate(rand, base);
    const r = parseExpression(text);
    if (!r.ok) {
      assertWithin(text, r.error, 'syntax error');
      assert.ok(r.error.message.length > 0);
      continue;
    }
    parsed++;
    assertWithin(text, r.ast, 'root');
    for (const ref of columnRefs(r.ast)) {
      assertWithin(text, ref, 'column ref');
      assert.ok(ref.name.length > 0);
    }
    const inferred = inferType(r.ast, columns);
    for (const p of inferred.problems) assertWithin(text, p, `problem "${p.message}"`);
    for (const p of checkBoolean(r.ast, columns).problems) assertWithin(text, p, `problem "${p.message}"`);
  }
  // The generator should exercise the type checker, not only the error paths.
  assert.ok(parsed > 1500, `only ${parsed} inputs parsed`);
});

test('random printable garbage and mutated queries: no throw, ranges within the text', () => {
  const rand = prng(7);
  const alphabet = "abcXYZ_019 .,;:()[]'\"+-*/%^|<>=!$?`\\\n\t/*--😀é";
  for (let n = 0; n < 1500; n++) {
    const length = Math.floor(rand() * 40);
    let text = '';
    for (let k = 0; k < length; k++) text += alphabet[Math.floor(rand() * alphabet.length)] as string;
    const r = parseExpression(text);
    if (!r.ok) assertWithin(text, r.error, 'syntax error');
    const q = extractTableRefs(text);
    if (!q.ok) assertWithin(text, q.error, 'query error');
  }
  const queries = [
    'SELECT a.x FROM a JOIN b ON a.k = b.k WHERE a.y IN (SELECT y FROM c)',
    'WITH x AS (SELECT * FROM src) SELECT * FROM x, other',
    "SELECT 'FROM' FROM t -- FROM u\n/* FROM v */ UNION SELECT 1 FROM (SELECT * FROM w) s",
  ];
  for (let n = 0; n < 1500; n++) {
    const text = mutate(rand, queries[n % queries.length] as string);
    const q = extractTableRefs(text);
    if (!q.ok) assertWithin(text, q.error, 'query error');
    else for (const t of q.tables) assertWithin(text, t, 'table ref');
  }
});

test('pathological sizes stay fast and bounded', () => {
  const started = Date.now();
  for (const text of ['('.repeat(100_000), `${'NOT '.repeat(50_000)}x`, `x${' + x'.repeat(50_000)}`, `'${'a'.repeat(200_000)}`, 'a'.repeat(200_000)]) {
    const r = parseExpression(text);
    if (!r.ok) assertWithin(text, r.error, 'syntax error');
  }
  assert.ok(extractTableRefs(`SELECT ${'('.repeat(100_000)}`).ok === false);
  assert.ok(Date.now() - started < 5000);
});
