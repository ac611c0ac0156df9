import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractTableRefs, type TableRef } from '../../../compiler/sql/index.js';

function tables(query: string): TableRef[] {
  const r = extractTableRefs(query);
  if (!r.ok) assert.fail(`${JSON.stringify(query)}: ${r.error.message} at ${r.error.start}-${r.error.end}`);
  return r.tables;
}
function names(query: string): string[] {
  return tables(query).map((t) => t.name);
}
function error(query: string): { message: string; start: number; end: number } {
  const r = extractTableRefs(query);
  if (r.ok) assert.fail(`${JSON.stringify(query)} should be refused, gave ${JSON.stringify(r.tables)}`);
  return r.error;
}

test('FROM and JOIN tables with exact offsets', () => {
  const q = 'SELECT l.x, r.y FROM left_t AS l JOIN "Right T" r ON l.id = r.id';
  assert.deepEqual(tables(q), [
    { name: 'left_t', start: 21, end: 27 },
    { name: 'Right T', start: 38, end: 47 },
  ]);
  assert.equal(q.slice(38, 47), '"Right T"');
});

test('every join form and comma lists', () => {
  assert.deepEqual(names('select * from a, b c, d'), ['a', 'b', 'd']);
  assert.deepEqual(
    names('SELECT * FROM a INNER JOIN b USING (id) LEFT OUTER JOIN c ON a.k = c.k CROSS JOIN d NATURAL JOIN e FULL JOIN f ON TRUE, g'),
    ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
  );
  assert.deepEqual(names('SELECT * FROM a SEMI JOIN b ON a.x = b.x ANTI JOIN c USING (x) POSITIONAL JOIN d ASOF JOIN e ON a.t >= e.t'), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(names('SELECT * FROM (a JOIN b ON a.k = b.k) JOIN c USING (k)'), ['a', 'b', 'c']);
  assert.deepEqual(names('SELECT * FROM a AS x(p, q) NATURAL JOIN b'), ['a', 'b']);
  assert.deepEqual(names('SELECT * FROM main.events e'), ['main.events']);
});

test('CTE names are not tables, but what they read is', () => {
  assert.deepEqual(
    names('WITH x AS (SELECT * FROM src), y(a) AS MATERIALIZED (SELECT a FROM x JOIN other USING (a)) SELECT * FROM y, x, third'),
    ['src', 'other', 'third'],
  );
  assert.deepEqual(names('WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r'), []);
  // A CTE is visible only inside the parentheses whose WITH defines it.
  assert.deepEqual(names('SELECT * FROM (WITH x AS (SELECT 1 FROM base) SELECT * FROM x) s, x'), ['base', 'x']);
  assert.deepEqual(names('with X as (select 1) select * from x'), []);
});

test('subqueries are descended into wherever they are', () => {
  assert.deepEqual(names('SELECT * FROM (SELECT * FROM inner_t) s'), ['inner_t']);
  assert.deepEqual(names('SELECT (SELECT max(v) FROM b) AS m FROM a WHERE a.x IN (SELECT y FROM c) AND EXISTS (SELECT 1 FROM d)'), ['b', 'a', 'c', 'd']);
  assert.deepEqual(names('SELECT * FROM a, LATERAL (SELECT * FROM b WHERE b.k = a.k) l'), ['a', 'b']);
  assert.deepEqual(names('SELECT x FROM a UNION ALL SELECT x FROM b EXCEPT (SELECT x FROM c) ORDER BY 1'), ['a', 'b', 'c']);
  assert.deepEqual(names('(SELECT 1 FROM a) UNION (SELECT 2 FROM b)'), ['a', 'b']);
  assert.deepEqual(names('SELECT * FROM (VALUES (1), (2)) v(x)'), []);
  assert.deepEqual(names('SELECT * FROM (FROM a SELECT x)'), ['a']);
});

test('table functions are not tables, but subqueries in their arguments are read', () => {
  assert.deepEqual(names("SELECT * FROM read_parquet('x.parquet') JOIN t USING (id)"), ['t']);
  assert.deepEqual(names('SELECT * FROM range(10) r, unnest((SELECT list(x) FROM u))'), ['u']);
});

test('FROM inside strings, quoted identifiers, comments and functions is not a FROM', () => {
  assert.deepEqual(names(`SELECT 'FROM fake' AS s, "FROM" FROM real_t -- FROM c\n WHERE s <> 'it''s FROM x'`), ['real_t']);
  assert.deepEqual(names('SELECT /* FROM c */ 1 FROM /* JOIN d */ t;'), ['t']);
  assert.deepEqual(names('SELECT $$ FROM z $$ FROM t'), ['t']);
  assert.deepEqual(names('SELECT EXTRACT(year FROM d), substring(s FROM 2 FOR 3), trim(BOTH FROM s) FROM t WHERE a IS DISTINCT FROM b'), ['t']);
});

test('a FROM of a string literal is a file read, flagged as such', () => {
  assert.deepEqual(tables("SELECT * FROM 'data/*.parquet'"), [{ name: 'data/*.parquet', start: 14, end: 30, literal: true }]);
});

test('one statement only; a trailing semicolon is fine', () => {
  assert.deepEqual(names('SELECT * FROM t;'), ['t']);
  assert.deepEqual(names('SELECT * FROM t ; ;'), ['t']);
  const e = error('SELECT 1; DROP TABLE t');
  assert.match(e.message, /one statement/);
  assert.deepEqual([e.start, e.end], [10, 22]);
  assert.deepEqual(error('SELECT 1; SELECT 2;').start, 10);
});

test('the query must be a SELECT or WITH … SELECT', () => {
  const e = error('DELETE FROM t');
  assert.match(e.message, /one SELECT statement.*found 'DELETE'/);
  assert.deepEqual([e.start, e.end], [0, 6]);
  assert.match(error('  -- comment\n INSERT INTO t VALUES (1)').message, /found 'INSERT'/);
  const w = error('WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x');
  assert.match(w.message, /expected SELECT after the WITH clause, found 'INSERT'/);
  assert.deepEqual([w.start, w.end], [21, 27]);
  assert.match(error('WITH x AS (SELECT 1)').message, /expected SELECT after the WITH clause/);
  assert.match(error('').message, /empty query/);
  assert.match(error('/* nothing */').message, /empty query/);
});

test('structural errors point at the right place', () => {
  const cases: [string, RegExp, number, number][] = [
    ['SELECT * FROM', /expected a table after 'FROM', found end of query/, 13, 13],
    ['SELECT * FROM WHERE x', /expected a table after 'FROM', found 'WHERE'/, 14, 19],
    ['SELECT * FROM a JOIN ON x', /expected a table after 'JOIN', found 'ON'/, 21, 23],
    ['SELECT * FROM (SELECT 1', /expected '\)' to close '\(' opened at 14, found end of query/, 23, 23],
    ['SELECT 1)', /unmatched '\)'/, 8, 9],
    ['SELECT (1; SELECT 2', /expected '\)' to close '\(' opened at 7, found ';'/, 9, 10],
    ["SELECT 'abc", /unterminated string/, 7, 11],
    ['SELECT 1 /* open', /unterminated comment/, 9, 16],
    ['SELECT * FROM ()', /expected a table after 'FROM', found '\)'/, 15, 16],
  ];
  for (const [query, message, start, end] of cases) {
    const e = error(query);
    assert.match(e.message, message, query);
    assert.deepEqual([e.start, e.end], [start, end], `${query}: ${e.message}`);
  }
});
