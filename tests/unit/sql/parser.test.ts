import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_NESTING, MAX_TREE_DEPTH, parseExpression } from '../../../compiler/sql/index.js';
import { parse, parseError, shape } from './print.js';

test('arithmetic precedence and left associativity', () => {
  assert.equal(shape('1 + 2 * 3'), '(1 + (2 * 3))');
  assert.equal(shape('1 * 2 + 3'), '((1 * 2) + 3)');
  assert.equal(shape('a - b - c'), '((a - b) - c)');
  assert.equal(shape('a / b / c'), '((a / b) / c)');
  assert.equal(shape('a % b * c // d'), '(((a % b) * c) // d)');
  assert.equal(shape('a + b % c'), '(a + (b % c))');
  assert.equal(shape('(a + b) * c'), '((a + b) * c)');
  // ^ is left-associative in PostgreSQL and DuckDB, and binds tighter than *.
  assert.equal(shape('2 ^ 3 ^ 2'), '((2 ^ 3) ^ 2)');
  assert.equal(shape('a * b ^ c'), '(a * (b ^ c))');
  assert.equal(shape('a ** b'), '(a ^ b)');
});

test('unary minus binds tighter than ^, and :: tighter than unary minus', () => {
  assert.equal(shape('-2 ^ 2'), '((-2) ^ 2)');
  assert.equal(shape('-a * b'), '((-a) * b)');
  assert.equal(shape('- - a'), '(-(-a))');
  assert.equal(shape('+a'), '(+a)');
  assert.equal(shape('-a::int'), '(-(a::int))');
  assert.equal(shape('a - -1'), '(a - (-1))');
  assert.equal(shape('a+-1'), '(a + (-1))');
});

test('|| binds looser than + and tighter than comparisons', () => {
  assert.equal(shape("'a' || 1 + 2"), "('a' || (1 + 2))");
  assert.equal(shape("a || b || c"), '((a || b) || c)');
  assert.equal(shape("a || b = c"), '((a || b) = c)');
  assert.equal(shape("a = b || c"), '(a = (b || c))');
});

test('boolean operators: NOT above AND above OR, comparisons above NOT', () => {
  assert.equal(shape('a OR b AND c'), '(a OR (b AND c))');
  assert.equal(shape('a AND b OR c'), '((a AND b) OR c)');
  assert.equal(shape('a OR b OR c'), '((a OR b) OR c)');
  assert.equal(shape('NOT a AND b'), '((NOT a) AND b)');
  assert.equal(shape('NOT a = b'), '(NOT (a = b))');
  assert.equal(shape('NOT NOT a'), '(NOT (NOT a))');
  assert.equal(shape('a = 1 AND b < 2 OR NOT c >= 3'), '(((a = 1) AND (b < 2)) OR (NOT (c >= 3)))');
  assert.equal(shape('a + 1 > b * 2'), '((a + 1) > (b * 2))');
});

test('keywords are case-insensitive', () => {
  assert.equal(shape('a and not b or c'), '((a AND (NOT b)) OR c)');
  assert.equal(shape('x Is Not Null'), '(x IS NOT NULL)');
  assert.equal(shape('x between 1 and 2'), '(x BETWEEN 1 AND 2)');
  assert.equal(shape('true or false or null'), '((TRUE OR FALSE) OR NULL)');
});

test('comparison operators, normalised', () => {
  assert.equal(shape('a = 1'), '(a = 1)');
  assert.equal(shape('a == 1'), '(a = 1)');
  assert.equal(shape('a != 1'), '(a <> 1)');
  assert.equal(shape('a <> 1'), '(a <> 1)');
  assert.equal(shape('a < 1'), '(a < 1)');
  assert.equal(shape('a <= 1'), '(a <= 1)');
  assert.equal(shape('a > 1'), '(a > 1)');
  assert.equal(shape('a >= 1'), '(a >= 1)');
  assert.equal(shape('a<-1'), '(a < (-1))');
  assert.equal(shape('a IS DISTINCT FROM b'), '(a IS DISTINCT FROM b)');
  assert.equal(shape('a IS NOT DISTINCT FROM b + 1'), '(a IS NOT DISTINCT FROM (b + 1))');
});

