import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Field, FixedSizeList, Float64, Int32, Uint16, makeData, tableToIPC, Utf8, vectorFromArray, type Table } from 'apache-arrow';
import { readSource } from '../../../runtime/relational/read-source.js';
import { tableOf } from '../../../runtime/relational/arrow/table-parts.js';
import { queryTables } from '../../../runtime/relational/duckdb/query.js';
import { DataError } from '../../../runtime/relational/types.js';
import { ROOT } from '../../helpers.js';
import { makeTempDir } from '../data/fixtures.js';
import { assertColumns, compilePlan, context, nodeOf, rowsOf } from './fixtures.js';

const dir = makeTempDir('read-sources');
after(() => dir.remove());
const ctx = context(dir);

const sourceSpec = (body: string) => `dlc: 1\nname: t\nsources:\n  src:\n${body.replace(/^/gm, '    ')}\n`;
async function read(body: string): Promise<{ table: Table; columns: unknown }> {
  const node = nodeOf(compilePlan(dir, sourceSpec(body)), 'src');
  const table = await readSource(node, ctx);
  assertColumns(table, node.outputs.default?.columns);
  return { table, columns: node.outputs.default?.columns };
}

async function rejectsWith(body: string, file: string, ...fragments: (string | RegExp)[]): Promise<DataError> {
  const node = { id: 'src', kind: 'source' as const, op: 'source', inputs: [], outputs: {}, config: JSON.parse(body) as Record<string, unknown> };
  let caught: DataError | undefined;
  await assert.rejects(readSource(node, ctx), (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.equal(e.file, file, e.message);
    assert.ok(e.message.includes(file), `the message names ${file}: ${e.message}`);
    for (const f of fragments) assert.ok(typeof f === 'string' ? e.message.includes(f) : f.test(e.message), `"${f}" in: ${e.message}`);
    caught = e;
    return true;
  });
  return caught!;
}

/** DuckDB's own reading of the same query, for comparison. */
const duck = (sql: string): Promise<Table> => queryTables({ workers: 1 }, {}, sql, 'reference');

test('csv: the shop orders read with the plan\'s types equal DuckDB\'s own read_csv', async () => {
  const file = join(ROOT, 'specs', 'data', 'shop', 'orders.csv');
  const { table } = await read(`format: csv\npath: ${file}`);
  const reference = await duck(`SELECT * FROM read_csv('${file}')`);
  assert.equal(table.numRows, readFileSync(file, 'utf8').trim().split('\n').length - 1);
  assert.deepEqual(rowsOf(table), rowsOf(reference));
});

test('csv: delimiter, no header, null values', async () => {
  const file = dir.write('semi.csv', '1;x;2.5\n2;NA;\n3;z;-1\n');
  const { table } = await read(`format: csv\npath: ${file}\ndelimiter: ";"\nheader: false\nnull_values: [NA]`);
  assert.deepEqual(rowsOf(table), [
    { column0: 1, column1: 'x', column2: 2.5 },
    { column0: 2, column1: null, column2: null },
    { column0: 3, column1: 'z', column2: -1 },
  ]);
});

test('csv glob: one partition per file, in sorted order; a file with another schema is named with the first', async () => {
  dir.write('parts/b.csv', 'id,v\n3,c\n4,d\n');
  dir.write('parts/a.csv', 'id,v\n1,a\n2,b\n');
  dir.write('parts/c.csv', 'id,v\n5,e\n');
  const { table } = await read(`format: csv\npath: ${dir.path}/parts/*.csv`);
  assert.deepEqual(table.batches.map((b) => b.numRows), [2, 2, 1]);
  assert.deepEqual([...table.getChild('id')!].map(Number), [1, 2, 3, 4, 5]);
  dir.write('parts/d.csv', 'id,w\n6,f\n');
  await rejectsWith(JSON.stringify({ format: 'csv', path: `${dir.path}/parts/*.csv` }), `${dir.path}/parts/d.csv`, `${dir.path}/parts/a.csv`, 'column 2 is "w"');
});

test('csv on_error: fail names the file and line of the first bad row; skip leaves bad rows out', async () => {
  const file = dir.write('bad.csv', 'a,b\n1,x\n2,y\noops,z\n4,w\n');
  // The plan says `a` is int64 (from a file like this one); line 4 of this one is not.
  const plan = compilePlan(dir, sourceSpec(`format: csv\npath: ${dir.write('good.csv', 'a,b\n1,x\n')}`));
  const node = nodeOf(plan, 'src');
  const failing = { ...node, config: { format: 'csv', path: file } };
  await assert.rejects(readSource(failing, ctx), (e: unknown) => e instanceof DataError && e.file === file && e.line === 4 && e.message.includes(`${file}: line 4`));
  const skipping = { ...node, config: { format: 'csv', path: file, on_error: 'skip' } };
  const t = await readSource(skipping, ctx);
  assert.deepEqual(rowsOf(t), [{ a: 1, b: 'x' }, { a: 2, b: 'y' }, { a: 4, b: 'w' }]);
  const unclosed = dir.write('unclosed.csv', 'a,b\n1,x\n2,"y\n');
  await assert.rejects(readSource({ ...node, config: { format: 'csv', path: unclosed } }, ctx), (e: unknown) => e instanceof DataError && e.file === unclosed && e.line === 3 && /never closed/.test(e.message));
});

