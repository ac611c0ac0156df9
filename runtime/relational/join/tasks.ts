/**
 * The units of work a join hands to its workers, as plain messages: each strategy is a few rounds of these
 * (strategies/*.ts). A task reads tables the driver shared with every worker and returns what it made;
 * `shared` says whether intermediate buffers must be SharedArrayBuffers (worker threads) or may be plain
 * (everything in the calling thread). Output batches are always plain ArrayBuffers, handed back by transfer,
 * so the Arrow table the caller gets holds ordinary memory.
 */
import { BloomFilter } from './bloom-filter.js';
import { concatTables } from './concat.js';
import { gatherTable } from './gather.js';
import { gatherOutput, gatherPairs } from './gather-output.js';
import { hashKeys, partitionOf } from './hash.js';
import { emitBuildRows, hashJoin, type KeySet } from './hash-join.js';
import { HyperLogLog } from '../../data/sketches/hyperloglog.js';
import { compareKeys, type KeyValue, keyValueAt, keysOfValues } from './key-compare.js';
import { type KeyColumn, normalizeKeys, type NormalizedKeys } from './keys.js';
import { type Alloc, layoutBuffers, plainAlloc, sharedAlloc, type TableLayout } from './layout.js';
import { type JoinShape, keysOf, otherSide } from './join-shape.js';
import { marksBuild, matchRules, type Side } from './match-rules.js';
import { mergeJoin } from './merge-join.js';
import { PairBuffer } from './pairs.js';

export type Counters = Record<string, number>;

/** Probe rows [from, to) of the larger side against a hash table of the whole smaller side. */
export interface BroadcastProbeTask {
  kind: 'broadcast-probe';
  shape: JoinShape;
  left: TableLayout;
  right: TableLayout;
  buildSide: Side;
  from: number;
  to: number;
  /** Build a Bloom filter of the build side at this false-positive rate and test probe rows against it first. */
  bloomFpr: number | null;
  shared: boolean;
}

/** Build rows [from, to) that are output on their own: unmatched (outer, anti) or matched (semi). */
export interface EmitBuildTask {
  kind: 'emit-build';
  shape: JoinShape;
  left: TableLayout;
  right: TableLayout;
  buildSide: Side;
  /** One array of match flags per worker that probed. */
  flags: Uint8Array[];
  from: number;
  to: number;
}

/** Hash the keys of rows [from, to) into the shared `hashes`, sketching and sampling them on the way. */
export interface ScanTask {
  kind: 'scan';
  table: TableLayout;
  keys: KeyColumn[];
  from: number;
  to: number;
  hashes: Uint32Array;
  sketch: boolean;
  /** Blocks of a Bloom filter of these keys to build; 0 for none. */
  bloomBlocks: number;
  /** Keys to sample (for range boundaries); 0 for none. */
  sample: number;
  seed: number;
  shared: boolean;
}

export type Partitioner = { kind: 'hash'; partitions: number } | { kind: 'range'; splitters: KeyValue[]; width: number };

/** Cut rows [from, to) into one piece per partition, ready for the workers that will own the partitions. */
export interface PartitionTask {
  kind: 'partition';
  table: TableLayout;
  keys: KeyColumn[];
  from: number;
  to: number;
  hashes: Uint32Array;
  partitioner: Partitioner;
  /** Rows whose key is not in this filter cannot match. */
  bloom: Uint32Array | null;
  /** The side's rows are output even unmatched: rows that cannot match stay here instead of being dropped. */
  preserve: boolean;
  shared: boolean;
}

export interface PartitionPieces {
  left: TableLayout[];
  right: TableLayout[];
}

/** Rows of a preserved side that cannot match, output where they already are, the other side null. */
export interface LocalRows {
  side: Side;
  rows: Int32Array;
}

/** Join whole partitions, each arriving as pieces from every worker: by hash table or by sort and merge. */
export interface PartitionJoinTask {
  kind: 'partition-join';
  shape: JoinShape;
  algorithm: 'hash' | 'merge';
  parts: PartitionPieces[];
  /** The inputs as shared, for local rows and for the types of an all-null side. */
  left: TableLayout;
  right: TableLayout;
  local: LocalRows[];
}

/** Join partitions that are already in place: partition i of the left with partition i of the right. */
export interface ColocatedJoinTask {
  kind: 'colocated-join';
  shape: JoinShape;
  parts: { index: number; left: TableLayout; right: TableLayout }[];
  partitions: number;
  bloomFpr: number | null;
}

