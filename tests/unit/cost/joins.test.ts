import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONSTANTS, type MachineConstants } from '../../../compiler/cost/constants.js';
import {
  bloomFilterEstimate,
  broadcastCrossover,
  broadcastUnits,
  chooseBuildSide,
  colocatedUnits,
  estimateJoin,
  hashTableBytes,
  joinPasses,
  type JoinModelInput,
  type JoinSide,
  matchFraction,
  passSeconds,
  pickJoinStrategy,
  shuffleHashUnits,
  sortMergeUnits,
} from '../../../compiler/cost/joins.js';

const c: MachineConstants = { ...DEFAULT_CONSTANTS };
const GiB = 2 ** 30;
const side = (rows: number | null, rowBytes = 16, distinct: number | null = null): JoinSide => ({ rows, bytes: rows === null ? null : rows * rowBytes, distinct });

function model(a: JoinSide, b: JoinSide, n: number, extra: Partial<JoinModelInput> = {}): JoinModelInput {
  return { a, b, workers: n, memoryPerWorker: 8 * GiB, constants: c, colocation: 'none', colocationNote: 'not co-located', ...extra };
}

test('the talk\'s unit formulas: sort-merge 3A/n + 3B/n, broadcast A/n + B/n + 2B, and their difference 2(A+B)/n − 2B', () => {
  for (const [a, b, n] of [[4, 1, 2], [4, 1, 5], [19, 1, 18], [100, 3, 7]] as const) {
    assert.equal(sortMergeUnits(a, b, n), (3 * a) / n + (3 * b) / n);
    assert.equal(broadcastUnits(a, b, n), a / n + b / n + 2 * b);
    assert.ok(Math.abs(sortMergeUnits(a, b, n) - broadcastUnits(a, b, n) - ((2 * (a + b)) / n - 2 * b)) < 1e-12);
  }
  // Shuffle hash: its read, each worker writing its share into the partitions (as sort-merge counts it), a
  // build of B/n. Co-located: nothing moves at all.
  assert.equal(shuffleHashUnits(4, 1, 2), 5 / 2 + 5 / 2 + 1 / 2);
  assert.equal(shuffleHashUnits(4, 1, 5), 5 / 5 + 5 / 5 + 1 / 5);
  assert.equal(colocatedUnits(4, 1, 2), 5 / 2 + 1 / 2);
  // Shuffle hash is sort-merge without the sort, plus a table of B/n: never dearer with equal rates.
  for (const [a, b, n] of [[1, 1, 1], [4, 1, 5], [100, 3, 64]] as const) assert.ok(shuffleHashUnits(a, b, n) < sortMergeUnits(a, b, n));
});

test('with every pass at the same rate, seconds are the unit formulas times the rate', () => {
  const unit = 1e8;
  for (const n of [1, 2, 3, 5, 8, 32]) {
    const sec = (s: Parameters<typeof joinPasses>[0]) => passSeconds(joinPasses(s, 4 * unit, unit, n), c) * c.read_bytes_per_s / unit;
    assert.ok(Math.abs(sec('sort_merge') - sortMergeUnits(4, 1, n)) < 1e-9);
    assert.ok(Math.abs(sec('broadcast') - broadcastUnits(4, 1, n)) < 1e-9);
    assert.ok(Math.abs(sec('shuffle_hash') - shuffleHashUnits(4, 1, n)) < 1e-9);
    assert.ok(Math.abs(sec('colocated') - colocatedUnits(4, 1, n)) < 1e-9);
  }
});

