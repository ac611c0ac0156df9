import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Bool, DateDay, Field, makeData, Float32, Float64, Int16, Int32, Int64, Int8, TimestampMicrosecond, Uint8, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { columnTypeOf } from '../../../runtime/relational/arrow/column-types.js';
import { tableOf } from '../../../runtime/relational/arrow/table-parts.js';
import { tensorField } from '../../../runtime/relational/arrow/tensor-field.js';
import { queryTables } from '../../../runtime/relational/duckdb/query.js';
import { DataError } from '../../../runtime/relational/types.js';
import { rowsOf, tensorData } from './fixtures.js';

const ctx = { workers: 2 };
const column = (name: string, type: DataType, values: unknown[]) => ({ field: new Field(name, type, true), data: vectorFromArray(values, type).data[0]! });

function sampleTable() {
  const cols = [
    column('b', new Bool(), [true, null, false, true]),
    column('i8', new Int8(), [-128, 5, null, 127]),
    column('i16', new Int16(), [1, null, -32768, 2]),
    column('i32', new Int32(), [null, 2147483647, -1, 0]),
    column('i64', new Int64(), [1n, -9007199254740993n, null, 0n]),
    column('u8', new Uint8(), [0, 255, 7, null]),
    column('f32', new Float32(), [1.5, null, -0.25, Number.NaN]),
    column('f64', new Float64(), [Math.PI, 1e300, null, -0]),
    column('s', new Utf8(), ['', null, 'short', 'a string longer than twelve bytes, with ünïcödé']),
    column('d', new DateDay(), [new Date(Date.UTC(2024, 1, 29)), null, new Date(0), new Date(Date.UTC(1969, 11, 31))]),
    column('ts', new TimestampMicrosecond(), [Date.UTC(2024, 0, 1, 12, 30, 15, 123), null, 0, -1000]),
  ];
  const tensor = { field: tensorField('img', 'uint8', [2, 3], true), data: tensorData('uint8', [2, 3], Uint8Array.from({ length: 24 }, (_, i) => i * 10), Uint8Array.of(0b1011)) };
  const all = [...cols, tensor];
  return tableOf(all.map((c) => c.field), all.map((c) => c.data), 4);
}

test('strings of every length around DuckDB\'s 12 inline bytes, over several chunks, arrive whole', async () => {
  // Short strings go in as blocks of DuckDB's own entries, longer ones one by one: both, side by side.
  const values = Array.from({ length: 5_000 }, (_, i) => (i % 7 === 3 ? null : i % 11 === 5 ? `é${'ü'.repeat(i % 9)}` : 'abcdefghijklmnopqrstuvwxyz0123456789'.slice(0, i % 37)));
  const table = tableOf([new Field('s', new Utf8(), true)], [vectorFromArray(values, new Utf8()).data[0]!], values.length);
  const back = await queryTables(ctx, { t: { table } }, 'SELECT s, octet_length(encode(s)) AS n FROM t', 'test');
  const s = back.getChild('s')!;
  const n = back.getChild('n')!;
  for (let i = 0; i < values.length; i++) {
    assert.equal(s.get(i), values[i], `row ${i}`);
    assert.equal(n.get(i) === null ? null : Number(n.get(i)), values[i] === null ? null : Buffer.byteLength(values[i]!), `row ${i} length`);
  }
  // DuckDB compares short strings by their whole entry: stray bytes after one would make it unequal to itself.
  const counts = await queryTables(ctx, { t: { table } }, "SELECT s, count(*) AS c FROM t WHERE s IN ('abcdefghijk', 'abc', '') GROUP BY s ORDER BY s", 'test');
  const expected = ['', 'abc', 'abcdefghijk'].map((v) => [v, values.filter((x) => x === v).length]);
  assert.deepEqual(Array.from({ length: counts.numRows }, (_, i) => [counts.getChild('s')!.get(i), Number(counts.getChild('c')!.get(i))]), expected);
});

test('Arrow → DuckDB → Arrow keeps every value, null and type, tensors with their shape', async () => {
  const table = sampleTable();
  const back = await queryTables(ctx, { t: { table } }, 'SELECT * FROM t', 'test');
  assert.deepEqual(back.schema.fields.map((f) => [f.name, columnTypeOf(f)]), table.schema.fields.map((f) => [f.name, columnTypeOf(f)]));
  assert.deepEqual(rowsOf(back), rowsOf(table));
  assert.equal(back.schema.fields.at(-1)!.metadata.get('dlc.shape'), '[2,3]');
});

