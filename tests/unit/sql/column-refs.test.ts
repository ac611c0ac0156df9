import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnRefs } from '../../../compiler/sql/index.js';
import { parse } from './print.js';

test('column references in source order with exact offsets', () => {
  assert.deepEqual(columnRefs(parse('price * qty > 10 AND NOT ok')), [
    { name: 'price', start: 0, end: 5 },
    { name: 'qty', start: 8, end: 11 },
    { name: 'ok', start: 25, end: 27 },
  ]);
});

test('quoted identifiers: unescaped name, range includes the quotes', () => {
  const text = 'a + "my ""col""" - "x"';
  const refs = columnRefs(parse(text));
  assert.deepEqual(refs, [
    { name: 'a', start: 0, end: 1 },
    { name: 'my "col"', start: 4, end: 16 },
    { name: 'x', start: 19, end: 22 },
  ]);
  assert.equal(text.slice(4, 16), '"my ""col"""');
});

test('repeats are kept; function names, type names, keywords and literals are not columns', () => {
  const refs = columnRefs(
    parse("CASE WHEN lower(name) LIKE 'a%' THEN CAST(x AS integer) ELSE x END + EXTRACT(year FROM d) + coalesce(y, 0) + date '2020-01-01' - current_date"),
  );
  assert.deepEqual(refs.map((r) => r.name), ['name', 'x', 'x', 'd', 'y']);
});

test('references inside every construct are found', () => {
  const text = 'a IN (b, c) OR d BETWEEN e AND f OR g NOT LIKE h ESCAPE i OR j IS NULL OR CASE k WHEN l THEN m ELSE n END OR o::int = p[q] OR -r = s';
  assert.deepEqual(columnRefs(parse(text)).map((r) => r.name), 'abcdefghijklmnopqrs'.split(''));
  for (const r of columnRefs(parse(text))) assert.equal(text.slice(r.start, r.end), r.name);
});

test('offsets count UTF-16 code units, across multi-line text', () => {
  const text = "'é😀' = \"naïve\"\n  AND  größe > 1";
  const refs = columnRefs(parse(text));
  assert.deepEqual(refs.map((r) => text.slice(r.start, r.end)), ['"naïve"', 'größe']);
  assert.deepEqual(refs.map((r) => r.name), ['naïve', 'größe']);
});

test('a deep but allowed tree is walked without recursion trouble', () => {
  const text = Array.from({ length: 900 }, (_, i) => `c${i}`).join(' + ');
  assert.equal(columnRefs(parse(text)).length, 900);
});