export type Task = BroadcastProbeTask | EmitBuildTask | ScanTask | PartitionTask | PartitionJoinTask | ColocatedJoinTask;

export interface BatchesResult {
  kind: 'batches';
  batches: TableLayout[];
  /** Build-side match flags (broadcast, when the join needs them afterwards). */
  flags: Uint8Array | null;
  /** How the partitions' keys lie, for checking that co-located inputs really are (colocated only). */
  placement: PartitionPlacement[];
  counters: Counters;
}

export interface PartitionPlacement {
  index: number;
  /** Every non-null key of the side is in the partition partitionOf(hash) names. */
  hashPlaced: [boolean, boolean];
  /** Smallest and largest key of each side (key-compare order); null for a side without non-null keys. */
  range: [[KeyValue, KeyValue] | null, [KeyValue, KeyValue] | null];
}

export interface ScanResult {
  kind: 'scan';
  nullCount: number;
  sketch: Uint8Array | null;
  bloom: Uint32Array | null;
  sample: KeyValue[];
}

export interface PartitionResult {
  kind: 'partition';
  pieces: TableLayout[];
  local: Int32Array;
  counters: Counters;
}

export type TaskResult = BatchesResult | ScanResult | PartitionResult;

export const HLL_PRECISION = 14;

export function runTask(task: Task): { result: TaskResult; transfer: ArrayBuffer[] } {
  const result = dispatch(task);
  const transfer: ArrayBuffer[] = [];
  if (result.kind === 'batches') {
    const seen = new Set<ArrayBufferLike>();
    for (const b of result.batches) for (const c of b.columns) layoutBuffers(c, seen);
    for (const buf of seen) if (buf instanceof ArrayBuffer) transfer.push(buf);
  }
  return { result, transfer };
}

function dispatch(task: Task): TaskResult {
  switch (task.kind) {
    case 'broadcast-probe':
      return broadcastProbe(task);
    case 'emit-build':
      return emitBuild(task);
    case 'scan':
      return scan(task);
    case 'partition':
      return partition(task);
    case 'partition-join':
      return partitionJoin(task);
    case 'colocated-join':
      return colocatedJoin(task);
  }
}

const sideTable = (t: { left: TableLayout; right: TableLayout }, side: Side): TableLayout => (side === 'left' ? t.left : t.right);

function keySet(table: TableLayout, keys: KeyColumn[], from = 0, to = table.length): KeySet {
  const k = normalizeKeys(table.columns, keys, from, to);
  return { keys: k, hashes: hashKeys(k) };
}

function bloomOf(set: KeySet, fpr: number): BloomFilter {
  const bloom = BloomFilter.forCapacity(set.keys.count - set.keys.nullCount, fpr);
  const { hashes, keys } = set;
  for (let i = 0; i < keys.count; i++) if (keys.nulls === null || keys.nulls[i] === 0) bloom.addHash(hashes[i]!);
  return bloom;
}

function broadcastProbe(t: BroadcastProbeTask): BatchesResult {
  const probeSide = otherSide(t.buildSide);
  const rules = matchRules(t.shape.how, t.buildSide);
  const buildTable = sideTable(t, t.buildSide);
  // Every worker builds its own table over the whole build side: that is what broadcasting it costs.
  const build = keySet(buildTable, keysOf(t.shape, t.buildSide));
  const probe = keySet(sideTable(t, probeSide), keysOf(t.shape, probeSide), t.from, t.to);
  const flags = marksBuild(rules) ? new Uint8Array((t.shared ? sharedAlloc : plainAlloc)(buildTable.length)) : undefined;
  const out = new PairBuffer(t.to - t.from);
  const counters: Counters = { probeRows: t.to - t.from, bloomRejected: 0 };
  const bloom = t.bloomFpr === null ? undefined : bloomOf(build, t.bloomFpr);
  hashJoin(build, probe, rules, out, { probeOffset: t.from, buildFlags: flags, bloom, counters });
  counters.pairs = out.length;
  return { kind: 'batches', batches: [gatherPairs(t.shape, t.left, t.right, out, t.buildSide, plainAlloc)], flags: flags ?? null, placement: [], counters };
}

