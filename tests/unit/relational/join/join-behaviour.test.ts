// runJoin beyond the multiset property: output columns and names, keys of different types, errors users
// see, who chose the strategy, bytes moved, the Bloom pre-filter's effect, co-located inputs' checks.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { DateDay, Field, FixedSizeList, Float32, Int32, makeData, makeVector, RecordBatch, Schema, Struct, Table, tableFromArrays, TimestampSecond, vectorFromArray } from 'apache-arrow';
import { partitionByKeyHash, runJoin, runJoinWithStats, stopJoinThreads } from '../../../../runtime/relational/join/index.js';
import { chooseJoin } from '../../../../compiler/cost/join-choice.js';
import { tableBytes } from '../../../../runtime/relational/join/decide.js';
import { DataError } from '../../../../runtime/relational/types.js';
import { DEFAULT_CONSTANTS } from '../../../../compiler/cost/constants.js';
import { arrowRows, ctxFor, joinNode, toArrow } from './join-fixtures.js';

after(() => stopJoinThreads());

const orders = () => tableFromArrays({ order_id: Int32Array.from([1, 2, 3, 4]), customer_id: Int32Array.from([10, 20, 10, 30]), amount: Float64Array.from([5, 6, 7, 8]) });
const customers = () => tableFromArrays({ customer_id: Int32Array.from([10, 20, 40]), amount: Float64Array.from([100, 200, 400]), region: ['eu', 'us', 'apac'] });

test('output: left columns, then right non-key columns, a taken name suffixed; semi and anti give left columns only', async () => {
  const inner = await runJoin(joinNode({ on: 'customer_id' }), orders(), customers(), ctxFor(1));
  assert.deepEqual(inner.schema.fields.map((f) => f.name), ['order_id', 'customer_id', 'amount', 'amount_right', 'region']);
  const custom = await runJoin(joinNode({ on: 'customer_id', suffix: '_c' }), orders(), customers(), ctxFor(1));
  assert.deepEqual(custom.schema.fields.map((f) => f.name), ['order_id', 'customer_id', 'amount', 'amount_c', 'region']);
  for (const how of ['semi', 'anti']) {
    const t = await runJoin(joinNode({ on: 'customer_id', how }), orders(), customers(), ctxFor(2));
    assert.deepEqual(t.schema.fields.map((f) => f.name), ['order_id', 'customer_id', 'amount'], how);
  }
  const left = await runJoin(joinNode({ on: 'customer_id', how: 'left' }), orders(), customers(), ctxFor(1));
  // The left side's columns keep the input's nullability in a left join; the right side's may now be null.
  assert.deepEqual(left.schema.fields.map((f) => f.nullable), [false, false, false, true, true]);
  assert.deepEqual(arrowRows(left), ['1|10|5|100|"eu"', '2|20|6|200|"us"', '3|10|7|100|"eu"', '4|30|8|null|null']);
});

test('right and full joins take the key from the right row where there is no left row', async () => {
  for (const strategy of ['broadcast', 'shuffle_hash', 'sort_merge']) {
    const t = await runJoin(joinNode({ on: 'customer_id', how: 'full', strategy }), orders(), customers(), ctxFor(2));
    assert.ok(arrowRows(t).includes('null|40|null|400|"apac"'), strategy);
  }
});