test('A = 60M rows, B = 15M rows (A+B = 5 units of B): broadcast at 1 and 2 workers, not where workers outnumber the size ratio', () => {
  const a = side(60e6);
  const b = side(15e6);
  // Between broadcast and sort-merge alone, the talk's crossover: 5 workers for A+B = 5 units of B.
  assert.ok(Math.abs(broadcastCrossover(a.bytes!, b.bytes!, c) - 5) < 1e-9);
  const est = (n: number, s: string) => estimateJoin(model(a, b, n)).find((x) => x.strategy === s)!.seconds!;
  for (const n of [2, 3, 4]) assert.ok(est(n, 'broadcast') < est(n, 'sort_merge'), `${n} workers: broadcast under sort-merge`);
  for (const n of [6, 8]) assert.ok(est(n, 'broadcast') > est(n, 'sort_merge'), `${n} workers: sort-merge under broadcast`);
  // With shuffle hash in the field it stops sooner: broadcast while A > 2(n−1)B, so up to 2 workers here.
  const chosen = [1, 2, 3, 4, 5, 6, 8, 12, 16].map((n) => [n, pickJoinStrategy(estimateJoin(model(a, b, n)), 'none')] as const);
  for (const [n, s] of chosen) {
    if (n <= 2) assert.equal(s, 'broadcast', `${n} workers`);
    else assert.equal(s, 'shuffle_hash', `${n} workers`);
  }
  // The talk: with A+B > 20 units broadcast still beats sort-merge at 18 workers; shuffle hash, which the
  // talk did not weigh, beats both there, and broadcast keeps winning up to A > 2(n−1)B.
  const big = (n: number) => estimateJoin(model(side(20e6), side(1e6), n));
  assert.ok(big(18).find((x) => x.strategy === 'broadcast')!.seconds! < big(18).find((x) => x.strategy === 'sort_merge')!.seconds!);
  assert.equal(pickJoinStrategy(big(10), 'none'), 'broadcast');
  assert.equal(pickJoinStrategy(big(12), 'none'), 'shuffle_hash');
});

test('one worker: broadcast, which writes B once, over a shuffle that still writes every row into a partition', () => {
  for (const ratio of [1, 4, 256]) assert.equal(pickJoinStrategy(estimateJoin(model(side(ratio * 1e6), side(1e6), 1)), 'none'), 'broadcast', `A = ${ratio} B`);
});

test('the broadcast / shuffle crossover grows with the workers: A/B = (1 + hash/send cost)·(n − 1)', () => {
  // Hashing a byte costing 3 times sending one puts the crossover at 4(n − 1): 4 at 2 workers, 12 at 4.
  const k = { ...c, hash_bytes_per_s: c.send_bytes_per_s / 3 };
  const pick = (ratio: number, n: number) => pickJoinStrategy(estimateJoin({ ...model(side(ratio * 1e6), side(1e6), n), constants: k }), 'none');
  assert.deepEqual([3, 5].map((r) => pick(r, 2)), ['shuffle_hash', 'broadcast']);
  assert.deepEqual([11, 13].map((r) => pick(r, 4)), ['shuffle_hash', 'broadcast']);
});

test('calibrated rates move the crossover: slow sorting favours broadcast, slow hashing favours sort-merge', () => {
  const slowSort = { ...c, sort_bytes_per_s: c.sort_bytes_per_s / 4 };
  const slowHash = { ...c, hash_bytes_per_s: c.hash_bytes_per_s / 4 };
  assert.ok(broadcastCrossover(4, 1, slowSort) > 5);
  assert.ok(broadcastCrossover(4, 1, slowHash) < 5);
  // Both exchange their data over the same network: its speed alone does not move the crossover.
  assert.ok(Math.abs(broadcastCrossover(4, 1, { ...c, send_bytes_per_s: c.send_bytes_per_s / 4 }) - 5) < 1e-9);
  const at6 = estimateJoin({ ...model(side(60e6), side(15e6), 6), constants: slowSort });
  assert.ok(at6.find((x) => x.strategy === 'broadcast')!.seconds! < at6.find((x) => x.strategy === 'sort_merge')!.seconds!);
});

test('build side: the smaller input by bytes, else by rows, whichever side it is written on', () => {
  assert.equal(chooseBuildSide(side(10), side(1000)), 'left');
  assert.equal(chooseBuildSide(side(1000), side(10)), 'right');
  // Fewer rows but wider ones: bytes decide.
  assert.equal(chooseBuildSide(side(100, 100), side(1000, 4)), 'right');
  assert.equal(chooseBuildSide({ rows: 5, bytes: null, distinct: null }, { rows: 50, bytes: null, distinct: null }), 'left');
  assert.equal(chooseBuildSide(side(null), side(null)), 'right');
});