function emitBuild(t: EmitBuildTask): BatchesResult {
  const rules = matchRules(t.shape.how, t.buildSide);
  const merged = new Uint8Array(t.to - t.from);
  for (const f of t.flags) for (let i = t.from; i < t.to; i++) merged[i - t.from]! |= f[i]!;
  const out = new PairBuffer(t.to - t.from);
  emitBuildRows(merged, rules, out, t.from);
  return { kind: 'batches', batches: [gatherPairs(t.shape, t.left, t.right, out, t.buildSide, plainAlloc)], flags: null, placement: [], counters: { rows: out.length } };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function scan(t: ScanTask): ScanResult {
  const keys = normalizeKeys(t.table.columns, t.keys, t.from, t.to);
  hashKeys(keys, t.hashes.subarray(t.from, t.to));
  const hashes = t.hashes;
  const valid = (i: number): boolean => keys.nulls === null || keys.nulls[i - t.from] === 0;
  let sketch: Uint8Array | null = null;
  if (t.sketch) {
    const hll = new HyperLogLog(HLL_PRECISION, new Uint8Array((t.shared ? sharedAlloc : plainAlloc)(1 << HLL_PRECISION)));
    for (let i = t.from; i < t.to; i++) if (valid(i)) hll.addHash(hashes[i]!);
    sketch = hll.registers;
  }
  let bloom: Uint32Array | null = null;
  if (t.bloomBlocks > 0) {
    const f = BloomFilter.fromWords(new Uint32Array((t.shared ? sharedAlloc : plainAlloc)(t.bloomBlocks * 32)));
    for (let i = t.from; i < t.to; i++) if (valid(i)) f.addHash(hashes[i]!);
    bloom = f.words;
  }
  const sample: KeyValue[] = [];
  const n = t.to - t.from;
  if (t.sample > 0 && n - keys.nullCount > 0) {
    const rand = mulberry32(t.seed ^ Math.imul(t.from + 1, 0x9e3779b1));
    for (let s = 0, tries = 0; s < Math.min(t.sample, n) && tries < 4 * t.sample; tries++) {
      const r = Math.floor(rand() * n);
      if (keys.nulls !== null && keys.nulls[r] !== 0) continue;
      sample.push(keyValueAt(keys, r));
      s++;
    }
  }
  return { kind: 'scan', nullCount: keys.nullCount, sketch, bloom, sample };
}

function partitionIds(t: PartitionTask, keys: NormalizedKeys): (i: number) => number {
  const p = t.partitioner;
  if (p.kind === 'hash') return (i) => partitionOf(t.hashes[t.from + i]!, p.partitions);
  const bounds = keysOfValues(p.splitters, p.width);
  const m = bounds.count;
  // The number of boundaries at or below the key: equal keys always land in the same range.
  return (i) => {
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(bounds, mid, keys, i) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function partition(t: PartitionTask): PartitionResult {
  const n = t.to - t.from;
  const keys = normalizeKeys(t.table.columns, t.keys, t.from, t.to);
  const partitions = t.partitioner.kind === 'hash' ? t.partitioner.partitions : t.partitioner.splitters.length + 1;
  const idOf = partitionIds(t, keys);
  const bloom = t.bloom === null ? null : BloomFilter.fromWords(t.bloom);
  const ids = new Int32Array(n);
  const starts = new Int32Array(partitions + 1);
  let local = 0;
  let filtered = 0;
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    let id: number;
    if (keys.nulls !== null && keys.nulls[i] !== 0) id = -1;
    else if (bloom !== null && !bloom.mightContainHash(t.hashes[t.from + i]!)) {
      id = -1;
      filtered++;
    } else id = idOf(i);
    if (id < 0) {
      if (t.preserve) local++;
      else dropped++;
    } else starts[id + 1]!++;
    ids[i] = id;
  }
  for (let p = 0; p < partitions; p++) starts[p + 1]! += starts[p]!;
  const order = new Int32Array(starts[partitions]!);
  const localRows = new Int32Array(local);
  const fill = starts.slice(0, partitions);
  for (let i = 0, l = 0; i < n; i++) {
    const id = ids[i]!;
    if (id >= 0) order[fill[id]!++] = t.from + i;
    else if (t.preserve) localRows[l++] = t.from + i;
  }
  const alloc: Alloc = t.shared ? sharedAlloc : plainAlloc;
  const pieces: TableLayout[] = [];
  for (let p = 0; p < partitions; p++) pieces.push(gatherTable(t.table, order, starts[p]!, starts[p + 1]!, alloc));
  return { kind: 'partition', pieces, local: localRows, counters: { rows: n, local, dropped, bloomRejected: filtered } };
}

function partitionJoin(t: PartitionJoinTask): BatchesResult {
  const batches: TableLayout[] = [];
  const counters: Counters = { partitions: t.parts.length, pairs: 0, localRows: 0 };
  for (const part of t.parts) {
    const left = concatTables(part.left, plainAlloc);
    const right = concatTables(part.right, plainAlloc);
    const out = t.algorithm === 'hash' ? hashJoinTables(t.shape, left, right) : mergeJoinTables(t.shape, left, right);
    counters.pairs! += out.pairs.length;
    if (out.pairs.length > 0) batches.push(gatherPairs(t.shape, left, right, out.pairs, out.buildSide, plainAlloc));
  }
  for (const l of t.local) {
    if (l.rows.length === 0) continue;
    const none = new Int32Array(l.rows.length).fill(-1);
    counters.localRows! += l.rows.length;
    batches.push(l.side === 'left' ? gatherOutput(t.shape, t.left, t.right, l.rows, none, l.rows.length, plainAlloc) : gatherOutput(t.shape, t.left, t.right, none, l.rows, l.rows.length, plainAlloc));
  }
  return { kind: 'batches', batches, flags: null, placement: [], counters };
}

/** A hash join of two whole tables, building on the smaller. */
function hashJoinTables(shape: JoinShape, left: TableLayout, right: TableLayout, bloomFpr: number | null = null, sets?: { left: KeySet; right: KeySet }): { pairs: PairBuffer; buildSide: Side; bloomRejected: number } {
  const buildSide: Side = left.length < right.length ? 'left' : 'right';
  const rules = matchRules(shape.how, buildSide);
  const l = sets?.left ?? keySet(left, shape.leftKeys);
  const r = sets?.right ?? keySet(right, shape.rightKeys);
  const [build, probe] = buildSide === 'left' ? [l, r] : [r, l];
  const flags = marksBuild(rules) ? new Uint8Array(build.keys.count) : undefined;
  const pairs = new PairBuffer(Math.max(left.length, right.length));
  const counters: Counters = { bloomRejected: 0 };
  hashJoin(build, probe, rules, pairs, { buildFlags: flags, bloom: bloomFpr === null ? undefined : bloomOf(build, bloomFpr), counters });
  if (flags) emitBuildRows(flags, rules, pairs);
  return { pairs, buildSide, bloomRejected: counters.bloomRejected! };
}

function mergeJoinTables(shape: JoinShape, left: TableLayout, right: TableLayout): { pairs: PairBuffer; buildSide: Side } {
  const pairs = new PairBuffer(Math.max(left.length, right.length));
  mergeJoin(normalizeKeys(left.columns, shape.leftKeys, 0, left.length), normalizeKeys(right.columns, shape.rightKeys, 0, right.length), matchRules(shape.how, 'right'), pairs);
  return { pairs, buildSide: 'right' };
}

function colocatedJoin(t: ColocatedJoinTask): BatchesResult {
  const batches: TableLayout[] = [];
  const placement: PartitionPlacement[] = [];
  const counters: Counters = { partitions: t.parts.length, pairs: 0, bloomRejected: 0 };
  for (const part of t.parts) {
    const l = keySet(part.left, t.shape.leftKeys);
    const r = keySet(part.right, t.shape.rightKeys);
    placement.push({ index: part.index, hashPlaced: [hashPlaced(l, part.index, t.partitions), hashPlaced(r, part.index, t.partitions)], range: [keyRange(l.keys), keyRange(r.keys)] });
    const out = hashJoinTables(t.shape, part.left, part.right, t.bloomFpr, { left: l, right: r });
    counters.pairs! += out.pairs.length;
    counters.bloomRejected! += out.bloomRejected;
    if (out.pairs.length > 0) batches.push(gatherPairs(t.shape, part.left, part.right, out.pairs, out.buildSide, plainAlloc));
  }
  return { kind: 'batches', batches, flags: null, placement, counters };
}

function hashPlaced(set: KeySet, index: number, partitions: number): boolean {
  const { keys, hashes } = set;
  for (let i = 0; i < keys.count; i++) {
    if (keys.nulls !== null && keys.nulls[i] !== 0) continue;
    if (partitionOf(hashes[i]!, partitions) !== index) return false;
  }
  return true;
}

function keyRange(keys: NormalizedKeys): [KeyValue, KeyValue] | null {
  let lo = -1;
  let hi = -1;
  for (let i = 0; i < keys.count; i++) {
    if (keys.nulls !== null && keys.nulls[i] !== 0) continue;
    if (lo < 0 || compareKeys(keys, i, keys, lo) < 0) lo = i;
    if (hi < 0 || compareKeys(keys, i, keys, hi) > 0) hi = i;
  }
  return lo < 0 ? null : [keyValueAt(keys, lo), keyValueAt(keys, hi)];
}