test('keys of comparable types meet: int32 with int64, int with float, date with timestamp, dictionary with plain strings', async () => {
  const l = tableFromArrays({ k: Int32Array.from([1, 2, 3]), s: ['a', 'b', 'c'] });
  const r64 = tableFromArrays({ k: BigInt64Array.from([2n, 3n, 4n]) });
  const rf = tableFromArrays({ k: Float64Array.from([2, 3.5, 1]) });
  for (const strategy of ['broadcast', 'shuffle_hash', 'sort_merge']) {
    assert.deepEqual(arrowRows(await runJoin(joinNode({ on: 'k', strategy }), l, r64, ctxFor(2))), ['2|"b"', '3|"c"'], `int64 ${strategy}`);
    assert.deepEqual(arrowRows(await runJoin(joinNode({ on: 'k', strategy }), l, rf, ctxFor(1))), ['1|"a"', '2|"b"'], `float ${strategy}`);
  }
  const dayMs = 86_400_000;
  const dates = new Table({ d: vectorFromArray([new Date(0), new Date(dayMs), new Date(2 * dayMs)], new DateDay()) });
  const seconds = BigInt64Array.from([86_400n, 86_401n, 172_800n]);
  const stamps = new Table({ d: makeVector(makeData({ type: new TimestampSecond(), data: seconds })), x: vectorFromArray([1, 2, 3], new Int32()) });
  const joined = await runJoin(joinNode({ on: 'd' }), dates, stamps, ctxFor(1));
  assert.deepEqual(arrowRows(joined).map((r) => r.split('|')[1]).sort(), ['1', '3']);
  // tableFromArrays makes string columns dictionary-encoded.
  const dictLeft = tableFromArrays({ name: ['x', 'y', 'z', 'x'], v: Int32Array.from([1, 2, 3, 4]) });
  const plainRight = toArrow({ columns: [{ name: 'name', kind: 'utf8', values: ['x', 'z', 'w'] }, { name: 'w', kind: 'int32', values: [7, 8, 9] }] });
  assert.deepEqual(arrowRows(await runJoin(joinNode({ on: 'name', strategy: 'shuffle_hash' }), dictLeft, plainRight, ctxFor(2))), ['"x"|1|7', '"x"|4|7', '"z"|3|8']);
});

test('payload columns of any type pass through: tensors, dictionaries', async () => {
  const tensorType = new FixedSizeList(2, new Field('v', new Float32(), false));
  const images = new Table({ id: vectorFromArray([1, 2, 3], new Int32()), image: vectorFromArray([[1, 2], [3, 4], [5, 6]], tensorType) });
  const labels = tableFromArrays({ id: Int32Array.from([3, 1]), label: ['cat', 'dog'] });
  for (const strategy of ['broadcast', 'shuffle_hash', 'sort_merge']) {
    const t = await runJoin(joinNode({ on: 'id', strategy }), images, labels, ctxFor(2));
    const rows = Array.from({ length: t.numRows }, (_, i) => `${t.getChild('id')!.get(i)}:${[...t.getChild('image')!.get(i)].join(',')}:${t.getChild('label')!.get(i)}`).sort();
    assert.deepEqual(rows, ['1:1,2:dog', '3:5,6:cat'], strategy);
    assert.equal(String(t.getChild('image')!.type), String(tensorType));
  }
});

test('what users get wrong is a DataError naming it', async () => {
  await assert.rejects(runJoin(joinNode({ on: 'nope' }), orders(), customers(), ctxFor(1)), (e: Error) => e instanceof DataError && /join key 'nope' is not a column of the left input \(its columns: order_id, customer_id, amount\)/.test(e.message));
  const strings = tableFromArrays({ customer_id: ['10', '20'] });
  await assert.rejects(runJoin(joinNode({ on: 'customer_id' }), orders(), strings, ctxFor(1)), (e: Error) => e instanceof DataError && /join key 'customer_id': .*cannot be compared/.test(e.message));
  await assert.rejects(runJoin(joinNode({ on: 'customer_id', how: 'outer' }), orders(), customers(), ctxFor(1)), (e: Error) => e instanceof DataError && /steps\.joined: 'how' must be one of/.test(e.message));
  await assert.rejects(runJoin(joinNode({ on: ['customer_id', 'customer_id'] }), orders(), customers(), ctxFor(1)), DataError);
});

