import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Field, Float64, Int32, makeData } from 'apache-arrow';
import { runRelationalNode } from '../../../runtime/relational/run-node.js';
import { normalize } from '../../../runtime/relational/transform/normalize.js';
import { tableOf } from '../../../runtime/relational/arrow/table-parts.js';
import { makeTempDir } from '../data/fixtures.js';
import { rowsOf, tensorTable } from './fixtures.js';

const dir = makeTempDir('normalize');
after(() => dir.remove());

test('normalize divide_by on a uint8 tensor column gives a float32 tensor of the same shape', async () => {
  const pixels = Uint8Array.from({ length: 2 * 4 }, (_, i) => i * 30);
  const table = tensorTable('image', 'uint8', [2, 2], pixels);
  const node = { id: 'scaled', kind: 'step' as const, op: 'transform', inputs: [], outputs: {}, config: { op: 'transform', from: 'x', normalize: { image: { divide_by: 255 } } } };
  const out = (await runRelationalNode(node, { from: table }, { seed: 0, workDir: dir.path, workers: 1 })).default!;
  const field = out.schema.fields[0]!;
  assert.equal(String(field.type), 'FixedSizeList[4]<Float32>');
  assert.equal(field.metadata.get('dlc.shape'), '[2,2]');
  const values = out.batches[0]!.data.children[0]!.children[0]!.values as Float32Array;
  assert.ok(values instanceof Float32Array);
  assert.deepEqual([...values], [...pixels].map((p) => Math.fround(p / 255)));
});

test('normalize standard and minmax on scalar columns, nulls kept, constant columns become 0', () => {
  const x = makeData({ type: new Float64(), length: 5, data: Float64Array.from([1, 2, 0, 3, 4]), nullBitmap: Uint8Array.from([0b11011]), nullCount: 1 });
  const c = makeData({ type: new Int32(), length: 5, data: Int32Array.from([7, 7, 7, 7, 7]), nullCount: 0 });
  const table = tableOf([new Field('x', new Float64(), true), new Field('c', new Int32(), false)], [x, c], 5);
  const std = rowsOf(normalize(table, { x: 'standard', c: 'standard' }, 's'));
  // Values 1, 2, 3, 4: mean 2.5, population sd sqrt(1.25).
  const sd = Math.sqrt(1.25);
  assert.deepEqual(std.map((r) => r.x), [(1 - 2.5) / sd, (2 - 2.5) / sd, null, (3 - 2.5) / sd, (4 - 2.5) / sd].map((v) => (v === null ? v : Math.fround(v))));
  assert.deepEqual(std.map((r) => r.c), [0, 0, 0, 0, 0]);
  const mm = rowsOf(normalize(table, { x: 'minmax', c: 'minmax' }, 's'));
  assert.deepEqual(mm.map((r) => r.x), [0, 1 / 3, null, 2 / 3, 1].map((v) => (v === null ? v : Math.fround(v))));
  assert.deepEqual(mm.map((r) => r.c), [0, 0, 0, 0, 0]);
});

test('normalize standard on a tensor column uses every element', () => {
  const table = tensorTable('t', 'int32', [2], Int32Array.from([0, 2, 4, 6]));
  const out = rowsOf(normalize(table, { t: 'standard' }, 's'));
  const sd = Math.sqrt(5);
  assert.deepEqual(out.map((r) => r.t), [[-3 / sd, -1 / sd], [1 / sd, 3 / sd]].map((row) => row.map((v) => Math.fround(v))));
});
