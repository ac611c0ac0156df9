import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { Field, Int32, makeData, Table, Utf8, vectorFromArray, type Data } from 'apache-arrow';
import { assignParts } from '../../../runtime/relational/split/assign-parts.js';
import { runSplit } from '../../../runtime/relational/split/run-split.js';
import { makeBatch, makeTable, tableOf } from '../../../runtime/relational/arrow/table-parts.js';
import type { SplitStep } from '../../../compiler/spec/types.js';
import { makeTempDir } from '../data/fixtures.js';
import { context, rowsOf } from './fixtures.js';

const dir = makeTempDir('split');
after(() => dir.remove());

const int32 = (values: number[]): Data => makeData({ type: new Int32(), length: values.length, data: Int32Array.from(values), nullCount: 0 });

function idLabelTable(n: number, classes: number): Table {
  const ids = Array.from({ length: n }, (_, i) => i);
  return tableOf([new Field('id', new Int32(), false), new Field('label', new Int32(), false)], [int32(ids), int32(ids.map((i) => (i * 7) % classes))], n);
}

/** The same rows cut into batches of `size`. */
function rechunk(table: Table, size: number): Table {
  const batches = [];
  for (let at = 0; at < table.numRows; at += size) {
    const part = table.slice(at, at + size);
    for (const b of part.batches) batches.push(makeBatch(table.schema.fields, b.data.children as Data[], b.numRows, table.schema));
  }
  return makeTable(table.schema, batches);
}

const step = (over: Partial<SplitStep> = {}): SplitStep => ({ op: 'split', from: 'x', fractions: { train: 0.8, validation: 0.2 }, ...over });
const ids = (t: Table): number[] => [...t.getChild('id')!].map(Number);

test('split: every row in exactly one part, in input order, counts from the fractions', () => {
  const parts = runSplit('s', step(), idLabelTable(1000, 10), context(dir));
  const train = ids(parts.train!);
  const validation = ids(parts.validation!);
  assert.equal(train.length, 800);
  assert.equal(validation.length, 200);
  assert.deepEqual([...train, ...validation].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(train, [...train].sort((a, b) => a - b));
});

test('split: the same seed gives the same parts, whatever the chunking or the worker count; another seed differs', () => {
  const table = idLabelTable(500, 3);
  const base = runSplit('s', step({ stratify: 'label' }), table, context(dir));
  for (const [chunked, workers] of [[rechunk(table, 7), 1], [rechunk(table, 128), 4], [table, 8]] as const) {
    const again = runSplit('s', step({ stratify: 'label' }), chunked, context(dir, { workers }));
    assert.deepEqual(ids(again.train!), ids(base.train!));
    assert.deepEqual(ids(again.validation!), ids(base.validation!));
  }
  const other = runSplit('s', step({ stratify: 'label', seed: 99 }), table, context(dir));
  assert.notDeepEqual(ids(other.train!), ids(base.train!));
  // The step's own seed wins over the plan's.
  const viaCtx = runSplit('s', step({ stratify: 'label' }), table, context(dir, { seed: 99 }));
  assert.deepEqual(ids(viaCtx.train!), ids(other.train!));
});

test('split: stratify keeps each class share in every part', () => {
  const parts = runSplit('s', step({ fractions: { a: 0.5, b: 0.3, c: 0.2 }, stratify: 'label' }), idLabelTable(3000, 3), context(dir));
  for (const [name, share] of [['a', 0.5], ['b', 0.3], ['c', 0.2]] as const) {
    const labels = [...parts[name]!.getChild('label')!];
    for (let k = 0; k < 3; k++) assert.equal(labels.filter((l) => l === k).length, 1000 * share, `${name} class ${k}`);
  }
});

test('split: fractions summing below 1 drop the rest', () => {
  const parts = runSplit('s', step({ fractions: { small: 0.1 } }), idLabelTable(200, 2), context(dir));
  assert.deepEqual(Object.keys(parts), ['small']);
  assert.equal(parts.small!.numRows, 20);
});

test('split: group_by never puts a group in two parts; tensors and strings come along', () => {
  const n = 400;
  const group = vectorFromArray(Array.from({ length: n }, (_, i) => (i % 13 === 0 ? null : `user${(i * 17) % 37}`)), new Utf8());
  const table = tableOf(
    [new Field('id', new Int32(), false), new Field('user', new Utf8(), true)],
    [int32(Array.from({ length: n }, (_, i) => i)), group.data[0]!],
    n,
  );
  const parts = runSplit('s', step({ group_by: 'user' }), table, context(dir));
  const seen = new Map<unknown, string>();
  for (const [name, t] of Object.entries(parts)) {
    for (const row of rowsOf(t)) {
      const prev = seen.get(row.user);
      assert.ok(prev === undefined || prev === name, `group ${String(row.user)} is in ${prev} and ${name}`);
      seen.set(row.user, name);
    }
  }
  assert.equal(parts.train!.numRows + parts.validation!.numRows, n);
  assert.ok(parts.validation!.numRows > 0 && parts.train!.numRows > parts.validation!.numRows);
});

test('assignParts (property): partitions rows, respects groups, deterministic', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 200 }),
      fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 200, maxLength: 200 }),
      fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
      fc.integer(),
      fc.boolean(),
      (strataValues, groupValues, raw, seed, grouped) => {
        const rows = strataValues.length;
        const sum = raw.reduce((a, b) => a + b, 0);
        const fractions = sum > 1 ? raw.map((f) => f / sum) : raw;
        const keys = { strata: strataValues.map(String), ...(grouped ? { groups: groupValues.slice(0, rows).map(String) } : {}) };
        const a = assignParts(rows, fractions, seed, keys);
        assert.deepEqual(a, assignParts(rows, fractions, seed, keys));
        for (const p of a) assert.ok(p >= -1 && p < fractions.length);
        if (Math.abs(fractions.reduce((x, y) => x + y, 0) - 1) < 1e-9 && !grouped) assert.ok(a.every((p) => p >= 0), 'fractions summing to 1 keep every row');
        if (grouped) {
          const partOf = new Map<string, number>();
          keys.groups!.forEach((g, r) => {
            if (partOf.has(g)) assert.equal(partOf.get(g), a[r]);
            partOf.set(g, a[r]!);
          });
        }
      },
    ),
    { numRuns: 300 },
  );
});