test('co-located inputs are checked: hash-placed or key ranges apart pass, anything else is refused', async () => {
  const l = toArrow({ columns: [{ name: 'k', kind: 'int32', values: [1, 2, 3, 4, 5, 6, 7, 8] }, { name: 'a', kind: 'int32', values: [1, 2, 3, 4, 5, 6, 7, 8] }] });
  const r = toArrow({ columns: [{ name: 'k', kind: 'int32', values: [2, 4, 6, 8, 9] }] });
  const byHash = await runJoinWithStats(joinNode({ on: 'k', strategy: 'colocated' }), partitionByKeyHash(l, ['k'], 3), partitionByKeyHash(r, ['k'], 3), ctxFor(2));
  assert.deepEqual(arrowRows(byHash.table), ['2|2', '4|4', '6|6', '8|8']);
  assert.equal(byHash.stats.bytesMoved, 0);
  assert.equal(byHash.stats.partitions, 3);
  // Ranges: [1..4] and [5..8] on the left, [2..4] and [6..9] on the right.
  const lr = toArrow({ columns: [{ name: 'k', kind: 'int32', values: [1, 2, 3, 4, 5, 6, 7, 8] }, { name: 'a', kind: 'int32', values: [1, 2, 3, 4, 5, 6, 7, 8] }] }, [4, 4]);
  const rr = toArrow({ columns: [{ name: 'k', kind: 'int32', values: [2, 4, 6, 8, 9] }] }, [2, 3]);
  assert.deepEqual(arrowRows(await runJoin(joinNode({ on: 'k', strategy: 'colocated', how: 'full' }), lr, rr, ctxFor(2))), ['1|1', '2|2', '3|3', '4|4', '5|5', '6|6', '7|7', '8|8', '9|null']);
  const crossed = toArrow({ columns: [{ name: 'k', kind: 'int32', values: [6, 2, 4, 8, 9] }] }, [2, 3]);
  await assert.rejects(runJoin(joinNode({ on: 'k', strategy: 'colocated' }), lr, crossed, ctxFor(2)), (e: Error) => e instanceof DataError && /partitioned on the join key the same way/.test(e.message));
  await assert.rejects(runJoin(joinNode({ on: 'k', strategy: 'colocated' }), lr, toArrow({ columns: [{ name: 'k', kind: 'int32', values: [1, 2, 3] }] }, [1, 1, 1]), ctxFor(1)), /same number of partitions/);
});

test('the plan decides, else the spec, else the planner\'s cost model; stats say which', async () => {
  const plan = await runJoinWithStats(joinNode({ on: 'customer_id', strategy: 'broadcast' }, 'sort_merge'), orders(), customers(), ctxFor(2));
  assert.equal(plan.stats.strategy, 'sort_merge');
  assert.equal(plan.stats.chosenBy, 'plan');
  const spec = await runJoinWithStats(joinNode({ on: 'customer_id', strategy: 'shuffle_hash' }, null), orders(), customers(), ctxFor(2));
  assert.deepEqual([spec.stats.strategy, spec.stats.chosenBy], ['shuffle_hash', 'spec']);
  // No plan and no explicit strategy: the same cost model the planner uses, over the inputs' measured sizes.
  for (const workers of [1, 2, 4]) {
    const [l, r] = sized(20_000, 5_000, 2_000 * workers, 0);
    const auto = await runJoinWithStats(joinNode({ on: 'k' }, null), l, r, ctxFor(workers));
    assert.equal(auto.stats.chosenBy, 'model');
    const model = chooseJoin({
      left: { rows: l.numRows, bytes: tableBytes(l), distinct: null },
      right: { rows: r.numRows, bytes: tableBytes(r), distinct: null },
      how: 'inner',
      workers,
      memoryPerWorker: 2 ** 30,
      constants: DEFAULT_CONSTANTS,
      colocation: 'none',
      colocationNote: '',
    });
    assert.deepEqual([auto.stats.strategy, auto.stats.buildSide], [model.strategy, model.buildSide], `${workers} workers`);
  }
});

test('the plan\'s build side is the one built on and broadcast, even when it is the larger input', async () => {
  const [l, r] = sized(2_000, 2_000, 300, 0);
  for (const strategy of ['broadcast', 'shuffle_hash']) {
    const planned = joinNode({ on: 'k' }, strategy);
    planned.decision!.settings = { build_side: 'left' };
    const res = await runJoinWithStats(planned, l, r, ctxFor(2));
    assert.equal(res.stats.buildSide, 'left', strategy);
    if (strategy === 'broadcast') assert.equal(res.stats.bytesMoved, res.stats.inputBytes.left, 'the left side went to the other worker');
    const plain = await runJoinWithStats(joinNode({ on: 'k', strategy }, null), l, r, ctxFor(2));
    assert.deepEqual(arrowRows(res.table), arrowRows(plain.table), strategy);
  }
});

