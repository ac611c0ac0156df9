import assert from 'node:assert/strict';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { Field, FixedSizeList, Float32, Int32, Message, Schema } from 'apache-arrow';
import { inspectSource } from '../../../runtime/data/inspect/index.js';
import { assertOk, assertProblem, makeTempDir } from './fixtures.js';

const dir = makeTempDir('parquet');
let instance: DuckDBInstance;
let db: DuckDBConnection;

before(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});
after(() => {
  db.closeSync();
  instance.closeSync();
  dir.remove();
});

/** Writes the result of `select` to a Parquet file with DuckDB; `options` go into COPY's option list. */
async function writeParquet(name: string, select: string, options = ''): Promise<string> {
  const file = dir.write(name, '');
  await db.run(`COPY (${select}) TO '${file}' (FORMAT parquet${options ? `, ${options}` : ''})`);
  return file;
}

test('parquet: column types from the footer metadata, rows from the row count', async () => {
  const file = await writeParquet(
    'types.parquet',
    `SELECT i::INTEGER AS i32, i::BIGINT AS i64, (i % 100)::TINYINT AS i8, i::SMALLINT AS i16, (i % 200)::UTINYINT AS u8,
            i::FLOAT AS f32, i::DOUBLE AS f64, i % 2 = 0 AS b, 'x' || i AS s, DATE '2024-01-01' + i::INTEGER AS d,
            TIMESTAMP '2024-01-01 00:00:00' AS ts, 1.25::DECIMAL(10, 2) AS dec, [i, i] AS list, {'k': i} AS st,
            'ab'::BLOB AS bin
     FROM range(1000) t(i)`,
  );
  const stats = assertOk(inspectSource({ format: 'parquet', path: file }));
  assert.deepEqual(
    stats.schema?.map((c) => [c.name, c.type]),
    [
      ['i32', 'int32'], ['i64', 'int64'], ['i8', 'int8'], ['i16', 'int16'], ['u8', 'uint8'],
      ['f32', 'float32'], ['f64', 'float64'], ['b', 'bool'], ['s', 'string'], ['d', 'date'],
      ['ts', 'timestamp'], ['dec', 'float64'], ['list', 'string'], ['st', 'string'], ['bin', 'string'],
    ],
  );
  // DuckDB writes every column as OPTIONAL.
  assert.ok(stats.schema?.every((c) => c.nullable === true));
  assert.equal(stats.rows, 1000);
  assert.equal(stats.schemaFrom, 'parquet metadata');
  assert.deepEqual(stats.files, [{ path: file, bytes: readFileSync(file).length, rows: 1000 }]);
});

test('parquet: an embedded Arrow schema makes a fixed-size list a tensor', async () => {
  const schema = new Schema([
    new Field('id', new Int32(), true),
    new Field('embedding', new FixedSizeList(4, new Field('item', new Float32(), true)), true),
  ]);
  const flatbuffer = Message.encode(Message.from(schema));
  // Stored like pyarrow does: continuation marker, length, message, base64-encoded.
  const framed = new Uint8Array(8 + flatbuffer.length);
  new DataView(framed.buffer).setInt32(0, -1, true);
  new DataView(framed.buffer).setInt32(4, flatbuffer.length, true);
  framed.set(flatbuffer, 8);
  const encoded = Buffer.from(framed).toString('base64');
  const file = await writeParquet(
    'tensor.parquet',
    'SELECT i::INTEGER AS id, [1.0, 2.0, 3.0, 4.0]::FLOAT[4] AS embedding FROM range(3) t(i)',
    `KV_METADATA {'ARROW:schema': '${encoded}'}`,
  );
  const stats = assertOk(inspectSource({ format: 'parquet', path: file }));
  assert.deepEqual(stats.schema, [
    { name: 'id', type: 'int32', nullable: true },
    { name: 'embedding', type: { tensor: 'float32', shape: [4] }, nullable: true },
  ]);
});

