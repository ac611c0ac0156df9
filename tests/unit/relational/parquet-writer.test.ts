// The Parquet writer of the export step: every column type it takes reads back from DuckDB and from
// hyparquet (a second, independent reader) as written, nulls, slices, many batches and row groups included.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  Binary, Bool, DateDay, DateMillisecond, Dictionary, Field, FixedSizeList, Float32, Float64, Int16, Int32, Int64, Int8, Schema, Table,
  TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond, TimestampSecond, Uint16, Uint32, Uint64, Uint8, Utf8, vectorFromArray, type DataType,
} from 'apache-arrow';
import { parquetReadObjects } from 'hyparquet';
import { makeBatch, makeTable, tableOf } from '../../../runtime/relational/arrow/table-parts.js';
import { queryTables } from '../../../runtime/relational/duckdb/query.js';
import { pageCodec } from '../../../runtime/relational/export/parquet/codec.js';
import { parquetColumns, ROW_GROUP_ROWS, writeParquetFile } from '../../../runtime/relational/export/parquet/write-parquet.js';
import { makeTempDir } from '../data/fixtures.js';

const dir = makeTempDir('parquet-writer');
after(() => dir.remove());
const duck = (sql: string): Promise<Table> => queryTables({ workers: 1 }, {}, sql, 'reference');
const column = (name: string, type: DataType, values: unknown[], nullable = true) => ({ field: new Field(name, type, nullable), data: vectorFromArray(values, type).data[0]! });
// Every test runs for both ways pages are written: as they are, and snappy-compressed (the default).
const COMPRESSIONS = ['none', 'snappy'] as const;
type Compression = (typeof COMPRESSIONS)[number];
const write = async (name: string, table: Table, compression: Compression): Promise<string> => {
  const path = join(dir.path, `${compression}-${name}`);
  const columns = parquetColumns(table);
  assert.ok(columns, 'every column is one the writer takes');
  await writeParquetFile(path, table, columns, 'dlc test', await pageCodec(compression));
  return path;
};
const cells = (t: Table) => Array.from({ length: t.numRows }, (_, i) => t.schema.fields.map((f) => {
  const v = t.getChild(f.name)!.get(i);
  return typeof v === 'bigint' ? Number(v) : v instanceof Uint8Array ? [...v] : v;
}));

const day = 86_400_000;
function everyType(): Table {
  const cols = [
    column('b', new Bool(), [true, null, false, true, false]),
    column('i8', new Int8(), [-128, 5, null, 127, 0]),
    column('i16', new Int16(), [1, null, -32768, 2, 3]),
    column('i32', new Int32(), [-2147483648, 2147483647, -1, 0, 7], false),
    column('i32null', new Int32(), [null, 1, 2, 3, 4], false),
    column('i64', new Int64(), [1n, -9007199254740993n, null, 0n, 5n]),
    column('u8', new Uint8(), [0, 255, 7, null, 1]),
    column('u16', new Uint16(), [0, 65535, null, 3, 4]),
    column('u32', new Uint32(), [0, 4294967295, 9, null, 1]),
    column('u64', new Uint64(), [0n, 18446744073709551615n, null, 2n, 3n]),
    column('f32', new Float32(), [1.5, null, -0.25, Number.NaN, 2]),
    column('f64', new Float64(), [Math.PI, 1e300, null, -0, 1]),
    column('s', new Utf8(), ['', null, 'short', 'a string longer than twelve bytes, with ünïcödé', '日本']),
    column('bin', new Binary(), [Uint8Array.of(0, 1, 2), null, new Uint8Array(0), Uint8Array.of(255), Uint8Array.of(7, 7)]),
    column('dict', new Dictionary(new Utf8(), new Int32()), ['x', 'y', null, 'x', 'zz']),
    column('d', new DateDay(), [new Date(Date.UTC(2024, 1, 29)), null, new Date(0), new Date(Date.UTC(1969, 11, 31)), new Date(day)]),
    column('dms', new DateMillisecond(), [new Date(3 * day), new Date(0), null, new Date(-day), new Date(day)]),
    column('ts_s', new TimestampSecond(), [Date.UTC(2024, 0, 1, 12, 30, 15), null, 0, -1000, 1000]),
    column('ts_ms', new TimestampMillisecond(), [Date.UTC(2024, 0, 1, 12, 30, 15, 123), null, 0, -1, 1]),
    column('ts_us', new TimestampMicrosecond(), [Date.UTC(2024, 0, 1, 12, 30, 15, 123), 0, null, -1000, 1000]),
    column('ts_ns', new TimestampNanosecond(), [Date.UTC(2024, 0, 1, 12, 30, 15, 123), 0, -1000, null, 1]),
  ];
  return tableOf(cols.map((c) => c.field), cols.map((c) => c.data), 5);
}

