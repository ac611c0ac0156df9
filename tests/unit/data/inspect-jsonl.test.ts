import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { inspectSource } from '../../../runtime/data/inspect/index.js';
import { assertOk, assertProblem, makeTempDir } from './fixtures.js';

const dir = makeTempDir('jsonl');
after(() => dir.remove());

const lines = (...rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

test('jsonl: union of keys in first-seen order, types, nullability from nulls and absent keys', () => {
  const file = dir.write(
    'events.jsonl',
    lines(
      { id: 1, score: 0.5, ok: true, day: '2024-01-01', name: 'a', meta: { x: 1 } },
      { id: 2, score: 1, ok: false, day: '2024-01-02', name: null, meta: { y: 2 }, extra: 'late' },
      { id: 3, score: 2, ok: true, day: '2024-01-03', name: 'c', meta: {}, at: '2024-01-03T10:00:00Z' },
    ),
  );
  const stats = assertOk(inspectSource({ format: 'jsonl', path: file }));
  assert.deepEqual(stats.schema, [
    { name: 'id', type: 'int64' },
    { name: 'score', type: 'float64' },
    { name: 'ok', type: 'bool' },
    { name: 'day', type: 'date' },
    { name: 'name', type: 'string', nullable: true },
    { name: 'meta', type: 'string' },
    { name: 'extra', type: 'string', nullable: true },
    { name: 'at', type: 'timestamp', nullable: true },
  ]);
  assert.equal(stats.schemaFrom, 'jsonl keys + 3 sampled lines');
  assert.equal(stats.rows, undefined);
});

test('jsonl: fixed-length numeric arrays are float32 tensors; ragged or mixed arrays are text', () => {
  const file = dir.write(
    'tensors.jsonl',
    lines(
      { v: [1, 2, 3], m: [[1, 2], [3, 4]], ragged: [1, 2], mixed: [1, 'a'], all_null: null },
      { v: [0.5, 0, 1], m: [[0, 0], [0, 1]], ragged: [1, 2, 3], mixed: [2, 'b'], all_null: null },
    ),
  );
  assert.deepEqual(assertOk(inspectSource({ format: 'jsonl', path: file })).schema, [
    { name: 'v', type: { tensor: 'float32', shape: [3] } },
    { name: 'm', type: { tensor: 'float32', shape: [2, 2] } },
    { name: 'ragged', type: 'string' },
    { name: 'mixed', type: 'string' },
    { name: 'all_null', type: 'string', nullable: true },
  ]);
});

test('jsonl: blank lines and CRLF are fine', () => {
  const file = dir.write('blank.jsonl', '{"a":1}\r\n\r\n{"a":2}\r\n');
  assert.deepEqual(assertOk(inspectSource({ format: 'jsonl', path: file })).schema, [{ name: 'a', type: 'int64' }]);
});

test('jsonl corrupt: a line that is not JSON, naming file and line number', () => {
  const file = dir.write('bad.jsonl', '{"a":1}\n\n{"a":2\n{"a":3}\n');
  assertProblem(inspectSource({ format: 'jsonl', path: file }), 'corrupt', file, 'line 3 is not valid JSON');
});

test('jsonl corrupt: a line that is JSON but not an object', () => {
  const file = dir.write('array.jsonl', '{"a":1}\n[1,2]\n');
  assertProblem(inspectSource({ format: 'jsonl', path: file }), 'corrupt', file, 'line 2 is not a JSON object');
});

test('jsonl: a bad line beyond the sampled head is not seen (inspection reads ~1 MiB)', () => {
  const body = Array.from({ length: 40_000 }, (_, i) => JSON.stringify({ i, s: 'abcdefghij' })).join('\n');
  const file = dir.write('big.jsonl', `${body}\nnot json\n`);
  const stats = assertOk(inspectSource({ format: 'jsonl', path: file }));
  assert.equal(stats.schemaFrom, 'jsonl keys + 1000 sampled lines');
});

test('jsonl missing: a plain path that does not exist', () => {
  const file = `${dir.path}/absent.jsonl`;
  assertProblem(inspectSource({ format: 'jsonl', path: file }), 'missing', file, 'does not exist');
});
