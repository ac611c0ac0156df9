import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, test } from 'node:test';
import { inspectSource, isGlobPattern, matchSourceFiles } from '../../../runtime/data/inspect/index.js';
import { assertOk, assertProblem, makeTempDir } from './fixtures.js';

const dir = makeTempDir('glob');
after(() => dir.remove());

test('matchSourceFiles: a plain file, a glob sorted by code unit, a file whose name has glob characters', () => {
  const b = dir.write('m/b.csv', 'a\n1\n');
  const a = dir.write('m/a.csv', 'a\n1\n');
  const upper = dir.write('m/Z.csv', 'a\n1\n');
  dir.write('m/notes.txt', '');
  dir.write('m/sub/c.csv', 'a\n1\n');
  assert.deepEqual(matchSourceFiles(a), [a]);
  assert.deepEqual(matchSourceFiles(`${dir.path}/m/*.csv`), [upper, a, b]);
  assert.deepEqual(matchSourceFiles(`${dir.path}/m/**/*.csv`), [upper, a, b, `${dir.path}/m/sub/c.csv`]);
  assert.deepEqual(matchSourceFiles(`${dir.path}/m/{a,b}.csv`), [a, b]);
  const literal = dir.write('m/scores[2024].csv', 'a\n1\n');
  assert.deepEqual(matchSourceFiles(literal), [literal]);
  const inOddDir = dir.write('run(1)/x.csv', 'a\n1\n');
  assert.deepEqual(matchSourceFiles(`${dir.path}/run(1)/*.csv`), [inOddDir]);
  assert.equal(isGlobPattern('/data/*.csv'), true);
  assert.equal(isGlobPattern('/data/x.csv'), false);
});

test('glob-empty: a glob that matches nothing, also under a directory that does not exist', () => {
  mkdirSync(`${dir.path}/empty`, { recursive: true });
  const pattern = `${dir.path}/empty/*.parquet`;
  assertProblem(inspectSource({ format: 'parquet', path: pattern }), 'glob-empty', pattern, 'no files match');
  const nowhere = `${dir.path}/nowhere/**/*.csv`;
  assertProblem(inspectSource({ format: 'csv', path: nowhere }), 'glob-empty', nowhere);
});

test('missing: a plain path that does not exist, a directory, a source without a path', () => {
  const file = `${dir.path}/missing.parquet`;
  assertProblem(inspectSource({ format: 'parquet', path: file }), 'missing', file, 'does not exist');
  mkdirSync(`${dir.path}/adir`, { recursive: true });
  assertProblem(inspectSource({ format: 'arrow', path: `${dir.path}/adir` }), 'missing', `${dir.path}/adir`, 'is a directory', 'glob');
  const r = inspectSource({ format: 'csv' });
  assert.equal(!r.ok && r.problem.kind, 'missing');
});

test('csv glob: matching headers merge, rows stay unknown, int64 and float64 partitions widen', () => {
  const one = dir.write('parts/2024-01.csv', 'id,x,note\n1,2,\n');
  const two = dir.write('parts/2024-02.csv', 'id,x,note\n2,2.5,hello\n');
  const stats = assertOk(inspectSource({ format: 'csv', path: `${dir.path}/parts/*.csv` }));
  assert.deepEqual(stats.files.map((f) => f.path), [one, two]);
  assert.equal(stats.rows, undefined);
  assert.deepEqual(stats.schema, [
    { name: 'id', type: 'int64' },
    { name: 'x', type: 'float64' },
    { name: 'note', type: 'string', nullable: true },
  ]);
  assert.equal(stats.schemaFrom, 'csv header + 2 sampled rows from 2 files');
});

test('csv glob schema-mismatch: a different header, a missing column, an incompatible type', () => {
  dir.write('renamed/a.csv', 'id,x\n1,2\n');
  const b = dir.write('renamed/b.csv', 'id,y\n1,2\n');
  assertProblem(inspectSource({ format: 'csv', path: `${dir.path}/renamed/*.csv` }), 'schema-mismatch', b, 'column 2 is "y"', '"x"');

  dir.write('fewer/a.csv', 'id,x\n1,2\n');
  const fb = dir.write('fewer/b.csv', 'id\n1\n');
  assertProblem(inspectSource({ format: 'csv', path: `${dir.path}/fewer/*.csv` }), 'schema-mismatch', fb, 'has no column "x"');

  dir.write('types/a.csv', 'id,x\n1,2\n');
  dir.write('types/b.csv', 'id,x\n2,3\n');
  const tc = dir.write('types/c.csv', 'id,x\n3,n/a\n');
  assertProblem(inspectSource({ format: 'csv', path: `${dir.path}/types/*.csv` }), 'schema-mismatch', tc, 'column "x" is string', 'int64');
});

test('jsonl glob: key order may differ; empty partitions say nothing; a missing key is a mismatch', () => {
  dir.write('j/a.jsonl', '{"id":1,"x":2}\n');
  dir.write('j/b.jsonl', '{"x":3.5,"id":2}\n');
  dir.write('j/c.jsonl', '');
  const stats = assertOk(inspectSource({ format: 'jsonl', path: `${dir.path}/j/*.jsonl` }));
  assert.deepEqual(stats.schema, [
    { name: 'id', type: 'int64' },
    { name: 'x', type: 'float64' },
  ]);

  dir.write('jm/a.jsonl', '{"id":1,"x":2}\n');
  const jb = dir.write('jm/b.jsonl', '{"id":2}\n');
  assertProblem(inspectSource({ format: 'jsonl', path: `${dir.path}/jm/*.jsonl` }), 'schema-mismatch', jb, 'has no column "x"');
  dir.write('je/a.jsonl', '{"id":1}\n');
  const je = dir.write('je/b.jsonl', '{"id":2,"extra":true}\n');
  assertProblem(inspectSource({ format: 'jsonl', path: `${dir.path}/je/*.jsonl` }), 'schema-mismatch', je, 'extra column "extra"');
});

test('glob: a corrupt partition is reported with its own path', () => {
  dir.write('cj/a.jsonl', '{"id":1}\n');
  const bad = dir.write('cj/b.jsonl', '{"id":\n');
  assertProblem(inspectSource({ format: 'jsonl', path: `${dir.path}/cj/*.jsonl` }), 'corrupt', bad, 'line 1');
});
