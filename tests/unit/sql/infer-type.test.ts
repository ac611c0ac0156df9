import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ColumnType } from '../../../compiler/spec/columns.js';
import { checkBoolean, inferType, type InferResult } from '../../../compiler/sql/index.js';
import { parse } from './print.js';

const columns = new Map<string, ColumnType>([
  ['price', 'float64'],
  ['ratio', 'float32'],
  ['qty', 'int32'],
  ['small', 'int8'],
  ['label', 'uint8'],
  ['name', 'string'],
  ['d', 'date'],
  ['ts', 'timestamp'],
  ['ok', 'bool'],
  ['image', { tensor: 'uint8', shape: [28, 28] }],
  ['Mixed Case', 'int64'],
]);

function infer(text: string): InferResult {
  return inferType(parse(text), columns);
}
function typeOf(text: string): InferResult['type'] {
  const r = infer(text);
  assert.deepEqual(r.problems, [], `${text}: unexpected problems ${JSON.stringify(r.problems)}`);
  return r.type;
}
/** The single problem an expression has. */
function problem(text: string): InferResult['problems'][number] {
  const r = infer(text);
  assert.equal(r.problems.length, 1, `${text}: expected one problem, got ${JSON.stringify(r.problems)}`);
  return r.problems[0] as InferResult['problems'][number];
}

test('literals', () => {
  assert.equal(typeOf('1'), 'int32');
  assert.equal(typeOf('3000000000'), 'int64');
  assert.equal(typeOf('1.5'), 'float64');
  assert.equal(typeOf('1e3'), 'float64');
  assert.equal(typeOf("'x'"), 'string');
  assert.equal(typeOf('TRUE'), 'bool');
  assert.equal(typeOf('NULL'), 'null');
  assert.equal(typeOf("DATE '2020-01-01'"), 'date');
  assert.equal(typeOf("TIMESTAMP '2020-01-01 00:00'"), 'timestamp');
});

test('columns, looked up case-insensitively, quoted or not', () => {
  assert.equal(typeOf('price'), 'float64');
  assert.equal(typeOf('PRICE'), 'float64');
  assert.equal(typeOf('"Price"'), 'float64');
  assert.equal(typeOf('"Mixed Case"'), 'int64');
  assert.deepEqual(typeOf('image'), { tensor: 'uint8', shape: [28, 28] });
});

test('unknown columns are problems that carry the name and exact range', () => {
  const r = infer('pirce * 2 + "no such" - price');
  assert.equal(r.type, 'unknown');
  assert.deepEqual(r.problems, [
    { kind: 'unknown-column', message: 'unknown column "pirce"', start: 0, end: 5, name: 'pirce' },
    { kind: 'unknown-column', message: 'unknown column "no such"', start: 12, end: 21, name: 'no such' },
  ]);
});

test('arithmetic follows DuckDB roughly', () => {
  assert.equal(typeOf('qty + 1'), 'int64');
  assert.equal(typeOf('small * label'), 'int64');
  assert.equal(typeOf('qty * price'), 'float64');
  assert.equal(typeOf('ratio + 1'), 'float64');
  assert.equal(typeOf('qty / 2'), 'float64');
  assert.equal(typeOf('qty // 2'), 'int64');
  assert.equal(typeOf('qty % 7'), 'int64');
  assert.equal(typeOf('qty ^ 2'), 'float64');
  assert.equal(typeOf('-qty'), 'int32');
  assert.equal(typeOf('-price'), 'float64');
  assert.equal(typeOf('qty + NULL'), 'int64');
  assert.equal(typeOf("qty + '5'"), 'int64');
  assert.equal(typeOf('qty + mystery(price)'), 'unknown');
  // mystery() is an unknown function, which is fine, but x is still an unknown column.
  assert.deepEqual(infer('qty + mystery(x)').problems.map((p) => p.kind), ['unknown-column']);
});

test('date arithmetic', () => {
  assert.equal(typeOf('d + 1'), 'date');
  assert.equal(typeOf('d - 7'), 'date');
  assert.equal(typeOf('d - d'), 'int64');
  assert.equal(typeOf("d + INTERVAL '1 day'"), 'timestamp');
  assert.equal(typeOf('ts - INTERVAL 3 HOUR'), 'timestamp');
  assert.equal(typeOf('ts - ts'), 'unknown');
  assert.match(problem('d * 2').message, /cannot apply '\*' to column "d" \(date\)/);
});

test('arithmetic on strings, booleans and tensors is a problem at the operand', () => {
  assert.deepEqual(problem('name * 2'), { kind: 'type', message: `cannot apply '*' to column "name" (string)`, start: 0, end: 4 });
  assert.deepEqual(problem('1 + ok'), { kind: 'type', message: `cannot apply '+' to column "ok" (bool)`, start: 4, end: 6 });
  const t = problem('image / 255');
  assert.match(t.message, /tensor column "image" \(uint8\[28,28\]\)/);
  assert.deepEqual([t.start, t.end], [0, 5]);
  assert.match(problem("qty + 'abc'").message, /the string 'abc', which is not a number/);
  assert.match(problem('-name').message, /unary '-'/);
});