test('an automatic plan is checked against the sizes the join meets; it runs as planned either way', async () => {
  // Planned as broadcast from estimates of 4,000 x 30 rows; the inputs hold 2,000 x 2,000, at which the
  // model moves both sides on two workers instead.
  const [l, r] = sized(2_000, 2_000, 2_000, 0);
  const node = joinNode({ on: 'k' }, 'broadcast');
  node.decision!.settings = { build_side: 'right' };
  node.decision!.inputs = { 'left.rows': { value: 4_000, from: 'estimate' }, 'right.rows': { value: 30, from: 'file metadata' } };
  const res = await runJoinWithStats(node, l, r, ctxFor(2));
  assert.equal(res.stats.strategy, 'broadcast', 'the plan is followed');
  const check = res.stats.check!;
  assert.equal(check.agrees, false);
  assert.notEqual(check.strategy, 'broadcast');
  assert.deepEqual([check.planned.left.rows, check.actual.left.rows, check.actual.right.rows], [4_000, 2_000, 2_000]);
  assert.match(check.note, /the plan has broadcast.*the join runs as planned/);
  // The same plan at sizes that bear it out agrees; an explicit strategy is not second-guessed.
  const [big, small] = sized(20_000, 5_000, 30, 0);
  assert.equal((await runJoinWithStats(node, big, small, ctxFor(2))).stats.check!.agrees, true);
  assert.equal((await runJoinWithStats(joinNode({ on: 'k', strategy: 'broadcast' }, 'broadcast'), l, r, ctxFor(2))).stats.check, undefined);
});

/** A left table of `n` rows whose keys cycle over `distinct` values, and a right one of `m` distinct keys. */
function sized(n: number, distinct: number, m: number, offset: number): [Table, Table] {
  const left = tableFromArrays({ k: Int32Array.from({ length: n }, (_, i) => i % distinct), v: Float64Array.from({ length: n }, (_, i) => i) });
  const right = tableFromArrays({ k: Int32Array.from({ length: m }, (_, i) => i + offset), w: Int32Array.from({ length: m }, (_, i) => i) });
  return [left, right];
}

test('bytes moved follow each strategy: the build side per extra worker, both sides once, nothing', async () => {
  const [l, r] = sized(20_000, 5_000, 2_000, 0);
  const b = await runJoinWithStats(joinNode({ on: 'k', strategy: 'broadcast', bloom_filter: false }), l, r, ctxFor(3));
  assert.equal(b.stats.buildSide, 'right');
  assert.equal(b.stats.bytesMoved, 2 * b.stats.inputBytes.right);
  const s = await runJoinWithStats(joinNode({ on: 'k', strategy: 'shuffle_hash', bloom_filter: false }), l, r, ctxFor(2));
  // About half of both sides (plus their 4-byte key hashes) change worker.
  const both = s.stats.inputBytes.left + s.stats.inputBytes.right + 4 * (l.numRows + r.numRows);
  assert.ok(s.stats.bytesMoved > 0.4 * both && s.stats.bytesMoved < 0.6 * both, `${s.stats.bytesMoved} of ${both}`);
  const one = await runJoinWithStats(joinNode({ on: 'k', strategy: 'shuffle_hash' }), l, r, ctxFor(1));
  assert.equal(one.stats.bytesMoved, 0);
  assert.equal(arrowRows(one.table).length, 8_000);
});

test('the Bloom filter drops rows that cannot match and never changes the answer; auto uses it when few keys match', async () => {
  const [l, r] = sized(40_000, 40_000, 1_000, 39_500);
  for (const how of ['inner', 'left', 'right', 'full', 'semi', 'anti']) {
    const off = await runJoinWithStats(joinNode({ on: 'k', how, strategy: 'shuffle_hash', bloom_filter: false }), l, r, ctxFor(2));
    const on = await runJoinWithStats(joinNode({ on: 'k', how, strategy: 'shuffle_hash', bloom_filter: true }), l, r, ctxFor(2));
    assert.deepEqual(arrowRows(on.table), arrowRows(off.table), how);
    assert.ok(on.stats.bloom.used && on.stats.bloom.rowsRejected > 39_000 * 0.95, `${how}: ${on.stats.bloom.rowsRejected}`);
    assert.ok(on.stats.bytesMoved < off.stats.bytesMoved / 5, `${how}: moved ${on.stats.bytesMoved} vs ${off.stats.bytesMoved}`);
  }
  const auto = await runJoinWithStats(joinNode({ on: 'k', strategy: 'sort_merge', bloom_filter: 'auto' }), l, r, ctxFor(2));
  assert.ok(auto.stats.bloom.used, auto.stats.bloom.reason);
  // HyperLogLog counts each side well; an overlap this small next to 40,000 keys is within its noise.
  assert.ok(Math.abs(auto.stats.distinctKeys!.left - 40_000) < 1_300 && Math.abs(auto.stats.distinctKeys!.right - 1_000) < 40, JSON.stringify(auto.stats.distinctKeys));
  assert.ok(auto.stats.distinctKeys!.both < 2_000, JSON.stringify(auto.stats.distinctKeys));
  const [l2, r2] = sized(40_000, 1_000, 1_000, 0);
  const notNeeded = await runJoinWithStats(joinNode({ on: 'k', strategy: 'shuffle_hash', bloom_filter: 'auto' }), l2, r2, ctxFor(2));
  assert.ok(!notNeeded.stats.bloom.used, notNeeded.stats.bloom.reason);
});