for (const compression of COMPRESSIONS) test(`every column type reads back from DuckDB as what the DuckDB export path writes (${compression})`, async () => {
  const table = everyType();
  const mine = await write('types.parquet', table, compression);
  const theirs = join(dir.path, 'types-duckdb.parquet');
  await queryTables({ workers: 1 }, { t: { table } }, `COPY (SELECT * FROM t) TO '${theirs}' (FORMAT parquet)`, 'reference');
  const a = await duck(`SELECT * FROM read_parquet('${mine}')`);
  const b = await duck(`SELECT * FROM read_parquet('${theirs}')`);
  assert.deepEqual(a.schema.fields.map((f) => [f.name, String(f.type)]), b.schema.fields.map((f) => [f.name, String(f.type)]));
  assert.deepEqual(cells(a), cells(b));
  // Non-nullable fields are REQUIRED columns, the rest OPTIONAL; one that says non-nullable but holds a
  // null is written OPTIONAL rather than wrongly.
  const repetition = await duck(`SELECT name, repetition_type FROM parquet_schema('${mine}') WHERE name IN ('i32', 'i32null', 's') ORDER BY name`);
  assert.deepEqual(cells(repetition), [['i32', 'REQUIRED'], ['i32null', 'OPTIONAL'], ['s', 'OPTIONAL']]);
});

for (const compression of COMPRESSIONS) test(`hyparquet, an independent reader, reads the same values (${compression})`, async () => {
  const table = everyType();
  const path = await write('types-hyparquet.parquet', table, compression);
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const rows = (await parquetReadObjects({ file, utf8: true })) as Record<string, unknown>[];
  assert.equal(rows.length, 5);
  assert.deepEqual(rows.map((r) => r.s), ['', null, 'short', 'a string longer than twelve bytes, with ünïcödé', '日本']);
  assert.deepEqual(rows.map((r) => r.i16), [1, null, -32768, 2, 3]);
  assert.deepEqual(rows.map((r) => r.b), [true, null, false, true, false]);
  assert.deepEqual(rows.map((r) => r.dict), ['x', 'y', null, 'x', 'zz']);
  assert.deepEqual(rows.map((r) => r.i64), [1n, -9007199254740993n, null, 0n, 5n]);
});

for (const compression of COMPRESSIONS) test(`many batches, slices at odd offsets, row groups past the limit: every row and null where it was (${compression})`, async () => {
  const n = ROW_GROUP_ROWS * 2 + 1_234;
  const values = Array.from({ length: n }, (_, i) => (i % 11 === 3 ? null : i));
  const whole = column('v', new Int64(), values.map((v) => (v === null ? null : BigInt(v)))).data;
  const names = column('s', new Utf8(), values.map((v) => (v === null || v % 5 === 0 ? null : `n${v}`))).data;
  const fields = [new Field('v', new Int64(), true), new Field('s', new Utf8(), true)];
  const schema = makeTable(new Schema(fields), []).schema;
  // Batches cut at offsets that are not multiples of 8, so the validity bits must be shifted.
  const cuts = [0, 3, 1_001, ROW_GROUP_ROWS + 5, n];
  const batches = cuts.slice(1).map((to, i) => makeBatch(fields, [whole.slice(cuts[i]!, to - cuts[i]!), names.slice(cuts[i]!, to - cuts[i]!)], to - cuts[i]!, schema));
  const path = await write('groups.parquet', makeTable(schema, batches), compression);
  const meta = await duck(`SELECT count(DISTINCT row_group_id) AS groups FROM parquet_metadata('${path}')`);
  assert.ok(Number(meta.getChild('groups')!.get(0)) >= 4, 'a row group per batch, large ones split');
  // The codec is recorded per column chunk, with sizes before and after it (a chunk of a few rows may grow a
  // little under snappy; the file as a whole shrinks).
  const codec = await duck(`SELECT compression, sum(total_uncompressed_size) AS raw, sum(total_compressed_size) AS stored FROM parquet_metadata('${path}') GROUP BY 1`);
  assert.equal(codec.numRows, 1);
  assert.equal(codec.getChild('compression')!.get(0), compression === 'snappy' ? 'SNAPPY' : 'UNCOMPRESSED');
  const [raw, stored] = [Number(codec.getChild('raw')!.get(0)), Number(codec.getChild('stored')!.get(0))];
  if (compression === 'snappy') assert.ok(stored < raw, `compressed ${stored} B of ${raw} B`);
  else assert.equal(stored, raw);
  const back = await duck(`SELECT v, s FROM read_parquet('${path}')`);
  assert.equal(back.numRows, n);
  for (let i = 0; i < n; i++) {
    const v = back.getChild('v')!.get(i);
    assert.equal(v === null ? null : Number(v), values[i], `row ${i}`);
    const s = back.getChild('s')!.get(i);
    assert.equal(s, values[i] === null || values[i]! % 5 === 0 ? null : `n${values[i]}`, `row ${i}`);
  }
});

