import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { Field, Float64, Int32, Int64, Utf8, vectorFromArray, type Table } from 'apache-arrow';
import { runRelationalNode } from '../../../runtime/relational/run-node.js';
import { tableOf } from '../../../runtime/relational/arrow/table-parts.js';
import { queryTables } from '../../../runtime/relational/duckdb/query.js';
import { runTransform } from '../../../runtime/relational/transform/run-transform.js';
import { DataError } from '../../../runtime/relational/types.js';
import type { TransformStep } from '../../../compiler/spec/types.js';
import { ROOT } from '../../helpers.js';
import { makeTempDir } from '../data/fixtures.js';
import { assertColumns, compilePlan, context, nodeOf, rowsOf, tensorTable } from './fixtures.js';

const dir = makeTempDir('transform');
after(() => dir.remove());
const ctx = context(dir);
const duck = (tables: Record<string, Table>, sql: string): Promise<Table> =>
  queryTables({ workers: 1 }, Object.fromEntries(Object.entries(tables).map(([k, t]) => [k, { table: t }])), sql, 'reference');
const transform = (config: Omit<TransformStep, 'op' | 'from'>, input: Table): Promise<Table> => runTransform('t', { op: 'transform', from: 'x', ...config }, input, ctx);

/** Floats compared after rounding to float32, the precision normalize produces. */
function assertClose(actual: Record<string, unknown>[], expected: Record<string, unknown>[]): void {
  const round = (v: unknown): unknown => (typeof v === 'number' ? Math.fround(v) : Array.isArray(v) ? v.map(round) : v);
  assert.deepEqual(actual.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)]))), expected.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)]))));
}

test('the shop features transform: every clause, the plan\'s columns, and DuckDB\'s answer for the same SQL', async () => {
  const shop = join(ROOT, 'specs', 'data', 'shop');
  const plan = compilePlan(dir, (await import('node:fs')).readFileSync(join(ROOT, 'specs', 'tabular-join.yaml'), 'utf8').replaceAll('./data/shop', shop), 'shop.yaml');
  // Joins are another step's business; the joined input is DuckDB's.
  const joined = await duck({}, `SELECT * FROM read_csv('${shop}/orders.csv') o JOIN read_csv('${shop}/customers.csv') c USING (customer_id) ORDER BY order_id`);
  const node = nodeOf(plan, 'features');
  const out = (await runRelationalNode(node, { from: joined }, ctx)).default!;
  assertColumns(out, node.outputs.default!.columns!.map((c) => (c.name === 'region' ? { ...c, type: { tensor: 'float32' as const, shape: [4] } } : c)));
  const expected = await duck({ j: joined }, `
    WITH kept AS (SELECT *, amount / items AS amount_per_item, CAST(returned AS INTEGER) AS returned_label FROM j WHERE age IS NOT NULL AND (amount > 0 AND items >= 1)),
    regions AS (SELECT list_sort(list(DISTINCT region)) AS names FROM kept)
    SELECT (amount - avg(amount) OVER ()) / stddev_pop(amount) OVER () AS amount,
           (amount_per_item - avg(amount_per_item) OVER ()) / stddev_pop(amount_per_item) OVER () AS amount_per_item,
           items, (age - min(age) OVER ()) / (max(age) OVER () - min(age) OVER ()) AS age,
           CAST([CASE WHEN list_position(names, region) = k THEN 1.0 ELSE 0.0 END FOR k IN range(1, 5)] AS FLOAT[4]) AS region, returned_label
    FROM kept, regions ORDER BY order_id`);
  assertClose(rowsOf(out), rowsOf(expected));
});