test('DuckDB types without an Arrow counterpart here come back as float64 or text', async () => {
  const t = await queryTables(ctx, {}, `SELECT 12345678901234567890::HUGEINT AS h, 12.25::DECIMAL(10,2) AS d4, 1.5::DECIMAL(4,1) AS d2,
      123456789012.345::DECIMAL(18,3) AS d8, 3::USMALLINT AS us, 4000000000::UINTEGER AS ui, NULL AS n, [1, 2] AS l,
      {'a': 1} AS st, INTERVAL 1 DAY AS iv, TIMESTAMP_S '2020-01-01 00:00:01' AS tss, [[1.5, 2], [3, 4]]::DOUBLE[2][2] AS arr`, 'test');
  const types = Object.fromEntries(t.schema.fields.map((f) => [f.name, columnTypeOf(f)]));
  assert.deepEqual(types, {
    h: 'float64', d4: 'float64', d2: 'float64', d8: 'float64', us: 'int32', ui: 'int64', n: 'int32', l: 'string', st: 'string', iv: 'string', tss: 'timestamp',
    arr: { tensor: 'float32', shape: [2, 2] },
  });
  const [row] = rowsOf(t);
  assert.deepEqual(row, {
    h: 12345678901234567000, d4: 12.25, d2: 1.5, d8: 123456789012.345, us: 3, ui: 4000000000, n: null, l: '[1, 2]', st: "{'a': 1}", iv: '1 day',
    tss: Date.UTC(2020, 0, 1, 0, 0, 1), arr: [1.5, 2, 3, 4],
  });
});

test('many rows cross in several chunks, in order, and come back as one batch in shared memory that goes back in', async () => {
  const n = 150_000;
  const ids = Int32Array.from({ length: n }, (_, i) => i);
  const table = tableOf([new Field('id', new Int32(), false)], [makeData({ type: new Int32(), length: n, data: ids, nullCount: 0 })], n);
  const back = await queryTables(ctx, { t: { table } }, "SELECT id, id * 2 AS twice, 'name number ' || id AS label FROM t", 'test');
  assert.equal(back.numRows, n);
  // A materialized result of known size: one batch, each column allocated once, in SharedArrayBuffers that
  // the join's threads read without a copy.
  assert.equal(back.batches.length, 1);
  for (const name of ['twice', 'label']) assert.ok(back.getChild(name)!.data[0]!.values.buffer instanceof SharedArrayBuffer, name);
  const twice = back.getChild('twice')!.toArray() as Int32Array;
  for (let i = 0; i < n; i += 997) assert.equal(twice[i], 2 * i);
  assert.equal(back.getChild('label')!.get(n - 1), `name number ${n - 1}`);
  // Shared buffers go back into DuckDB (its bindings take only plain ArrayBuffers), long strings included.
  const again = await queryTables(ctx, { t: { table: back } }, 'SELECT sum(twice)::DOUBLE AS s, max(label) AS m FROM t', 'test');
  assert.equal(again.getChild('s')!.get(0), n * (n - 1));
  assert.equal(again.getChild('m')!.get(0), 'name number 99999');
});

test('bad SQL is a DataError saying where', async () => {
  await assert.rejects(queryTables(ctx, {}, 'SELECT nope FROM range(3)', 'step x: sql'), (e: unknown) => e instanceof DataError && /^step x: sql: Binder Error/.test(e.message));
});

test('property: random tables with nulls survive the round trip', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({
        i: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { nil: null }),
        f: fc.option(fc.double({ noNaN: true }), { nil: null }),
        s: fc.option(fc.string({ unit: 'grapheme', maxLength: 30 }), { nil: null }),
        b: fc.option(fc.boolean(), { nil: null }),
      }), { maxLength: 60 }),
      async (rows) => {
        const table = tableOf(
          [new Field('i', new Int32(), true), new Field('f', new Float64(), true), new Field('s', new Utf8(), true), new Field('b', new Bool(), true)],
          [vectorFromArray(rows.map((r) => r.i), new Int32()).data[0]!, vectorFromArray(rows.map((r) => r.f), new Float64()).data[0]!,
            vectorFromArray(rows.map((r) => r.s), new Utf8()).data[0]!, vectorFromArray(rows.map((r) => r.b), new Bool()).data[0]!],
          rows.length,
        );
        const back = await queryTables(ctx, { t: { table } }, 'SELECT * FROM t', 'test');
        assert.deepEqual(rowsOf(back), rows.map((r) => ({ ...r, f: r.f === null ? null : r.f })));
      },
    ),
    { numRuns: 40 },
  );
});