for (const compression of COMPRESSIONS) test(`an empty table is a valid file with its columns; tensor columns are left to DuckDB (${compression})`, async () => {
  const fields = [new Field('a', new Int32(), true), new Field('s', new Utf8(), true)];
  const empty = makeTable(new Schema(fields), []);
  const path = await write('empty.parquet', empty, compression);
  assert.ok(statSync(path).size > 8);
  const back = await duck(`SELECT * FROM read_parquet('${path}')`);
  assert.equal(back.numRows, 0);
  assert.deepEqual(back.schema.fields.map((f) => f.name), ['a', 's']);
  const tensorType = new FixedSizeList(2, new Field('v', new Float32(), false));
  const tensors = new Table({ t: vectorFromArray([[1, 2]], tensorType) });
  assert.equal(parquetColumns(tensors), undefined);
});

for (const compression of COMPRESSIONS) test(`columns with few distinct values are dictionary-encoded and read back from DuckDB and hyparquet as written (${compression})`, async () => {
  const n = ROW_GROUP_ROWS + 3_001;
  const labels = ['alpha', '', 'ünïcödé', 'a label longer than twelve bytes', 'b'];
  const rows = Array.from({ length: n }, (_, i) => ({
    s: i % 13 === 0 ? null : labels[(i * 7) % labels.length]!,
    i64: i % 17 === 0 ? null : BigInt((i % 300) - 150),
    i32: i % 100,
    f64: [0.5, -0, Number.NaN, 1e300, 0][i % 5]!,
    f32: i % 3 === 0 ? 1.5 : -2.25,
    // Distinct everywhere: stays PLAIN.
    id: BigInt(i),
  }));
  const cols = [
    column('s', new Utf8(), rows.map((r) => r.s)),
    column('i64', new Int64(), rows.map((r) => r.i64)),
    column('i32', new Int32(), rows.map((r) => r.i32), false),
    column('f64', new Float64(), rows.map((r) => r.f64), false),
    column('f32', new Float32(), rows.map((r) => r.f32), false),
    column('id', new Int64(), rows.map((r) => r.id), false),
  ];
  const path = await write('dictionary.parquet', tableOf(cols.map((c) => c.field), cols.map((c) => c.data), n), compression);
  const encodings = await duck(`SELECT path_in_schema AS c, bool_and(encodings LIKE '%RLE_DICTIONARY%') AS dict FROM parquet_metadata('${path}') GROUP BY 1 ORDER BY 1`);
  assert.deepEqual(cells(encodings), [['f32', true], ['f64', true], ['i32', true], ['i64', true], ['id', false], ['s', true]]);
  const back = await duck(`SELECT * FROM read_parquet('${path}')`);
  assert.equal(back.numRows, n);
  const bytes = readFileSync(path);
  const hy = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), utf8: true })) as Record<string, unknown>[];
  assert.equal(hy.length, n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const got = cells(back.slice(i, i + 1))[0]!;
    assert.deepEqual(got, [r.s, r.i64 === null ? null : Number(r.i64), r.i32, r.f64, r.f32, Number(r.id)], `row ${i} from DuckDB`);
    const h = hy[i]!;
    assert.deepEqual([h.s, h.i64, h.i32, h.f64, h.f32, h.id], [r.s, r.i64, r.i32, r.f64, r.f32, r.id], `row ${i} from hyparquet`);
  }
  assert.ok(Object.is(cells(back.slice(1, 2))[0]![3], -0), '-0 stays -0');
});

test('a small row group with many distinct values does not turn the dictionary off for the large ones after it', async () => {
  // 1,000 keys: a first batch of 1,500 rows holds 700 of them (too many for a dictionary of its own), the
  // batches after it whole row groups of the same 1,000 keys.
  const small = Array.from({ length: 1_500 }, (_, i) => i % 700);
  const large = Array.from({ length: ROW_GROUP_ROWS * 2 }, (_, i) => (i * 7) % 1_000);
  const fields = [new Field('c', new Int64(), false)];
  const schema = makeTable(new Schema(fields), []).schema;
  const batches = [small, large].map((values) => makeBatch(fields, [column('c', new Int64(), values.map(BigInt), false).data], values.length, schema));
  const path = await write('small-first.parquet', makeTable(schema, batches), 'none');
  const groups = await duck(`SELECT row_group_id, row_group_num_rows AS n, encodings FROM parquet_metadata('${path}') ORDER BY row_group_id`);
  const rows = cells(groups) as [number, number, string][];
  assert.equal(rows.length, 3);
  assert.doesNotMatch(rows[0]![2], /DICTIONARY/, 'the small group is PLAIN');
  for (const [, n, encodings] of rows.slice(1)) assert.match(encodings, /RLE_DICTIONARY/, `a group of ${n} rows`);
  const back = await duck(`SELECT sum(c)::DOUBLE AS s FROM read_parquet('${path}')`);
  assert.equal(back.getChild('s')!.get(0), [...small, ...large].reduce((a, b) => a + b, 0));
});