test('comparisons do not chain, but IS applies to a comparison', () => {
  const e = parseError('1 < 2 < 3');
  assert.match(e.message, /comparisons cannot be chained/);
  assert.deepEqual([e.start, e.end], [6, 7]);
  assert.equal(shape('(1 < 2) < 3'), '((1 < 2) < 3)');
  assert.equal(shape('a = b IS NULL'), '((a = b) IS NULL)');
  assert.equal(shape('a IS NULL = b'), '((a IS NULL) = b)');
  assert.match(parseError("a LIKE 'x' LIKE 'y'").message, /cannot follow another pattern match/);
});

test('IS [NOT] NULL / TRUE / FALSE, ISNULL, NOTNULL', () => {
  assert.equal(shape('x IS NULL'), '(x IS NULL)');
  assert.equal(shape('x IS NOT NULL'), '(x IS NOT NULL)');
  assert.equal(shape('x IS TRUE'), '(x IS TRUE)');
  assert.equal(shape('x IS NOT FALSE'), '(x IS NOT FALSE)');
  assert.equal(shape('x ISNULL'), '(x IS NULL)');
  assert.equal(shape('x NOTNULL'), '(x IS NOT NULL)');
  assert.equal(shape('x + 1 IS NULL AND y'), '(((x + 1) IS NULL) AND y)');
  assert.equal(shape('NOT x IS NULL'), '(NOT (x IS NULL))');
});

test('[NOT] IN lists', () => {
  assert.equal(shape('x IN (1, 2, 3)'), '(x IN [1, 2, 3])');
  assert.equal(shape("x NOT IN ('a')"), "(x NOT IN ['a'])");
  assert.equal(shape('x + 1 IN (y * 2, 3) AND z'), '(((x + 1) IN [(y * 2), 3]) AND z)');
  assert.equal(shape('x = 1 IN (TRUE)'), '(x = (1 IN [TRUE]))');
});

test('[NOT] BETWEEN binds its own AND', () => {
  assert.equal(shape('x BETWEEN 1 AND 10'), '(x BETWEEN 1 AND 10)');
  assert.equal(shape('x NOT BETWEEN a + 1 AND b * 2'), '(x NOT BETWEEN (a + 1) AND (b * 2))');
  assert.equal(shape('x BETWEEN 1 AND 10 AND y'), '((x BETWEEN 1 AND 10) AND y)');
  assert.equal(shape('y OR x BETWEEN 1 AND 10'), '(y OR (x BETWEEN 1 AND 10))');
});

test('[NOT] LIKE, ILIKE, GLOB, ESCAPE', () => {
  assert.equal(shape("name LIKE 'a%'"), "(name LIKE 'a%')");
  assert.equal(shape("name NOT ILIKE '%B'"), "(name NOT ILIKE '%B')");
  assert.equal(shape("name GLOB '*.png'"), "(name GLOB '*.png')");
  assert.equal(shape("name LIKE 'a!%' ESCAPE '!'"), "(name LIKE 'a!%' ESCAPE '!')");
  assert.equal(shape("a || b LIKE 'x%' OR c"), "(((a || b) LIKE 'x%') OR c)");
});

test('CASE, simple and searched', () => {
  assert.equal(shape("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END"), "(CASE WHEN (a > 1) THEN 'big' WHEN (a > 0) THEN 'small' ELSE 'none' END)");
  assert.equal(shape('CASE x WHEN 1 THEN 10 WHEN 2 THEN 20 END'), '(CASE x WHEN 1 THEN 10 WHEN 2 THEN 20 END)');
  assert.equal(shape('case when a then b end + 1'), '((CASE WHEN a THEN b END) + 1)');
  assert.equal(shape('CASE WHEN a THEN CASE WHEN b THEN 1 END END'), '(CASE WHEN a THEN (CASE WHEN b THEN 1 END) END)');
});