test('parquet corrupt: not a Parquet file (bad magic)', () => {
  const file = dir.write('fake.parquet', 'id,name\n1,a\n2,b\n');
  assertProblem(inspectSource({ format: 'parquet', path: file }), 'corrupt', file, 'not a Parquet file', 'PAR1');
  const tiny = dir.write('tiny.parquet', 'PAR1');
  assertProblem(inspectSource({ format: 'parquet', path: tiny }), 'corrupt', tiny, 'too small');
});

test('parquet corrupt: a truncated file has no footer', async () => {
  const file = await writeParquet('cut.parquet', 'SELECT i FROM range(100) t(i)');
  truncateSync(file, readFileSync(file).length - 20);
  assertProblem(inspectSource({ format: 'parquet', path: file }), 'corrupt', file, 'truncated or damaged', 'does not end with it');
});

test('parquet corrupt: a footer length larger than the file, and a footer that does not decode', async () => {
  const good = readFileSync(await writeParquet('good.parquet', 'SELECT i FROM range(10) t(i)'));
  const long = Buffer.from(good);
  long.writeUInt32LE(good.length * 2, good.length - 8);
  const file = dir.write('long-footer.parquet', long);
  assertProblem(inspectSource({ format: 'parquet', path: file }), 'corrupt', file, /claims \d+ bytes of metadata/);

  const garbled = Buffer.from(good);
  const footerLength = good.readUInt32LE(good.length - 8);
  garbled.fill(0xff, good.length - 8 - footerLength, good.length - 8);
  const bad = dir.write('garbled-footer.parquet', garbled);
  assertProblem(inspectSource({ format: 'parquet', path: bad }), 'corrupt', bad, 'damaged Parquet footer');
});

test('parquet glob: partitions with one schema add up their rows', async () => {
  await writeParquet('parts/p=1/part-0.parquet', 'SELECT i::BIGINT AS id, i::DOUBLE AS x FROM range(10) t(i)');
  await writeParquet('parts/p=2/part-0.parquet', 'SELECT i::BIGINT AS id, i::DOUBLE AS x FROM range(25) t(i)');
  const stats = assertOk(inspectSource({ format: 'parquet', path: `${dir.path}/parts/*/*.parquet` }));
  assert.equal(stats.rows, 35);
  assert.deepEqual(stats.files.map((f) => [f.path, f.rows]), [
    [`${dir.path}/parts/p=1/part-0.parquet`, 10],
    [`${dir.path}/parts/p=2/part-0.parquet`, 25],
  ]);
  assert.equal(stats.bytes, stats.files.reduce((s, f) => s + f.bytes, 0));
  assert.equal(stats.schemaFrom, 'parquet metadata of 2 files');
});

test('parquet glob schema-mismatch: names the first differing file and column', async () => {
  await writeParquet('mixed/a.parquet', 'SELECT i::BIGINT AS id, i::DOUBLE AS x FROM range(3) t(i)');
  await writeParquet('mixed/b.parquet', 'SELECT i::BIGINT AS id, i::DOUBLE AS x FROM range(3) t(i)');
  const c = await writeParquet('mixed/c.parquet', "SELECT i::BIGINT AS id, 'v' || i AS x FROM range(3) t(i)");
  await writeParquet('mixed/d.parquet', 'SELECT i::BIGINT AS other FROM range(3) t(i)');
  assertProblem(inspectSource({ format: 'parquet', path: `${dir.path}/mixed/*.parquet` }), 'schema-mismatch', c, 'column "x" is string', 'float64', `${dir.path}/mixed/a.parquet`);

  await writeParquet('renamed/a.parquet', 'SELECT 1::BIGINT AS id, 2.0::DOUBLE AS x');
  const b = await writeParquet('renamed/b.parquet', 'SELECT 1::BIGINT AS id, 2.0::DOUBLE AS y');
  assertProblem(inspectSource({ format: 'parquet', path: `${dir.path}/renamed/*.parquet` }), 'schema-mismatch', b, 'column 2 is "y"', '"x"');
});

test('parquet: a file whose content is not what its name says is reported, not thrown', () => {
  writeFileSync(`${dir.path}/zero.parquet`, '');
  assertProblem(inspectSource({ format: 'parquet', path: `${dir.path}/zero.parquet` }), 'corrupt', `${dir.path}/zero.parquet`, '0 bytes');
});