test('jsonl: keys to columns, arrays to tensors, objects to JSON text, dates; values equal DuckDB\'s read_json', async () => {
  const file = dir.write('rows.jsonl', [
    '{"id": 1, "x": [1, 2.5], "meta": {"k": [1, 2]}, "day": "2024-03-01", "ok": true}',
    '',
    '{"id": 2, "x": [3, 4], "meta": null, "day": "2024-03-02", "ok": false}',
    '{"ok": null, "id": 3, "x": [5, 6], "day": "2024-03-03"}',
  ].join('\n'));
  const { table } = await read(`format: jsonl\npath: ${file}`);
  assert.deepEqual(rowsOf(table), [
    { id: 1, x: [1, 2.5], meta: '{"k":[1,2]}', day: Date.UTC(2024, 2, 1), ok: true },
    { id: 2, x: [3, 4], meta: null, day: Date.UTC(2024, 2, 2), ok: false },
    { id: 3, x: [5, 6], meta: null, day: Date.UTC(2024, 2, 3), ok: null },
  ]);
  const reference = await duck(`SELECT id, ok FROM read_json('${file}')`);
  assert.deepEqual(rowsOf(table).map((r) => ({ id: r.id, ok: r.ok })), rowsOf(reference));
});

test('jsonl on_error: fail gives the file and line of a malformed line or a bad value; skip leaves those lines out', async () => {
  const good = dir.write('good.jsonl', '{"a": 1, "b": "x"}\n');
  const node = nodeOf(compilePlan(dir, sourceSpec(`format: jsonl\npath: ${good}`)), 'src');
  const malformed = dir.write('malformed.jsonl', '{"a": 1, "b": "x"}\n\n{"a": 2, "b": "y"}\nnot json\n{"a": 5, "b": "z"}\n');
  await assert.rejects(readSource({ ...node, config: { format: 'jsonl', path: malformed } }, ctx), (e: unknown) => e instanceof DataError && e.file === malformed && e.line === 4 && e.message.includes('line 4'));
  const badValue = dir.write('bad-value.jsonl', '{"a": 1, "b": "x"}\n{"a": "two", "b": "y"}\n{"a": 3}\n');
  await assert.rejects(readSource({ ...node, config: { format: 'jsonl', path: badValue } }, ctx), (e: unknown) => e instanceof DataError && e.file === badValue && e.line === 2);
  const skipped = await readSource({ ...node, config: { format: 'jsonl', path: dir.write('mixed.jsonl', '{"a": 1, "b": "x"}\n[1]\n{"a": "two", "b": "y"}\nnot json\n{"a": 3}\n{"a": null, "b": "n"}\n'), on_error: 'skip' } }, ctx);
  assert.deepEqual(rowsOf(skipped), [{ a: 1, b: 'x' }, { a: 3, b: null }, { a: null, b: 'n' }]);
});

test('parquet: columns by the file metadata, values equal DuckDB; corrupt and truncated files are named', async () => {
  const file = join(dir.path, 'p.parquet');
  await duck(`COPY (SELECT i::INTEGER AS i, i * 1.5 AS f, 'row ' || i AS s, DATE '2024-01-01' + i::INTEGER AS d, i % 2 = 0 AS even FROM range(1000) t(i)) TO '${file}' (FORMAT parquet)`);
  const { table } = await read(`format: parquet\npath: ${file}`);
  assert.deepEqual(rowsOf(table), rowsOf(await duck(`SELECT * FROM read_parquet('${file}')`)));
  const bytes = readFileSync(file);
  const truncated = dir.write('truncated.parquet', bytes.subarray(0, bytes.length - 100));
  await rejectsWith(JSON.stringify({ format: 'parquet', path: truncated }), truncated, /truncated|damaged/);
  const garbage = dir.write('garbage.parquet', Buffer.concat([bytes.subarray(0, 4), Buffer.alloc(bytes.length - 8, 7), bytes.subarray(bytes.length - 4)]));
  await rejectsWith(JSON.stringify({ format: 'parquet', path: garbage }), garbage);
  await rejectsWith(JSON.stringify({ format: 'parquet', path: join(dir.path, 'absent.parquet') }), join(dir.path, 'absent.parquet'), 'does not exist');
  await rejectsWith(JSON.stringify({ format: 'parquet', path: `${dir.path}/nothing/*.parquet` }), `${dir.path}/nothing/*.parquet`, 'no files match');
});

