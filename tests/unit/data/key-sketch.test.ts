import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { inspectSource } from '../../../runtime/data/inspect/index.js';
import { KEY_SAMPLE_ROWS, sketchSourceKeys } from '../../../runtime/data/inspect/key-sketch.js';
import { assertOk, makeTempDir } from './fixtures.js';

const dir = makeTempDir('keys');
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

const within = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * expected, `${what}: ${actual} is not within ${tolerance * 100}% of ${expected}`);

function csv(rows: number, line: (i: number) => string, header = 'id,customer,region'): string {
  const out = [header];
  for (let i = 0; i < rows; i++) out.push(line(i));
  return `${out.join('\n')}\n`;
}

test('csv read whole: distinct keys of every row, single and composite; empty fields are null keys', () => {
  const file = dir.write('small.csv', csv(2000, (i) => `${i},${i % 150},${i % 4 === 0 ? '' : `r${i % 3}`}`));
  const [id, customer, pair, missing] = sketchSourceKeys({ format: 'csv', path: file }, [['id'], ['customer'], ['customer', 'region'], ['nope']]);
  assert.ok(id && customer && pair);
  assert.equal(id.complete, true);
  assert.equal(id.sampledRows, 2000);
  within(id.distinct, 2000, 0.02, 'id');
  within(customer.distinct, 150, 0.03, 'customer');
  assert.ok(pair.distinct <= 150 * 3 && pair.distinct > 150, `pairs: ${pair.distinct}`);
  assert.equal(missing, undefined);
  assert.match(id.from, /^hyperloglog of all 2,000 rows$/);
});

test('csv larger than the sample: distinct keys extrapolated from the sample to the estimated rows', () => {
  const rows = KEY_SAMPLE_ROWS * 4;
  const file = dir.write('big.csv', csv(rows, (i) => `${i},${(i * 7919) % 500},r${i % 3}`));
  const [id, customer] = sketchSourceKeys({ format: 'csv', path: file }, [['id'], ['customer']]);
  assert.ok(id && customer);
  assert.equal(id.complete, false);
  assert.equal(id.sampledRows, KEY_SAMPLE_ROWS);
  within(id.distinct, rows, 0.15, 'a unique key grows with the rows');
  within(customer.distinct, 500, 0.03, 'a saturated key does not');
  assert.match(id.from, /hyperloglog of 65,536 sampled rows, extrapolated to ~/);
});

test('jsonl keys', () => {
  const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ user: i % 30, v: i })).join('\n');
  const [user] = sketchSourceKeys({ format: 'jsonl', path: dir.write('events.jsonl', `${lines}\n`) }, [['user']]);
  within(user!.distinct, 30, 0.04, 'user');
  assert.equal(user?.complete, true);
});

test('parquet keys from the first row groups, the row count from the footer', async () => {
  const file = dir.write('facts.parquet', '');
  await db.run(`COPY (SELECT i::BIGINT AS id, (i % 1000)::INTEGER AS dim, 'k' || (i % 77) AS label FROM range(200000) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 50000)`);
  const [id, dim, label] = sketchSourceKeys({ format: 'parquet', path: file }, [['id'], ['dim'], ['label']]);
  assert.ok(id && dim && label);
  assert.equal(id.sampledRows, KEY_SAMPLE_ROWS);
  assert.equal(id.complete, false);
  within(id.distinct, 200_000, 0.15, 'id');
  within(dim.distinct, 1000, 0.03, 'dim');
  within(label.distinct, 77, 0.03, 'label');
  assert.match(id.from, /extrapolated to 200,000$/);
  const gz = dir.write('gzip.parquet', '');
  await db.run(`COPY (SELECT (i % 12)::INTEGER AS k FROM range(1000) t(i)) TO '${gz}' (FORMAT parquet, COMPRESSION gzip)`);
  within(sketchSourceKeys({ format: 'parquet', path: gz }, [['k']])[0]!.distinct, 12, 0.1, 'gzip pages');
});

test('arrow keys from the record batches', () => {
  const n = 5000;
  const table = tableFromArrays({ k: Int32Array.from({ length: n }, (_, i) => i % 40), v: Float64Array.from({ length: n }, (_, i) => i) });
  const file = dir.write('t.arrow', tableToIPC(table, 'file'));
  const [k, v] = sketchSourceKeys({ format: 'arrow', path: file }, [['k'], ['v']]);
  within(k!.distinct, 40, 0.03, 'k');
  assert.equal(k?.complete, true);
  within(v!.distinct, n, 0.03, 'v');
});

test('a source that cannot be sampled gives no sketch rather than an error', () => {
  const bad = dir.write('bad.parquet', 'not parquet at all');
  assert.deepEqual(sketchSourceKeys({ format: 'parquet', path: bad }, [['k']]), [undefined]);
  assert.deepEqual(sketchSourceKeys({ format: 'idx', images: bad }, [['label']]), [undefined]);
});

test('csv and jsonl inspection estimates rows: counted when the file is read whole, scaled from the sample otherwise', () => {
  const small = assertOk(inspectSource({ format: 'csv', path: dir.write('count.csv', csv(2000, (i) => `${i},${i % 5},x`)) }));
  assert.equal(small.rows, undefined, 'no metadata counts CSV rows');
  assert.equal(small.rowsEstimate, 2000);
  assert.equal(small.rowsFrom, 'every line counted');
  const rows = 120_000;
  const big = assertOk(inspectSource({ format: 'csv', path: dir.write('scale.csv', csv(rows, (i) => `${i},${i % 5},x`)) }));
  within(big.rowsEstimate!, rows, 0.1, 'scaled rows');
  assert.equal(big.rowsFrom, 'sampled rows scaled to the file size');
  const quoted = assertOk(inspectSource({ format: 'csv', path: dir.write('quoted.csv', csv(1500, (i) => `${i},"a\nb",x`)) }));
  within(quoted.rowsEstimate!, 1500, 0.02, 'quoted line ends are not rows');
  const jl = assertOk(inspectSource({ format: 'jsonl', path: dir.write('n.jsonl', Array.from({ length: 1500 }, (_, i) => JSON.stringify({ i })).join('\n')) }));
  assert.equal(jl.rowsEstimate, 1500);
});