test('comparisons and logic give bool; clear mismatches are problems', () => {
  assert.equal(typeOf('price > 10'), 'bool');
  assert.equal(typeOf('qty = price'), 'bool');
  assert.equal(typeOf("name = 'x'"), 'bool');
  assert.equal(typeOf("d > '2020-01-01'"), 'bool');
  assert.equal(typeOf("qty = '5'"), 'bool');
  assert.equal(typeOf('ok = TRUE AND NOT ok OR price IS NULL'), 'bool');
  assert.equal(typeOf('ts > d'), 'bool');
  assert.equal(typeOf('name IS DISTINCT FROM NULL'), 'bool');
  assert.deepEqual(problem('name = 5'), { kind: 'type', message: 'cannot compare column "name" (string) with the number 5', start: 0, end: 8 });
  assert.deepEqual(problem("qty = 'abc'"), { kind: 'type', message: `cannot compare column "qty" (int32) with the string 'abc'`, start: 0, end: 11 });
  assert.match(problem('d < qty').message, /cannot compare column "d" \(date\) with column "qty" \(int32\)/);
  assert.match(problem('image = 1').message, /cannot compare tensor column "image"/);
  assert.deepEqual(problem('NOT price'), { kind: 'type', message: 'NOT expects a boolean condition, not column "price" (float64)', start: 4, end: 9 });
  assert.match(problem('NOT 1').message, /NOT expects a boolean condition, not the number 1/);
  assert.match(problem('ok AND qty').message, /AND expects boolean conditions on both sides, not column "qty"/);
});

test('IN, BETWEEN, LIKE, IS', () => {
  assert.equal(typeOf('qty IN (1, 2, 3)'), 'bool');
  assert.equal(typeOf('price BETWEEN 1 AND qty'), 'bool');
  assert.equal(typeOf("name NOT LIKE 'a%'"), 'bool');
  assert.equal(typeOf('ok IS NOT TRUE'), 'bool');
  const p = problem("name IN ('a', 2)");
  assert.deepEqual([p.start, p.end], [14, 15]);
  assert.match(problem("name BETWEEN 'a' AND 3").message, /cannot compare column "name" \(string\) with the number 3/);
  assert.deepEqual(problem("price LIKE '1%'"), { kind: 'type', message: 'LIKE expects strings, not column "price" (float64)', start: 0, end: 5 });
});

test('|| gives string', () => {
  assert.equal(typeOf("name || '-' || qty"), 'string');
});

test('CASE takes the common type of its branches', () => {
  assert.equal(typeOf('CASE WHEN ok THEN qty ELSE small END'), 'int64');
  assert.equal(typeOf('CASE WHEN ok THEN qty ELSE price END'), 'float64');
  assert.equal(typeOf('CASE WHEN ok THEN qty END'), 'int32');
  assert.equal(typeOf("CASE WHEN ok THEN 'a' ELSE name END"), 'string');
  assert.equal(typeOf("CASE qty WHEN 1 THEN 'one' WHEN 2 THEN 'two' END"), 'string');
  assert.equal(typeOf('CASE WHEN ok THEN d ELSE ts END'), 'timestamp');
  assert.equal(typeOf('CASE WHEN ok THEN NULL END'), 'null');
  const lit = problem("CASE WHEN ok THEN 'a' ELSE 2 END");
  assert.equal(lit.message, "CASE branches have incompatible types: int32 and the string 'a'");
  assert.deepEqual([lit.start, lit.end], [18, 21]);
  assert.equal(typeOf("CASE WHEN ok THEN '1' ELSE 2 END"), 'int32');
  const p = problem('CASE WHEN ok THEN name ELSE qty END');
  assert.equal(p.message, 'CASE branches have incompatible types: string and int32');
  assert.deepEqual([p.start, p.end], [28, 31]);
  assert.match(problem('CASE WHEN qty THEN 1 END').message, /a WHEN condition must be boolean, not column "qty"/);
  assert.match(problem("CASE name WHEN 1 THEN 'x' END").message, /cannot compare column "name" \(string\) with the number 1/);
});

test('CAST gives the target type; unknown types are problems', () => {
  assert.equal(typeOf('CAST(name AS INTEGER)'), 'int32');
  assert.equal(typeOf('qty::double'), 'float64');
  assert.equal(typeOf('qty::varchar || name'), 'string');
  assert.equal(typeOf('TRY_CAST(name AS DATE)'), 'date');
  assert.equal(typeOf('price::decimal(10,2)'), 'float64');
  assert.equal(typeOf('qty::interval'), 'unknown');
  assert.equal(typeOf('image::varchar'), 'string');
  assert.deepEqual(problem('CAST(qty AS numbr)'), { kind: 'type', message: "unknown type 'numbr'", start: 12, end: 17 });
  assert.match(problem('CAST(image AS FLOAT)').message, /cannot cast tensor column "image"/);
});