test('CAST, TRY_CAST and :: with every type spelling', () => {
  assert.equal(shape('CAST(x AS integer)'), '(x::integer)');
  assert.equal(shape('TRY_CAST(x AS DOUBLE)'), '(x::double)');
  assert.equal(shape('x::varchar'), '(x::varchar)');
  assert.equal(shape('x::double precision + 1'), '((x::double precision) + 1)');
  assert.equal(shape('x::timestamp with time zone'), '(x::timestamp with time zone)');
  assert.equal(shape('x::decimal(10, 2)'), '(x::decimal)');
  assert.equal(shape('x::int[]'), '(x::int[])');
  assert.equal(shape('x::int::text'), '((x::int)::text)');
  const expected: Record<string, unknown> = {
    integer: 'int32', int: 'int32', bigint: 'int64', smallint: 'int16', tinyint: 'int8', int8: 'int64',
    double: 'float64', float: 'float32', real: 'float32', varchar: 'string', text: 'string', string: 'string',
    boolean: 'bool', bool: 'bool', date: 'date', timestamp: 'timestamp', interval: 'unknown', nosuchtype: null,
  };
  for (const [name, resolved] of Object.entries(expected)) {
    const e = parse(`CAST(x AS ${name.toUpperCase()})`);
    assert.equal(e.kind, 'cast');
    if (e.kind === 'cast') assert.equal(e.target.resolved, resolved, name);
  }
  const c = parse('CAST(price AS BIGINT)');
  assert.ok(c.kind === 'cast' && c.syntax === 'CAST' && c.target.start === 14 && c.target.end === 20);
});

test('literals: numbers, strings, booleans, NULL, dates, intervals', () => {
  const n = parse('1.5e3');
  assert.ok(n.kind === 'number' && n.value === 1500 && !n.integer);
  const i = parse('42');
  assert.ok(i.kind === 'number' && i.value === 42 && i.integer);
  const u = parse('1_000_000');
  assert.ok(u.kind === 'number' && u.value === 1000000 && u.integer);
  const dot = parse('.5');
  assert.ok(dot.kind === 'number' && dot.value === 0.5);
  const s = parse("'it''s'");
  assert.ok(s.kind === 'string' && s.value === "it's" && s.start === 0 && s.end === 7);
  const es = parse("E'a\\'b'");
  assert.ok(es.kind === 'string' && es.value === "a'b");
  assert.equal(shape("DATE '2020-01-01'"), "DATE '2020-01-01'");
  assert.equal(shape("timestamp '2020-01-01 10:00'"), "TIMESTAMP '2020-01-01 10:00'");
  assert.equal(shape("d + INTERVAL '1 day'"), "(d + INTERVAL '1 day')");
  assert.equal(shape('d - INTERVAL 3 DAYS'), '(d - INTERVAL 3 days)');
  assert.equal(shape('INTERVAL (n) hour'), 'INTERVAL n hour');
  // A column may be called date: it is a literal only when a string follows.
  assert.equal(shape('date > 3'), '(date > 3)');
});

test('identifiers: plain, quoted with escapes, keywords need quotes', () => {
  const q = parse('"weird ""name"""');
  assert.ok(q.kind === 'column' && q.name === 'weird "name"' && q.quoted && q.start === 0 && q.end === 16);
  assert.equal(shape('"select" + 1'), '("select" + 1)');
  assert.equal(shape('_x1$'), '_x1$');
  assert.equal(shape('größe > 1'), '(größe > 1)');
  const e = parseError('x > order + 1');
  assert.equal(e.message, `'order' is a reserved word; to use it as a column name, quote it: "order"`);
  assert.deepEqual([e.start, e.end], [4, 9]);
});

