// Column layouts of every type a join carries: picking rows (gather), cutting into partitions (scatter) and
// appending pieces (concat) give the same values Arrow reads, nulls and sliced inputs included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Bool, type DataType, Dictionary, Field, FixedSizeList, Float32, Float64, Int16, Int32, Int64, LargeUtf8, List, Struct, TimestampMillisecond, Utf8, type Vector, vectorFromArray, DateDay } from 'apache-arrow';
import { dataFromLayout, layoutFromData } from '../../../../runtime/relational/join/arrow-layout.js';
import { concatLayouts } from '../../../../runtime/relational/join/concat.js';
import { gatherLayout } from '../../../../runtime/relational/join/gather.js';
import { type Layout, plainAlloc, shareLayout, sliceLayout } from '../../../../runtime/relational/join/layout.js';
import { scatterTable } from '../../../../runtime/relational/join/scatter.js';
import { makeVector } from 'apache-arrow';

const N = 37;
const maybeNull = <T>(i: number, v: T): T | null => (i % 5 === 3 ? null : v);

const columns: { name: string; type: DataType; values: unknown[] }[] = [
  { name: 'int64', type: new Int64(), values: Array.from({ length: N }, (_, i) => maybeNull(i, BigInt(i * 1_000_003) - 2n ** 40n)) },
  { name: 'int32', type: new Int32(), values: Array.from({ length: N }, (_, i) => maybeNull(i, i * 7 - 100)) },
  { name: 'int16', type: new Int16(), values: Array.from({ length: N }, (_, i) => i - 10) },
  { name: 'float64', type: new Float64(), values: Array.from({ length: N }, (_, i) => maybeNull(i, i / 3)) },
  { name: 'float32', type: new Float32(), values: Array.from({ length: N }, (_, i) => i * 0.5) },
  { name: 'bool', type: new Bool(), values: Array.from({ length: N }, (_, i) => maybeNull(i + 1, i % 3 === 0)) },
  { name: 'utf8', type: new Utf8(), values: Array.from({ length: N }, (_, i) => maybeNull(i, 'x'.repeat((i * 7) % 100) + String(i))) },
  { name: 'large', type: new LargeUtf8(), values: Array.from({ length: N }, (_, i) => maybeNull(i + 2, `é${i}`)) },
  { name: 'date', type: new DateDay(), values: Array.from({ length: N }, (_, i) => new Date(Date.UTC(2020, 0, 1 + i))) },
  { name: 'ts', type: new TimestampMillisecond(), values: Array.from({ length: N }, (_, i) => maybeNull(i, Date.UTC(2021, 5, 1) + i * 1000)) },
  { name: 'tensor', type: new FixedSizeList(3, new Field('v', new Float32(), false)), values: Array.from({ length: N }, (_, i) => [i, i + 0.5, -i]) },
  { name: 'list', type: new List(new Field('v', new Int32(), true)), values: Array.from({ length: N }, (_, i) => maybeNull(i + 4, Array.from({ length: i % 4 }, (_, k) => (k === 1 ? null : i * k)))) },
  { name: 'struct', type: new Struct([new Field('a', new Int32(), true), new Field('b', new Utf8(), true)]), values: Array.from({ length: N }, (_, i) => maybeNull(i + 1, { a: i, b: i % 2 ? 'odd' : null })) },
  { name: 'dict', type: new Dictionary(new Utf8(), new Int32()), values: Array.from({ length: N }, (_, i) => maybeNull(i, ['red', 'green', 'blue'][i % 3])) },
];

const plain = (v: unknown): unknown => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.getTime();
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return plain((v as { toJSON: () => unknown }).toJSON());
  if (typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function') return [...(v as Iterable<unknown>)].map(plain);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, plain(x)]));
  return v;
};
const valuesOf = (vec: Vector): unknown[] => Array.from({ length: vec.length }, (_, i) => plain(vec.get(i)));

function vectors(): { name: string; vec: Vector; sliced: Vector }[] {
  return columns.map((c) => {
    const vec = vectorFromArray(c.values as never[], c.type);
    return { name: c.name, vec, sliced: vec.slice(5, 30) };
  });
}

const toVector = (l: Layout, vec: Vector): Vector => makeVector(dataFromLayout(l, vec.type, vec.data[0]!.dictionary));

test('gather picks rows in the order asked, -1 giving a null, for every column type and for sliced input', () => {
  for (const { name, vec, sliced } of vectors()) {
    for (const v of [vec, sliced]) {
      const layout = layoutFromData(v.data[0]!);
      const idx = Int32Array.from([3, -1, 0, v.length - 1, 3, 7, -1, 2]);
      const got = valuesOf(toVector(gatherLayout(layout, idx, 0, idx.length, plainAlloc), v));
      const want = Array.from(idx, (i) => (i < 0 ? null : plain(v.get(i))));
      assert.deepEqual(got, want, name);
    }
  }
});

test('scatter puts each row in its partition, in row order, for every column type', () => {
  for (const { name, vec, sliced } of vectors()) {
    for (const v of [vec, sliced]) {
      const layout = layoutFromData(v.data[0]!);
      const from = 2;
      const ids = Int32Array.from({ length: v.length - from }, (_, i) => (i % 7 === 6 ? -1 : (i * 5) % 3));
      const counts = new Int32Array(3);
      for (const p of ids) if (p >= 0) counts[p]!++;
      const parts = scatterTable({ length: v.length, columns: [layout] }, from, ids, counts, plainAlloc);
      for (let p = 0; p < 3; p++) {
        const want = [...ids.keys()].filter((i) => ids[i] === p).map((i) => plain(v.get(from + i)));
        assert.deepEqual(valuesOf(toVector(parts[p]!.columns[0]!, v)), want, `${name} partition ${p}`);
      }
    }
  }
});

test('concat of slices gives the whole column back; slices and shared copies read the same', () => {
  for (const { name, vec } of vectors()) {
    const layout = layoutFromData(vec.data[0]!);
    const pieces = [sliceLayout(layout, 0, 9), sliceLayout(layout, 9, 9), sliceLayout(layout, 9, 22), shareLayout(sliceLayout(layout, 22, N))];
    const whole = concatLayouts(pieces, plainAlloc);
    assert.deepEqual(valuesOf(toVector(whole, vec)), valuesOf(vec), name);
    assert.equal(whole.nullCount, vec.nullCount, `${name} null count`);
  }
});
