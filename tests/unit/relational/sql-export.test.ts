import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Field, Float64, Int32, Utf8, vectorFromArray, type Table } from 'apache-arrow';
import { readTableFile } from '../../../runtime/data/table-file.js';
import { runRelationalNode } from '../../../runtime/relational/run-node.js';
import { tableOf } from '../../../runtime/relational/arrow/table-parts.js';
import { queryTables } from '../../../runtime/relational/duckdb/query.js';
import { DataError } from '../../../runtime/relational/types.js';
import type { PlanNode } from '../../../compiler/phases/5-plan/plan-types.js';
import { makeTempDir } from '../data/fixtures.js';
import { compilePlan, context, nodeOf, rowsOf, tensorTable } from './fixtures.js';

const dir = makeTempDir('sql-export');
after(() => dir.remove());
const ctx = context(dir);
const duck = (sql: string): Promise<Table> => queryTables({ workers: 1 }, {}, sql, 'reference');

const people = () => tableOf(
  [new Field('id', new Int32(), false), new Field('name', new Utf8(), true), new Field('score', new Float64(), true)],
  [vectorFromArray([1, 2, 3, 4], new Int32()).data[0]!, vectorFromArray(['ann', null, 'cy', 'dee'], new Utf8()).data[0]!, vectorFromArray([0.5, 2, null, -1], new Float64()).data[0]!],
  4,
);
const visits = () => tableOf(
  [new Field('id', new Int32(), false), new Field('n', new Int32(), false)],
  [vectorFromArray([1, 1, 3, 9], new Int32()).data[0]!, vectorFromArray([10, 20, 30, 40], new Int32()).data[0]!],
  4,
);
const step = (config: Record<string, unknown>, op = String(config.op)): PlanNode => ({ id: 's', kind: 'step', op, inputs: [], outputs: {}, config });

test('sql: one SELECT over the aliases, as DuckDB answers it; inputs by plan field or alias', async () => {
  const query = 'SELECT p.name, sum(v.n) AS total FROM people p LEFT JOIN visits v USING (id) GROUP BY p.name ORDER BY total DESC NULLS LAST, p.name';
  const out = (await runRelationalNode(step({ op: 'sql', inputs: { people: 'a', visits: 'b' }, query }), { 'inputs.people': people(), visits: visits() }, ctx)).default!;
  const reference = await queryTables({ workers: 1 }, { people: { table: people() }, visits: { table: visits() } }, query, 'reference');
  assert.deepEqual(rowsOf(out), rowsOf(reference));
  assert.deepEqual(rowsOf(out).slice(0, 2), [{ name: 'ann', total: 30 }, { name: 'cy', total: 30 }]);
});

test('sql: a declared schema casts the result; a second statement or a non-SELECT is refused before running', async () => {
  const plan = compilePlan(dir, `dlc: 1\nname: t\nsources:\n  a: { format: csv, path: a.csv }\nsteps:\n  q:\n    op: sql\n    inputs: { people: a }\n    query: SELECT id, score * 2 AS doubled FROM people\n    schema: { doubled: float32, id: int64 }\n`);
  dir.write('a.csv', 'id,score\n1,2\n');
  const out = (await runRelationalNode(nodeOf(plan, 'q'), { 'inputs.people': people() }, ctx)).default!;
  assert.deepEqual(out.schema.fields.map((f) => `${f.name}:${f.type}`), ['doubled:Float32', 'id:Int64']);
  assert.deepEqual(rowsOf(out), [{ doubled: 1, id: 1 }, { doubled: 4, id: 2 }, { doubled: null, id: 3 }, { doubled: -2, id: 4 }]);
  for (const query of ['SELECT 1; DROP TABLE people', 'CREATE TABLE x AS SELECT 1', 'SELECT nope FROM people']) {
    await assert.rejects(runRelationalNode(step({ op: 'sql', inputs: { people: 'a' }, query }), { people: people() }, ctx), (e: unknown) => e instanceof DataError && e.message.startsWith('step s: sql'), query);
  }
});