test('function calls, count(*), DISTINCT, EXTRACT, niladic functions, indexing', () => {
  assert.equal(shape('round(price * 1.1, 2)'), 'round((price * 1.1), 2)');
  assert.equal(shape('random()'), 'random()');
  assert.equal(shape('count(*)'), 'count(*)');
  assert.equal(shape('count(DISTINCT x)'), 'count(DISTINCT x)');
  assert.equal(shape('coalesce(a, b, 0) + 1'), '(coalesce(a, b, 0) + 1)');
  assert.equal(shape('"lower"(x)'), 'lower(x)');
  assert.equal(shape('EXTRACT(year FROM ts)'), "extract('year', ts)");
  assert.equal(shape('current_date - 1'), '(current_date() - 1)');
  assert.equal(shape('image[1][2] + 1'), '(image[1][2] + 1)');
  const call = parse('  lower(name)');
  assert.ok(call.kind === 'call' && call.nameStart === 2 && call.nameEnd === 7 && call.start === 2 && call.end === 13);
});

test('spans include parentheses and whole constructs', () => {
  const e = parse('(a + b) * 2');
  assert.deepEqual([e.start, e.end], [0, 11]);
  assert.ok(e.kind === 'binary' && e.left.kind === 'paren' && e.left.start === 0 && e.left.end === 7 && e.opStart === 8);
  const c = parse(' CASE WHEN a THEN 1 END ');
  assert.deepEqual([c.start, c.end], [1, 23]);
  const i = parse('x NOT IN (1, 2)');
  assert.deepEqual([i.start, i.end], [0, 15]);
});

test('comments and whitespace are ignored', () => {
  assert.equal(shape('a /* the a */ + -- plus\n b'), '(a + b)');
  assert.equal(shape('a /* nested /* comment */ still */ + b'), '(a + b)');
  assert.equal(shape('\n\ta\n\t>\r\n1 '), '(a > 1)');
});