test('broadcast is infeasible when the hash table (rows plus an index entry each) exceeds a third of a worker\'s memory', () => {
  const b = side(15e6);
  const table = hashTableBytes(b.bytes!, b.rows, c);
  assert.equal(table, 15e6 * 16 + 15e6 * c.hash_index_bytes_per_row);
  assert.ok(table / b.bytes! >= 2 && table / b.bytes! <= 5, 'narrow rows: the table is several times the data');
  const tight = estimateJoin({ ...model(side(60e6), b, 2), memoryPerWorker: 512 * 2 ** 20 });
  const bc = tight.find((x) => x.strategy === 'broadcast')!;
  assert.equal(bc.feasible, false);
  assert.match(bc.note, /exceeds a third of the 512 MiB per worker/);
  assert.equal(pickJoinStrategy(tight, 'none'), 'sort_merge');
  // Shuffle hash needs only B/n of the table per worker; with enough workers it fits again.
  assert.equal(tight.find((x) => x.strategy === 'shuffle_hash')!.feasible, false);
  assert.equal(estimateJoin({ ...model(side(60e6), b, 16), memoryPerWorker: 512 * 2 ** 20 }).find((x) => x.strategy === 'shuffle_hash')!.feasible, true);
});

test('an outer join cannot broadcast the side whose unmatched rows it keeps', () => {
  const alts = estimateJoin(model(side(60e6), side(1e6), 2, { broadcastBlocked: 'keeps them' }));
  assert.equal(alts.find((x) => x.strategy === 'broadcast')!.feasible, false);
  assert.notEqual(pickJoinStrategy(alts, 'none'), 'broadcast');
});

test('co-location: taken when proven, feasible but not chosen when only declared, infeasible otherwise', () => {
  const a = side(60e6);
  const b = side(15e6);
  assert.equal(pickJoinStrategy(estimateJoin(model(a, b, 4, { colocation: 'proven', colocationNote: 'one source' })), 'proven'), 'colocated');
  const declared = estimateJoin(model(a, b, 4, { colocation: 'declared', colocationNote: 'both declare' }));
  assert.equal(declared.find((x) => x.strategy === 'colocated')!.feasible, true);
  assert.notEqual(pickJoinStrategy(declared, 'declared'), 'colocated');
  assert.equal(estimateJoin(model(a, b, 4)).find((x) => x.strategy === 'colocated')!.feasible, false);
});

test('unknown sizes: no estimates, and sort-merge, which never needs an input in memory', () => {
  const alts = estimateJoin(model(side(null), side(null), 4));
  assert.ok(alts.every((x) => x.seconds === null));
  assert.equal(pickJoinStrategy(alts, 'none'), 'sort_merge');
});

test('match fraction from distinct keys (containment), and the Bloom filter pays only when few keys match and A moves', () => {
  assert.equal(matchFraction(100, 20), 0.2);
  assert.equal(matchFraction(20, 100), 1);
  assert.equal(matchFraction(null, 5), null);
  const a = side(200e6, 16, 100e6);
  const b = side(20e6, 16, 20e6);
  const few = bloomFilterEstimate('sort_merge', a, b, 32, 0.2, c)!;
  assert.ok(few.saved > few.cost, 'sort-merge moves A: dropping 80% of it pays for the filter');
  assert.ok(Math.abs(few.passing - (0.2 + 0.01 * 0.8)) < 1e-12);
  assert.equal(few.filterBytes, (20e6 * 10) / 8);
  const all = bloomFilterEstimate('sort_merge', a, b, 32, 1, c)!;
  assert.ok(all.saved < all.cost, 'every key matches: nothing to drop');
  assert.equal(bloomFilterEstimate('broadcast', a, b, 32, 0.2, c)!.saved, 0, 'broadcast does not move A');
  assert.equal(bloomFilterEstimate('sort_merge', side(null), b, 32, 0.2, c), null);
});