function randomTable(rows: { i: number | null; f: number | null; s: string | null; g: bigint | null }[]): Table {
  return tableOf(
    [new Field('i', new Int32(), true), new Field('f', new Float64(), true), new Field('s', new Utf8(), true), new Field('g', new Int64(), true)],
    [vectorFromArray(rows.map((r) => r.i), new Int32()).data[0]!, vectorFromArray(rows.map((r) => r.f), new Float64()).data[0]!,
      vectorFromArray(rows.map((r) => r.s), new Utf8()).data[0]!, vectorFromArray(rows.map((r) => r.g), new Int64()).data[0]!],
    rows.length,
  );
}
const row = fc.record({
  i: fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }),
  f: fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: null }),
  s: fc.option(fc.constantFrom('a', 'ab', 'b', 'Bc', '', 'ünï', 'x y'), { nil: null }),
  g: fc.option(fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), { nil: null }),
});
const atom = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map((k) => `i > ${k}`),
  fc.integer({ min: -20, max: 20 }).map((k) => `i % 3 = ${k % 3}`),
  fc.constantFrom('f IS NULL', 'f IS NOT NULL', 'f > 0', 'f BETWEEN -100 AND 100', "s LIKE 'a%'", "s ILIKE 'b%'", "s IN ('a', 'x y')", 'g < 0', 'i IS DISTINCT FROM 3', 'length(s) > 1', 'CAST(i AS DOUBLE) < f'),
);
const predicate = fc.letrec((tie) => ({
  expr: fc.oneof({ depthSize: 'small' }, atom, fc.tuple(tie('expr'), fc.constantFrom('AND', 'OR'), tie('expr')).map(([a, op, b]) => `(${a} ${op} ${b})`), tie('expr').map((e) => `NOT (${e})`)),
})).expr as fc.Arbitrary<string>;

test('filter (property): the same rows as DuckDB\'s WHERE, on random tables with nulls', async () => {
  await fc.assert(fc.asyncProperty(fc.array(row, { maxLength: 40 }), predicate, async (rows, p) => {
    const table = randomTable(rows);
    const ours = await transform({ filter: p }, table);
    const theirs = await duck({ t: table }, `SELECT * FROM t WHERE ${p}`);
    assert.deepEqual(rowsOf(ours), rowsOf(theirs), p);
  }), { numRuns: 60 });
});

const expression = fc.constantFrom(
  'i + 1', 'i * g', 'f / 3', 'COALESCE(i, -1)', "CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' END", 'upper(s)', 's || \'!\'',
  'CAST(i AS DOUBLE) / 7', 'i IS NULL', 'round(f, 2)', 'abs(g) % 5', 'length(s)', 'greatest(i, 0)', 'f::INTEGER', 'NULL',
);

test('derive (property): each column equals DuckDB\'s SELECT expression, types included', async () => {
  await fc.assert(fc.asyncProperty(fc.array(row, { maxLength: 40 }), fc.uniqueArray(expression, { minLength: 1, maxLength: 3 }), async (rows, exprs) => {
    const table = randomTable(rows);
    const derive = Object.fromEntries(exprs.map((e, k) => [`d${k}`, e]));
    const ours = await transform({ derive }, table);
    const theirs = await duck({ t: table }, `SELECT *, ${exprs.map((e, k) => `${e} AS d${k}`).join(', ')} FROM t`);
    assert.deepEqual(ours.schema.fields.map((f) => String(f.type)), theirs.schema.fields.map((f) => String(f.type)));
    assert.deepEqual(rowsOf(ours), rowsOf(theirs));
  }), { numRuns: 40 });
});

test('derive: a derive sees the ones before it; replacing a column moves it to the end', async () => {
  const table = randomTable([{ i: 1, f: 2, s: 'a', g: 3n }, { i: 4, f: null, s: null, g: null }]);
  const out = await transform({ derive: { i: 'i * 10', j: 'i + 1' } }, table);
  assert.deepEqual(out.schema.fields.map((f) => f.name), ['f', 's', 'g', 'i', 'j']);
  assert.deepEqual(rowsOf(out).map((r) => [r.i, r.j]), [[10, 11], [40, 41]]);
});

test('dropna (property): the same rows as WHERE ... IS NOT NULL', async () => {
  await fc.assert(fc.asyncProperty(fc.array(row, { maxLength: 40 }), fc.oneof(fc.constant(true as const), fc.subarray(['i', 'f', 's', 'g'], { minLength: 1 })), async (rows, spec) => {
    const table = randomTable(rows);
    const cols = spec === true ? ['i', 'f', 's', 'g'] : spec;
    const ours = await transform({ dropna: spec }, table);
    const theirs = await duck({ t: table }, `SELECT * FROM t WHERE ${cols.map((c) => `${c} IS NOT NULL`).join(' AND ')}`);
    assert.deepEqual(rowsOf(ours), rowsOf(theirs));
  }), { numRuns: 40 });
});