test('syntax errors say what was expected, at the exact offsets', () => {
  const cases: [string, RegExp | string, number, number][] = [
    // Running out of input after an operator points at the operator.
    ['price > 10 AND', "unexpected end of expression after 'AND'", 11, 14],
    ['a +', "unexpected end of expression after '+'", 2, 3],
    // An unclosed parenthesis: an empty range where ')' belongs, after the last token.
    ['sum(a + (b * c)', "expected ',' or ')' to close '(' opened at 3, found end of expression", 15, 15],
    ['x * (a + b  ', "expected ')' to close '(' opened at 4, found end of expression", 10, 10],
    ['(a + b c)', "expected ')' to close '(' opened at 0, found 'c'", 7, 8],
    ['a + * b', "expected an expression after '+', found '*'", 4, 5],
    ['a b', /unexpected 'b' after a complete expression/, 2, 3],
    ['a)', "unmatched ')'", 1, 2],
    ['', 'empty expression', 0, 0],
    ['  -- nothing', 'empty expression', 0, 12],
    ["name = 'abc", 'unterminated string: add the closing quote', 7, 11],
    ['"col', /unterminated quoted identifier/, 0, 4],
    ['a /* open', /unterminated comment/, 2, 9],
    ['a ` b', "unexpected character '`'", 2, 3],
    ['x IS 5', "expected NULL, TRUE, FALSE or DISTINCT FROM after 'IS', found '5'", 5, 6],
    ['x IS NOT', "expected NULL, TRUE, FALSE or DISTINCT FROM after 'IS NOT', found end of expression", 8, 8],
    ['x NOT 5', "expected IN, BETWEEN, LIKE, ILIKE or GLOB after 'NOT', found '5'", 6, 7],
    ['x BETWEEN 1 OR 2', "expected AND between the bounds of BETWEEN, found 'OR'", 12, 14],
    ['x IN 1', "expected '(' and a list of values after IN, found '1'", 5, 6],
    ['x IN ()', "expected at least one value in the IN list, found ')'", 6, 7],
    ['x IN (1, 2', "expected ',' or ')' to close '(' opened at 5, found end of expression", 10, 10],
    ['CASE a > 1 THEN 2 END', "expected WHEN after the CASE value, found 'THEN'", 11, 15],
    ['CASE WHEN a 1 END', "expected THEN after the WHEN condition, found '1'", 12, 13],
    ['CASE WHEN a THEN 1', 'expected WHEN, ELSE or END to close the CASE opened at 0, found end of expression', 18, 18],
    ['CAST(x integer)', "expected AS and a type name in CAST(… AS type), found 'integer'", 7, 14],
    ['CAST(x AS 1)', "expected a type name after 'AS', found '1'", 10, 11],
    ['x::', "expected a type name after '::', found end of expression", 3, 3],
    ['t.x > 1', /qualified names such as 't.x' are not supported/, 0, 3],
    ['x > (SELECT 1)', /subqueries are not supported/, 5, 11],
    ['x IN (SELECT y FROM t)', /subqueries are not supported/, 6, 12],
    ['EXISTS (SELECT 1)', /subqueries are not supported/, 0, 6],
    ['row_number() OVER (ORDER BY x)', /window functions/, 13, 17],
    ['a + 1 AS b', /aliases/, 6, 8],
    ['a, b', /unexpected ','/, 1, 2],
    ['x = $1', /parameters/, 4, 6],
    ["name ~ 'x'", "operator '~' is not supported in filter and derive expressions", 5, 6],
    ['a = 1;', "unexpected ';': an expression is not a statement", 5, 6],
    ['x = ?', /parameters/, 4, 5],
    ['CASE WHEN THEN 1 END', "expected an expression after 'WHEN', found 'THEN'", 10, 14],
    ['a AND AND b', "expected an expression after 'AND', found 'AND'", 6, 9],
    ['image[1', "expected ']' to close '[' opened at 5, found end of expression", 7, 7],
    ['INTERVAL 3', 'expected a unit such as DAY or HOUR after INTERVAL 3, found end of expression', 10, 10],
  ];
  for (const [text, message, start, end] of cases) {
    const e = parseError(text);
    if (typeof message === 'string') assert.equal(e.message, message, text);
    else assert.match(e.message, message, text);
    assert.deepEqual([e.start, e.end], [start, end], `${text}: ${e.message}`);
  }
});

test('offsets are UTF-16 code units', () => {
  // '😀' is two UTF-16 code units.
  const e = parseError("'😀' + ` ");
  assert.deepEqual([e.start, e.end], [7, 8]);
  const col = parse('"😀" > 1');
  assert.ok(col.kind === 'binary' && col.left.start === 0 && col.left.end === 4);
});

test('nesting deeper than the limit is an error, not a stack overflow', () => {
  const deep = `${'('.repeat(MAX_NESTING + 5)}1${')'.repeat(MAX_NESTING + 5)}`;
  const r = parseExpression(deep);
  assert.ok(!r.ok);
  assert.match(r.error.message, /nested too deeply/);
  assert.ok(r.error.start >= 0 && r.error.end <= deep.length);
  const ok = `${'('.repeat(50)}1${')'.repeat(50)}`;
  assert.ok(parseExpression(ok).ok);
  const minus = parseExpression(`${'- '.repeat(100_000)}1`);
  assert.ok(!minus.ok);
  const chain = Array.from({ length: MAX_TREE_DEPTH + 10 }, (_, i) => `c${i}`).join(' + ');
  const long = parseExpression(chain);
  assert.ok(!long.ok && /too deeply nested/.test(long.error.message));
  assert.ok(parseExpression(Array.from({ length: 500 }, (_, i) => `c${i}`).join(' OR ')).ok);
  assert.ok(parseExpression(`x IN (${Array.from({ length: 20_000 }, (_, i) => i).join(', ')})`).ok);
});