test('export: parquet, arrow, csv and json read back as the table; formats by extension; nothing half-written left', async () => {
  const table = people();
  for (const [file, check] of [
    ['out.parquet', async (p: string) => rowsOf(await duck(`SELECT * FROM read_parquet('${p}')`))],
    ['out.csv', async (p: string) => rowsOf(await duck(`SELECT * FROM read_csv('${p}')`))],
    ['out.jsonl', async (p: string) => rowsOf(await duck(`SELECT id::INTEGER AS id, name, score FROM read_json('${p}')`))],
    ['out.arrow', async (p: string) => rowsOf(readTableFile(p))],
  ] as const) {
    const path = join(dir.path, file);
    assert.deepEqual(await runRelationalNode(step({ op: 'export', from: 'x', path }), { from: table }, ctx), {});
    assert.deepEqual(await check(path), rowsOf(table), file);
  }
  assert.deepEqual(readdirSync(dir.path).filter((f) => f.endsWith('.tmp')), []);
  const tensors = join(dir.path, 'tensors.parquet');
  await runRelationalNode(step({ op: 'export', from: 'x', path: tensors }), { from: tensorTable('t', 'float32', [2], Float32Array.from([1, 2, 3, 4])) }, ctx);
  assert.deepEqual(rowsOf(await duck(`SELECT t FROM read_parquet('${tensors}')`)).map((r) => r.t), ['[1, 2]', '[3, 4]']);
});

test('export: a re-run replaces its output unless overwrite is false; missing directories are created; unknown extensions are DataErrors', async () => {
  const path = join(dir.path, 'keep.csv');
  writeFileSync(path, 'old\n');
  await assert.rejects(runRelationalNode(step({ op: 'export', from: 'x', path, overwrite: false }), { from: people() }, ctx), (e: unknown) => e instanceof DataError && /already exists/.test(e.message));
  assert.equal(readFileSync(path, 'utf8'), 'old\n');
  await runRelationalNode(step({ op: 'export', from: 'x', path }), { from: people() }, ctx);
  assert.match(readFileSync(path, 'utf8'), /^id,name,score\n1,ann,0.5\n/);
  await assert.rejects(runRelationalNode(step({ op: 'export', from: 'x', path: join(dir.path, 'x.weird') }), { from: people() }, ctx), (e: unknown) => e instanceof DataError && /set format/.test(e.message));
  const nested = join(dir.path, 'no', 'such', 'dir.csv');
  await runRelationalNode(step({ op: 'export', from: 'x', path: nested }), { from: people() }, ctx);
  assert.equal(existsSync(nested), true);
  const json = join(dir.path, 'explicit.data');
  await runRelationalNode(step({ op: 'export', from: 'x', path: json, format: 'json' }), { from: people() }, ctx);
  assert.equal(readFileSync(json, 'utf8').split('\n')[0], '{"id":1,"name":"ann","score":0.5}');
});

test('export: compression snappy writes snappy pages (the table reads back the same), none and the default plain pages; on csv it is a DataError', async () => {
  const codecOf = async (p: string) => rowsOf(await duck(`SELECT DISTINCT compression FROM parquet_metadata('${p}')`)).map((r) => r.compression);
  for (const [compression, want] of [[undefined, 'UNCOMPRESSED'], ['none', 'UNCOMPRESSED'], ['snappy', 'SNAPPY']] as const) {
    const path = join(dir.path, `c-${compression ?? 'default'}.parquet`);
    await runRelationalNode(step({ op: 'export', from: 'x', path, ...(compression ? { compression } : {}) }), { from: people() }, ctx);
    assert.deepEqual(await codecOf(path), [want], String(compression));
    assert.deepEqual(rowsOf(await duck(`SELECT * FROM read_parquet('${path}')`)), rowsOf(people()));
  }
  const csv = join(dir.path, 'c.csv');
  await assert.rejects(runRelationalNode(step({ op: 'export', from: 'x', path: csv, compression: 'snappy' }), { from: people() }, ctx), (e: unknown) => e instanceof DataError && /Parquet exports only/.test(e.message));
  assert.equal(existsSync(csv), false);
});
