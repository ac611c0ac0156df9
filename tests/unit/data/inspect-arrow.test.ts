import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  Bool, DateDay, Field, FixedSizeList, Float32, Float64, Int32, Int64, Table, TimestampMillisecond, Uint8, Utf8,
  tableToIPC, vectorFromArray,
} from 'apache-arrow';
import { inspectSource } from '../../../runtime/data/inspect/index.js';
import { assertOk, assertProblem, makeTempDir } from './fixtures.js';

const dir = makeTempDir('arrow');
after(() => dir.remove());

function sampleTable(n: number, offset = 0): Table {
  const ids = Array.from({ length: n }, (_, i) => i + offset);
  return new Table({
    id: vectorFromArray(ids, new Int32()),
    big: vectorFromArray(ids.map(BigInt), new Int64()),
    x: vectorFromArray(ids.map((i) => i / 2), new Float64()),
    flag: vectorFromArray(ids.map((i) => i % 2 === 0), new Bool()),
    name: vectorFromArray(ids.map((i) => (i % 3 === 0 ? null : `n${i}`)), new Utf8()),
    label: vectorFromArray(ids.map((i) => `s${i}`), new Utf8()),
    day: vectorFromArray(ids.map((i) => new Date(Date.UTC(2024, 0, 1 + i))), new DateDay()),
    at: vectorFromArray(ids.map((i) => new Date(Date.UTC(2024, 0, 1, 0, 0, i))), new TimestampMillisecond()),
    embedding: vectorFromArray(ids.map((i) => [i, i + 1, i + 2]), new FixedSizeList(3, new Field('item', new Float32(), false))),
    pixels: vectorFromArray(ids.map(() => [1, 2, 3, 4]), new FixedSizeList(4, new Field('item', new Uint8(), false))),
  });
}

const EXPECTED_TYPES = [
  ['id', 'int32'], ['big', 'int64'], ['x', 'float64'], ['flag', 'bool'], ['name', 'string'], ['label', 'string'],
  ['day', 'date'], ['at', 'timestamp'], ['embedding', { tensor: 'float32', shape: [3] }], ['pixels', { tensor: 'uint8', shape: [4] }],
];

test('arrow file format: schema from the footer, rows from the record batch blocks', () => {
  // Two batches, so the count must add up the blocks rather than read one.
  const table = sampleTable(5).concat(sampleTable(7, 5));
  const file = dir.write('two-batches.arrow', tableToIPC(table, 'file'));
  const stats = assertOk(inspectSource({ format: 'arrow', path: file }));
  assert.deepEqual(stats.schema?.map((c) => [c.name, c.type]), EXPECTED_TYPES);
  assert.equal(stats.rows, 12);
  assert.equal(stats.schemaFrom, 'arrow ipc schema');
  assert.equal(stats.files[0]?.rows, 12);
});

test('arrow stream format: schema from the first message, rows by walking message headers', () => {
  const table = sampleTable(3).concat(sampleTable(4, 3), sampleTable(5, 7));
  const file = dir.write('three-batches.arrows', tableToIPC(table, 'stream'));
  const stats = assertOk(inspectSource({ format: 'arrow', path: file }));
  assert.deepEqual(stats.schema?.map((c) => [c.name, c.type]), EXPECTED_TYPES);
  assert.equal(stats.rows, 12);
});

test('arrow: dictionary-encoded strings are strings, in files and streams', () => {
  // vectorFromArray on plain strings builds Dictionary<Int32, Utf8>.
  const table = new Table({ tag: vectorFromArray(['a', 'b', null, 'a']) });
  for (const format of ['file', 'stream'] as const) {
    const file = dir.write(`dict.${format}`, tableToIPC(table, format));
    const stats = assertOk(inspectSource({ format: 'arrow', path: file }));
    assert.deepEqual(stats.schema, [{ name: 'tag', type: 'string', nullable: true }]);
    assert.equal(stats.rows, 4);
  }
});

test('arrow: nested fixed-size lists keep their full shape', () => {
  const inner = new FixedSizeList(2, new Field('item', new Float32(), false));
  const outer = new FixedSizeList(3, new Field('row', inner, false));
  const table = new Table({ m: vectorFromArray([[[1, 2], [3, 4], [5, 6]]], outer) });
  const file = dir.write('nested.arrow', tableToIPC(table, 'file'));
  assert.deepEqual(assertOk(inspectSource({ format: 'arrow', path: file })).schema?.[0]?.type, { tensor: 'float32', shape: [3, 2] });
});

test('arrow corrupt: a truncated file has no footer', () => {
  const bytes = tableToIPC(sampleTable(10), 'file');
  const file = dir.write('cut.arrow', bytes.subarray(0, bytes.length - 30));
  assertProblem(inspectSource({ format: 'arrow', path: file }), 'corrupt', file, 'does not end with it');
});

test('arrow corrupt: a truncated stream ends inside a record batch', () => {
  const bytes = tableToIPC(sampleTable(50), 'stream');
  const file = dir.write('cut.arrows', bytes.subarray(0, bytes.length - 200));
  assertProblem(inspectSource({ format: 'arrow', path: file }), 'corrupt', file, 'truncated');
});

test('arrow corrupt: neither a file nor a stream', () => {
  const file = dir.write('text.arrow', 'this is plainly not arrow data, just text\n');
  assertProblem(inspectSource({ format: 'arrow', path: file }), 'corrupt', file, 'not an Arrow IPC file or stream');
});

test('arrow glob: files and streams with one schema; a differing type is a mismatch', () => {
  dir.write('ok/a.arrow', tableToIPC(sampleTable(2), 'file'));
  dir.write('ok/b.arrow', tableToIPC(sampleTable(3), 'stream'));
  assert.equal(assertOk(inspectSource({ format: 'arrow', path: `${dir.path}/ok/*.arrow` })).rows, 5);

  dir.write('bad/a.arrow', tableToIPC(new Table({ v: vectorFromArray([1, 2], new Int32()) }), 'file'));
  const b = dir.write('bad/b.arrow', tableToIPC(new Table({ v: vectorFromArray([1, 2], new Float32()) }), 'file'));
  assertProblem(inspectSource({ format: 'arrow', path: `${dir.path}/bad/*.arrow` }), 'schema-mismatch', b, 'column "v" is float32', 'int32');
});