test('arrow: IPC file and stream; unsigned and nested fixed-size lists read as the plan types them', async () => {
  const n = 3;
  const nested = new FixedSizeList(2, new Field('row', new FixedSizeList(2, new Field('item', new Float64(), false)), false));
  const leaf = makeData({ type: new Float64(), length: n * 4, data: Float64Array.from({ length: n * 4 }, (_, i) => i / 2), nullCount: 0 });
  const inner = makeData({ type: nested.children[0]!.type, length: n * 2, child: leaf, nullCount: 0 });
  const t = tableOf(
    [new Field('u', new Uint16(), false), new Field('m', nested, false), new Field('s', new Utf8(), true)],
    [makeData({ type: new Uint16(), length: n, data: Uint16Array.from([1, 65535, 7]), nullCount: 0 }), makeData({ type: nested, length: n, child: inner, nullCount: 0 }), vectorFromArray(['a', null, 'c'], new Utf8()).data[0]!],
    n,
  );
  for (const format of ['file', 'stream'] as const) {
    const file = dir.write(`t.${format}.arrow`, tableToIPC(t, format));
    const { table } = await read(`format: arrow\npath: ${file}`);
    assert.equal(String(table.schema.fields[0]!.type), 'Int32');
    assert.equal(table.schema.fields[1]!.metadata.get('dlc.shape'), '[2,2]');
    assert.deepEqual(rowsOf(table), [
      { u: 1, m: [0, 0.5, 1, 1.5], s: 'a' },
      { u: 65535, m: [2, 2.5, 3, 3.5], s: null },
      { u: 7, m: [4, 4.5, 5, 5.5], s: 'c' },
    ]);
  }
  const bytes = tableToIPC(t, 'file');
  const cut = dir.write('cut.arrow', bytes.subarray(0, bytes.length - 30));
  await rejectsWith(JSON.stringify({ format: 'arrow', path: cut }), cut, /truncated/);
});

test('a missing csv and a csv with a ragged row are DataErrors naming the file', async () => {
  await rejectsWith(JSON.stringify({ format: 'csv', path: join(dir.path, 'none.csv') }), join(dir.path, 'none.csv'), 'does not exist');
  const ragged = dir.write('ragged.csv', 'a,b\n1,2\n3,4,5\n');
  await rejectsWith(JSON.stringify({ format: 'csv', path: ragged }), ragged, 'line 3');
});

test('jsonl and csv columns of a declared schema are picked by name and cast', async () => {
  const file = dir.write('declared.csv', 'x,y,z\n1,2,3\n4,5,6\n');
  const { table } = await read(`format: csv\npath: ${file}\nschema: { z: float32, x: int32 }`);
  assert.deepEqual(rowsOf(table), [{ z: 3, x: 1 }, { z: 6, x: 4 }]);
  assert.deepEqual(table.schema.fields.map((f) => String(f.type)), ['Float32', 'Int32']);
  void Int32;
});

test('parquet and jsonl globs: one partition per file; parquet files with other column types are named with the first', async () => {
  dir.write('pq/.keep', '');
  await duck(`COPY (SELECT range AS id, range * 2 AS v FROM range(3)) TO '${dir.path}/pq/a.parquet' (FORMAT parquet)`);
  await duck(`COPY (SELECT range + 3 AS id, range * 2 AS v FROM range(2)) TO '${dir.path}/pq/b.parquet' (FORMAT parquet)`);
  const { table } = await read(`format: parquet\npath: ${dir.path}/pq/*.parquet`);
  assert.deepEqual(table.batches.map((b) => b.numRows), [3, 2]);
  assert.deepEqual([...table.getChild('id')!].map(Number), [0, 1, 2, 3, 4]);
  await duck(`COPY (SELECT range::VARCHAR AS id, range * 2 AS v FROM range(2)) TO '${dir.path}/pq/c.parquet' (FORMAT parquet)`);
  await rejectsWith(JSON.stringify({ format: 'parquet', path: `${dir.path}/pq/*.parquet` }), `${dir.path}/pq/c.parquet`, `${dir.path}/pq/a.parquet`, '"id"');

  dir.write('js/1.jsonl', '{"k": 1}\n{"k": 2}\n');
  dir.write('js/2.jsonl', '{"k": 3.5}\n');
  const jsonl = await read(`format: jsonl\npath: ${dir.path}/js/*.jsonl`);
  assert.deepEqual(jsonl.table.batches.map((b) => b.numRows), [2, 1]);
  assert.deepEqual(rowsOf(jsonl.table), [{ k: 1 }, { k: 2 }, { k: 3.5 }]);
});