test('cast: scalar casts are DuckDB\'s CAST; a value that does not convert is a DataError', async () => {
  const table = randomTable([{ i: 1, f: 2.5, s: '12', g: 300n }, { i: null, f: -3.5, s: '-4', g: 5n }, { i: 7, f: 1e3, s: null, g: null }]);
  const out = await transform({ cast: { s: 'int32', f: 'int64', i: 'string', g: 'float32' } }, table);
  assert.deepEqual(out.schema.fields.map((f) => `${f.name}:${f.type}`), ['i:Utf8', 'f:Int64', 's:Int32', 'g:Float32']);
  const theirs = await duck({ t: table }, 'SELECT CAST(i AS VARCHAR) AS i, CAST(f AS BIGINT) AS f, CAST(s AS INTEGER) AS s, CAST(g AS FLOAT) AS g FROM t');
  assert.deepEqual(rowsOf(out), rowsOf(theirs));
  const bad = randomTable([{ i: 1, f: 1, s: 'x', g: 1n }]);
  await assert.rejects(transform({ cast: { s: 'int32' } }, bad), (e: unknown) => e instanceof DataError && /step t: cast: Conversion Error/.test(e.message));
  const tooBig = randomTable([{ i: 1, f: 1, s: 'a', g: 1000n }]);
  await assert.rejects(transform({ cast: { g: 'int8' } }, tooBig), (e: unknown) => e instanceof DataError && /out of range|Conversion/i.test(e.message));
});

test('cast: tensors change element type or shape, keeping values', async () => {
  const table = tensorTable('img', 'uint8', [2, 2], Uint8Array.from([1, 2, 3, 255, 0, 9, 8, 7]));
  const out = await transform({ cast: { img: { tensor: 'float32', shape: [4] } } }, table);
  assert.equal(out.schema.fields[0]!.metadata.get('dlc.shape'), '[4]');
  assert.deepEqual(rowsOf(out), [{ img: [1, 2, 3, 255] }, { img: [0, 9, 8, 7] }]);
  await assert.rejects(transform({ cast: { img: { tensor: 'float32', shape: [3] } } }, table), DataError);
});

test('one_hot: integers by value, strings by sorted value, classes checked, nulls stay null', async () => {
  const table = randomTable([{ i: 2, f: 0, s: 'b', g: 0n }, { i: 0, f: 0, s: null, g: 1n }, { i: null, f: 0, s: 'a', g: 1n }]);
  const out = await transform({ one_hot: ['i', 's'] }, table);
  assert.deepEqual(rowsOf(out).map((r) => [r.i, r.s]), [[[0, 0, 1], [0, 1]], [[1, 0, 0], null], [null, [1, 0]]]);
  const padded = await transform({ one_hot: { s: { classes: 3 }, g: { classes: 2 } } }, table);
  assert.deepEqual(rowsOf(padded).map((r) => [r.s, r.g]), [[[0, 1, 0], [1, 0]], [null, [0, 1]], [[1, 0, 0], [0, 1]]]);
  assert.equal(padded.schema.fields[2]!.metadata.get('dlc.shape'), '[3]');
  await assert.rejects(transform({ one_hot: { i: { classes: 2 } } }, table), (e: unknown) => e instanceof DataError && /value 2 is not a class index in \[0, 2\)/.test(e.message));
  await assert.rejects(transform({ one_hot: { s: { classes: 1 } } }, table), (e: unknown) => e instanceof DataError && /2 distinct values/.test(e.message));
  await assert.rejects(transform({ one_hot: ['f'] }, table), DataError);
});

test('clauses apply in the fixed order whatever order they are written in; select keeps the order given', async () => {
  const table = randomTable([{ i: 1, f: 10, s: 'a', g: 1n }, { i: -1, f: 20, s: 'b', g: null }, { i: 3, f: null, s: 'c', g: 3n }]);
  // Written select-first: select still runs last, after derive made `k`, and normalize sees the filtered rows.
  const out = await transform({ select: ['k', 'f'], normalize: { f: 'minmax' }, derive: { k: 'i * 2' }, filter: 'i > 0', dropna: ['f'] }, table);
  assert.deepEqual(rowsOf(out), [{ k: 2, f: 0 }]);
  await assert.rejects(transform({ select: ['nope'] }, table), (e: unknown) => e instanceof DataError && /no column 'nope'/.test(e.message));
});
