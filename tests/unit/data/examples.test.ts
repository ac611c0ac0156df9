import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Bool, Field, Float32, Float64, Int32, Int64, makeData, Utf8, vectorFromArray, type Data } from 'apache-arrow';
import { examplesByBatch, tableToExamples } from '../../../runtime/data/examples.js';
import { makeBatch, makeTable, tableOf } from '../../../runtime/relational/arrow/table-parts.js';
import { DataError } from '../../../runtime/relational/types.js';
import { tensorData, tensorTable } from '../relational/fixtures.js';

const f32 = (v: number[]): Data => makeData({ type: new Float32(), length: v.length, data: Float32Array.from(v), nullCount: 0 });
const i32 = (v: number[]): Data => makeData({ type: new Int32(), length: v.length, data: Int32Array.from(v), nullCount: 0 });

test('tableToExamples: a float32 tensor feature and int32 label are views of the Arrow buffers', () => {
  const pixels = Float32Array.from({ length: 3 * 4 }, (_, i) => i / 10);
  const table = tensorTable('image', 'float32', [2, 2], pixels, [{ field: new Field('label', new Int32(), false), data: i32([2, 0, 1]) }]);
  const ex = tableToExamples(table, { features: ['image'], label: 'label' });
  assert.ok(ex.features instanceof Float32Array && ex.labels instanceof Int32Array);
  assert.equal(ex.features.buffer, pixels.buffer, 'features are not copied');
  assert.equal(ex.labels.buffer, (table.batches[0]!.data.children[1]!.values as Int32Array).buffer, 'labels are not copied');
  assert.deepEqual([...ex.features], [...pixels]);
  assert.deepEqual([...ex.labels], [2, 0, 1]);
});

test('tableToExamples: several feature columns interleave per example; integer features become float32', () => {
  const fields = [new Field('a', new Float64(), false), new Field('t', tensorData('uint8', [2], Uint8Array.of(0)).type, false), new Field('b', new Int64(), false), new Field('y', new Float32(), false)];
  const table = tableOf(fields, [
    makeData({ type: new Float64(), length: 2, data: Float64Array.from([0.5, 1.5]), nullCount: 0 }),
    tensorData('uint8', [2], Uint8Array.from([1, 2, 3, 4])),
    makeData({ type: new Int64(), length: 2, data: BigInt64Array.from([10n, 20n]), nullCount: 0 }),
    f32([0.25, 0.75]),
  ], 2);
  const ex = tableToExamples(table, { features: ['a', 't', 'b'], label: 'y' });
  assert.deepEqual([...ex.features], [0.5, 1, 2, 10, 1.5, 3, 4, 20]);
  assert.ok(ex.labels instanceof Float32Array);
  assert.deepEqual([...ex.labels], [0.25, 0.75]);
});

test('tableToExamples: several chunks are joined; bool labels are int32; one-hot labels flatten', () => {
  const fields = [new Field('x', new Float32(), false), new Field('y', new Bool(), false), new Field('z', tensorData('float32', [2], Float32Array.of(0, 0)).type, false)];
  const b1 = makeBatch(fields, [f32([1, 2]), vectorFromArray([true, false], new Bool()).data[0]!, tensorData('float32', [2], Float32Array.from([1, 0, 0, 1]))], 2);
  const b2 = makeBatch(fields, [f32([3]), vectorFromArray([true], new Bool()).data[0]!, tensorData('float32', [2], Float32Array.from([0, 1]))], 1);
  const table = makeTable(b1.schema, [b1, b2]);
  const ex = tableToExamples(table, { features: ['x'], label: 'y' });
  assert.deepEqual([...ex.features], [1, 2, 3]);
  assert.ok(ex.labels instanceof Int32Array);
  assert.deepEqual([...ex.labels], [1, 0, 1]);
  const oneHot = tableToExamples(table, { features: ['x'], label: 'z' });
  assert.deepEqual([...oneHot.labels], [1, 0, 0, 1, 0, 1]);
});

test('examplesByBatch yields one ExampleArrays per non-empty batch', async () => {
  const fields = [new Field('x', new Float32(), false), new Field('y', new Int32(), false)];
  const batches = [makeBatch(fields, [f32([1, 2]), i32([0, 1])], 2), makeBatch(fields, [f32([]), i32([])], 0), makeBatch(fields, [f32([3]), i32([1])], 1)];
  const got = [];
  for await (const ex of examplesByBatch(makeTable(batches[0]!.schema, batches), { features: ['x'], label: 'y' })) got.push([...ex.features]);
  assert.deepEqual(got, [[1, 2], [3]]);
});

test('tableToExamples: nulls, missing columns and text columns are DataErrors', () => {
  const x = makeData({ type: new Float32(), length: 3, data: Float32Array.from([1, 2, 3]), nullBitmap: Uint8Array.from([0b101]), nullCount: 1 });
  const table = tableOf([new Field('x', new Float32(), true), new Field('y', new Int32(), false), new Field('s', new Utf8(), false)], [x, i32([1, 2, 3]), vectorFromArray(['a', 'b', 'c'], new Utf8()).data[0]!], 3);
  assert.throws(() => tableToExamples(table, { features: ['x'], label: 'y' }), (e: unknown) => e instanceof DataError && /'x' is null in row 2/.test(e.message));
  assert.throws(() => tableToExamples(table, { features: ['nope'], label: 'y' }), (e: unknown) => e instanceof DataError && /'nope' is not in the table/.test(e.message));
  assert.throws(() => tableToExamples(table, { features: ['s'], label: 'y' }), (e: unknown) => e instanceof DataError && /'s' is Utf8/.test(e.message));
});