test('larger inputs: every strategy and worker count agree, and progress reaches the total', async () => {
  const [l, r] = sized(150_000, 90_000, 80_000, 20_000);
  let answer: string[] | undefined;
  for (const strategy of ['broadcast', 'shuffle_hash', 'sort_merge']) {
    for (const workers of [1, 2]) {
      const seen: number[] = [];
      const ctx = { ...ctxFor(workers), onProgress: (done: number, total: number | undefined) => seen.push(done / total!) };
      const t = await runJoin(joinNode({ on: 'k', how: 'full', strategy }), l, r, ctx);
      const rows = arrowRows(t);
      answer ??= rows;
      assert.equal(rows.length, answer.length, `${strategy} with ${workers}`);
      assert.deepEqual(rows, answer, `${strategy} with ${workers}`);
      assert.equal(seen[seen.length - 1], 1);
    }
  }
});

test('inputs with empty record batches and no batches at all', async () => {
  const schema = new Schema([new Field('k', new Int32(), true)]);
  const empty = new Table(schema);
  const withEmpty = new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children: [vectorFromArray([], new Int32()).data[0]!] })), ...toArrow({ columns: [{ name: 'k', kind: 'int32', values: [1, 2] }] }).batches]);
  for (const strategy of ['broadcast', 'shuffle_hash', 'sort_merge', 'colocated']) {
    assert.deepEqual(arrowRows(await runJoin(joinNode({ on: 'k', how: 'left', strategy }), withEmpty, empty, ctxFor(2))), ['1', '2'], strategy);
    assert.equal((await runJoin(joinNode({ on: 'k', strategy }), empty, withEmpty, ctxFor(1))).numRows, 0, strategy);
  }
});

test('a lookup where every row of one side comes out once, in order, passes that side\'s columns through uncopied', async () => {
  const n = 5_000;
  const facts = tableFromArrays({ id: Int32Array.from({ length: n }, (_, i) => i), c: Int32Array.from({ length: n }, (_, i) => (i * 7) % 100), v: Float64Array.from({ length: n }, (_, i) => i / 2) });
  const dim = tableFromArrays({ c: Int32Array.from({ length: 100 }, (_, i) => 99 - i), label: Float64Array.from({ length: 100 }, (_, i) => 1000 + i) });
  for (const how of ['inner', 'left']) {
    const res = await runJoinWithStats(joinNode({ on: 'c', how, strategy: 'broadcast' }, null), facts, dim, ctxFor(1));
    const out = res.table;
    assert.equal(out.numRows, n, how);
    const v = out.getChild('v')!.data[0]!;
    assert.equal(v.values.buffer, facts.getChild('v')!.data[0]!.values.buffer, `${how}: the left column is the input's own buffer`);
    // The same rows as a join that copies (two workers, rows moved between partitions).
    const copied = await runJoin(joinNode({ on: 'c', how, strategy: 'shuffle_hash' }, null), facts, dim, ctxFor(2));
    assert.deepEqual(arrowRows(out), arrowRows(copied), how);
  }
  // Not every row matched: copied as before.
  const partial = await runJoin(joinNode({ on: 'c', strategy: 'broadcast' }, null), facts, tableFromArrays({ c: Int32Array.from([1, 2, 3]), label: Float64Array.from([1, 2, 3]) }), ctxFor(1));
  assert.notEqual(partial.getChild('v')!.data[0]!.values.buffer, facts.getChild('v')!.data[0]!.values.buffer);
});