test('functions: return types from the catalog', () => {
  assert.equal(typeOf('abs(qty)'), 'int32');
  assert.equal(typeOf('abs(price)'), 'float64');
  assert.equal(typeOf('round(price, 2)'), 'float64');
  assert.equal(typeOf('floor(price)'), 'float64');
  assert.equal(typeOf('ceil(qty)'), 'int32');
  assert.equal(typeOf('sqrt(qty)'), 'float64');
  assert.equal(typeOf('ln(price) + log10(qty) + exp(1)'), 'float64');
  assert.equal(typeOf('pow(qty, 2)'), 'float64');
  assert.equal(typeOf('power(qty, 2)'), 'float64');
  assert.equal(typeOf('sign(price)'), 'int8');
  assert.equal(typeOf('lower(name)'), 'string');
  assert.equal(typeOf('UPPER(name)'), 'string');
  assert.equal(typeOf('length(name)'), 'int64');
  assert.equal(typeOf('length(image)'), 'int64');
  assert.equal(typeOf('trim(name)'), 'string');
  assert.equal(typeOf('substr(name, 1, 3)'), 'string');
  assert.equal(typeOf('substring(name, 2)'), 'string');
  assert.equal(typeOf("concat(name, qty, '!')"), 'string');
  assert.equal(typeOf("replace(name, 'a', 'b')"), 'string');
  assert.equal(typeOf('coalesce(qty, 0)'), 'int32');
  assert.equal(typeOf('coalesce(qty, price)'), 'float64');
  assert.equal(typeOf('nullif(qty, 0)'), 'int32');
  assert.equal(typeOf('greatest(qty, small)'), 'int64');
  assert.equal(typeOf('least(price, 1)'), 'float64');
  assert.equal(typeOf('year(d)'), 'int64');
  assert.equal(typeOf('month(ts) + day(d) + hour(ts)'), 'int64');
  assert.equal(typeOf("date_trunc('month', ts)"), 'timestamp');
  assert.equal(typeOf("strftime(ts, '%Y')"), 'string');
  assert.equal(typeOf('hash(name) % 10'), 'int64');
  assert.equal(typeOf('random() < 0.5'), 'bool');
  assert.equal(typeOf('EXTRACT(year FROM d)'), 'int64');
  assert.equal(typeOf('current_date'), 'date');
  assert.equal(typeOf('if(ok, qty, 0)'), 'int32');
  assert.deepEqual(typeOf('image[1]'), { tensor: 'uint8', shape: [28] });
  assert.equal(typeOf('image[1][2]'), 'uint8');
  assert.equal(typeOf('no_such_function(qty)'), 'unknown');
});

test('functions: argument kinds and counts', () => {
  assert.deepEqual(problem('lower(qty)'), { kind: 'type', message: 'lower() expects a string as argument 1, not column "qty" (int32)', start: 6, end: 9 });
  assert.match(problem('abs(name)').message, /abs\(\) expects a number as argument 1, not column "name" \(string\)/);
  assert.match(problem('year(qty)').message, /year\(\) expects a date or timestamp/);
  assert.equal(typeOf("year('2020-01-01')"), 'int64');
  assert.deepEqual(problem('round(price, 1, 2)'), { kind: 'type', message: 'round() takes 1 to 2 arguments, got 3', start: 0, end: 18 });
  assert.match(problem('lower()').message, /lower\(\) takes 1 argument, got 0/);
  assert.match(problem('coalesce()').message, /takes at least 1 argument, got 0/);
  assert.match(problem('coalesce(name, qty)').message, /coalesce\(\) arguments have incompatible types: string and int32/);
});

test('aggregates and window functions are not allowed, and say so', () => {
  for (const f of ['count(*)', 'count(qty)', 'sum(price)', 'AVG(price)', 'min(qty)', 'max(qty)']) {
    const p = problem(f);
    assert.match(p.message, /is an aggregate, which is not allowed here: .*GROUP BY/, f);
    assert.deepEqual([p.start, p.end], [0, f.length]);
  }
  assert.match(problem('rank()').message, /window function/);
  assert.match(problem('price / sum(price)').message, /sum\(\) is an aggregate/);
});

test('checkBoolean: a filter must be a condition', () => {
  const cond = checkBoolean(parse('price > 2 AND ok'), columns);
  assert.deepEqual(cond, { type: 'bool', problems: [] });
  const bad = checkBoolean(parse('price * 2'), columns);
  assert.deepEqual(bad.problems, [{ kind: 'type', message: 'a filter must be a true/false condition, but this expression is float64', start: 0, end: 9 }]);
  assert.equal(checkBoolean(parse('name'), columns).problems.length, 1);
  assert.equal(checkBoolean(parse('ok'), columns).problems.length, 0);
  assert.equal(checkBoolean(parse('udf(price)'), columns).problems.length, 0);
  assert.equal(checkBoolean(parse('NULL'), columns).problems.length, 0);
  // An unknown column is reported once, not again as a non-boolean filter.
  assert.deepEqual(checkBoolean(parse('nope'), columns).problems.map((p) => p.kind), ['unknown-column']);
  assert.match(checkBoolean(parse('qty'), columns, 'a where clause').problems[0]?.message ?? '', /^a where clause must be/);
});
