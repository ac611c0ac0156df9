/**
 * The units of work a join hands to its workers, as plain messages: each strategy is a few rounds of these
 * (strategies/*.ts). A task reads tables the driver shared with every worker and returns what it made;
 * `shared` says whether intermediate buffers must be SharedArrayBuffers (worker threads) or may be plain
 * (everything in the calling thread). Output batches are always plain ArrayBuffers, handed back by transfer,
 * so the Arrow table the caller gets holds ordinary memory.
 */
import { BloomFilter } from './bloom-filter.js';
import { concatTables } from './concat.js';
import { gatherOutput, gatherPairs } from './gather-output.js';
import { hashKeys, partitionOf } from './hash.js';
import { HyperLogLog } from '../../data/sketches/hyperloglog.js';
import { compareKeys, type KeyValue, keyValueAt, keysOfValues } from './key-compare.js';
import { type KeyColumn, normalizeKeys, type NormalizedKeys } from './keys.js';
import { countNulls, layoutBuffers, plainAlloc, sharedAlloc, sliceTable, type TableLayout } from './layout.js';
import { type JoinShape, keysOf, otherSide } from './join-shape.js';
import { joinLocal } from './local-join.js';
import { marksBuild, matchRules, type Side } from './match-rules.js';
import { PairBuffer } from './pairs.js';
import { scatterTable } from './scatter.js';
import { type PieceSizes, pieceSizes, scatterInto } from './exchange.js';

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
  /** Hashes of non-null keys to sample (to measure how many rows a Bloom filter would pass); 0 for none. */
  hashSample: number;
  seed: number;
  shared: boolean;
  /** Also decide and count the rows' partitions (as a CountTask would) when nothing else must come first. */
  count?: Pick<CountTask, 'ids' | 'partitioner' | 'bloom' | 'preserve'>;
}

export type Partitioner = { kind: 'hash'; partitions: number } | { kind: 'range'; splitters: KeyValue[]; width: number };

/**
 * Decide the partition of rows [from, to) (written to the shared `ids`; -1 for rows that go nowhere) and
 * count rows and string bytes per partition.
 */
export interface CountTask {
  kind: 'count';
  table: TableLayout;
  keys: KeyColumn[];
  from: number;
  to: number;
  hashes: Uint32Array;
  ids: Int32Array;
  partitioner: Partitioner;
  /** Rows whose key is not in this filter cannot match. */
  bloom: Uint32Array | null;
  /** The side's rows are output even unmatched: rows that cannot match stay here instead of being dropped. */
  preserve: boolean;
}

/** Write rows [from, to) into the partitions' shared tables, at this worker's stretch of each. */
export interface ScatterTask {
  kind: 'scatter';
  table: TableLayout;
  from: number;
  to: number;
  ids: Int32Array;
  targets: TableLayout[];
  rowStart: Int32Array;
  byteStart: Float64Array[];
}

/** Cut rows [from, to) into one new piece per partition (tables with columns exchange.ts does not write). */
export interface PiecesTask {
  kind: 'pieces';
  table: TableLayout;
  from: number;
  to: number;
  ids: Int32Array;
  counts: Int32Array;
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

export type Task = BroadcastProbeTask | EmitBuildTask | ScanTask | CountTask | ScatterTask | PiecesTask | PartitionJoinTask | ColocatedJoinTask;

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
  hashSample: Uint32Array;
  counted: CountResult | null;
}

export interface CountResult {
  kind: 'count';
  sizes: PieceSizes;
  local: Int32Array;
  counters: Counters;
}

export interface PiecesResult {
  kind: 'pieces';
  pieces: TableLayout[];
}

export type TaskResult = BatchesResult | ScanResult | CountResult | PiecesResult | { kind: 'done' };

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
    case 'count':
      return countRows(task);
    case 'scatter':
      scatterInto(task.table, task.from, task.ids.subarray(task.from, task.to), task.targets, task.rowStart, task.byteStart);
      return { kind: 'done' };
    case 'pieces':
      return { kind: 'pieces', pieces: scatterTable(task.table, task.from, task.ids.subarray(task.from, task.to), task.counts, task.shared ? sharedAlloc : plainAlloc) };
    case 'partition-join':
      return partitionJoin(task);
    case 'colocated-join':
      return colocatedJoin(task);
  }
}

const sideTable = (t: { left: TableLayout; right: TableLayout }, side: Side): TableLayout => (side === 'left' ? t.left : t.right);

function broadcastProbe(t: BroadcastProbeTask): BatchesResult {
  const probeSide = otherSide(t.buildSide);
  const rules = matchRules(t.shape.how, t.buildSide);
  const buildTable = sideTable(t, t.buildSide);
  const probeSlice = sliceTable(sideTable(t, probeSide), t.from, t.to);
  const [left, right] = t.buildSide === 'left' ? [buildTable, probeSlice] : [probeSlice, buildTable];
  const flags = marksBuild(rules) ? new Uint8Array((t.shared ? sharedAlloc : plainAlloc)(buildTable.length)) : undefined;
  const counters: Counters = { probeRows: t.to - t.from, bloomRejected: 0 };
  // Every worker builds its own table over the whole build side: that is what broadcasting it costs.
  const bloom = t.bloomFpr === null ? undefined : bloomOfTable(buildTable, keysOf(t.shape, t.buildSide), t.bloomFpr);
  const batches = joinLocal(t.shape, left, right, { algorithm: 'hash', buildSide: t.buildSide, globalFlags: flags, bloom, counters });
  return { kind: 'batches', batches, flags: flags ?? null, placement: [], counters };
}

function bloomOfTable(table: TableLayout, keys: KeyColumn[], fpr: number): BloomFilter {
  const k = normalizeKeys(table.columns, keys, 0, table.length);
  const hashes = hashKeys(k);
  const bloom = BloomFilter.forCapacity(k.count - k.nullCount, fpr);
  for (let i = 0; i < k.count; i++) if (k.nulls === null || k.nulls[i] === 0) bloom.addHash(hashes[i]!);
  return bloom;
}

function emitBuild(t: EmitBuildTask): BatchesResult {
  const rules = matchRules(t.shape.how, t.buildSide);
  const out = new PairBuffer(t.to - t.from);
  for (let i = t.from; i < t.to; i++) {
    let matched = false;
    for (const f of t.flags) if (f[i] !== 0) matched = true;
    if (matched ? rules.buildMatched : rules.buildUnmatched) out.push(-1, i);
  }
  const batches = out.length === 0 ? [] : [gatherPairs(t.shape, t.left, t.right, out, t.buildSide, plainAlloc)];
  return { kind: 'batches', batches, flags: null, placement: [], counters: { rows: out.length } };
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
  const picked: number[] = [];
  if (t.hashSample > 0 && n - keys.nullCount > 0) {
    const rand = mulberry32(t.seed ^ Math.imul(t.from + 7, 0x85ebca6b));
    for (let tries = 0; picked.length < t.hashSample && tries < 4 * t.hashSample; tries++) {
      const r = Math.floor(rand() * n);
      if (keys.nulls === null || keys.nulls[r] === 0) picked.push(hashes[t.from + r]!);
    }
  }
  const counted = t.count === undefined ? null : countRows({ kind: 'count', table: t.table, keys: t.keys, from: t.from, to: t.to, hashes: t.hashes, ...t.count }, keys);
  return { kind: 'scan', nullCount: keys.nullCount, sketch, bloom, sample, hashSample: Uint32Array.from(picked), counted };
}

function partitionIds(t: CountTask, keys: NormalizedKeys): (i: number) => number {
  const p = t.partitioner;
  if (p.kind === 'hash') return (i) => partitionOf(t.hashes[t.from + i]!, p.partitions);
  const bounds = keysOfValues(p.splitters, p.width);
  const m = bounds.count;
  if (keys.kind === 'words' && bounds.kind === 'words' && keys.width <= 2) {
    // One- and two-word keys compare inline (the general comparison dominated this pass).
    const bw = bounds.words;
    const kw = keys.words;
    if (keys.width === 1) {
      return (i) => {
        const x = kw[i]!;
        let lo = 0;
        let hi = m;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (bw[mid]! <= x) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      };
    }
    return (i) => {
      const x0 = kw[2 * i]!;
      const x1 = kw[2 * i + 1]!;
      let lo = 0;
      let hi = m;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const b0 = bw[2 * mid]!;
        if (b0 < x0 || (b0 === x0 && bw[2 * mid + 1]! <= x1)) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
  }
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

function countRows(t: CountTask, keys = normalizeKeys(t.table.columns, t.keys, t.from, t.to)): CountResult {
  const n = t.to - t.from;
  const partitions = t.partitioner.kind === 'hash' ? t.partitioner.partitions : t.partitioner.splitters.length + 1;
  const idOf = partitionIds(t, keys);
  const bloom = t.bloom === null ? null : BloomFilter.fromWords(t.bloom);
  const ids = t.ids.subarray(t.from, t.to);
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
    }
    ids[i] = id;
  }
  const localRows = new Int32Array(local);
  if (t.preserve) for (let i = 0, l = 0; i < n; i++) if (ids[i]! < 0) localRows[l++] = t.from + i;
  return { kind: 'count', sizes: pieceSizes(t.table, t.from, ids, partitions), local: localRows, counters: { rows: n, local, dropped, bloomRejected: filtered } };
}

function partitionJoin(t: PartitionJoinTask): BatchesResult {
  const batches: TableLayout[] = [];
  const counters: Counters = { partitions: t.parts.length, localRows: 0 };
  for (const part of t.parts) {
    const left = withNullCounts(concatTables(part.left, plainAlloc));
    const right = withNullCounts(concatTables(part.right, plainAlloc));
    batches.push(...joinLocal(t.shape, left, right, { algorithm: t.algorithm, hashColumn: true, counters }));
  }
  for (const l of t.local) {
    if (l.rows.length === 0) continue;
    const none = new Int32Array(l.rows.length).fill(-1);
    counters.localRows! += l.rows.length;
    batches.push(l.side === 'left' ? gatherOutput(t.shape, t.left, t.right, l.rows, none, l.rows.length, plainAlloc) : gatherOutput(t.shape, t.left, t.right, none, l.rows, l.rows.length, plainAlloc));
  }
  return { kind: 'batches', batches, flags: null, placement: [], counters };
}

/** Partitions written by several workers learn their null counts only once all have written. */
function withNullCounts(t: TableLayout): TableLayout {
  const columns = t.columns.map((c) => {
    if (c.validity === null || c.kind === 'null') return c;
    const nullCount = countNulls(c.validity, c.length);
    return nullCount === 0 ? { ...c, validity: null, nullCount } : { ...c, nullCount };
  });
  return { length: t.length, columns };
}

function colocatedJoin(t: ColocatedJoinTask): BatchesResult {
  const batches: TableLayout[] = [];
  const placement: PartitionPlacement[] = [];
  const counters: Counters = { partitions: t.parts.length, bloomRejected: 0 };
  for (const part of t.parts) {
    const l = normalizeKeys(part.left.columns, t.shape.leftKeys, 0, part.left.length);
    const r = normalizeKeys(part.right.columns, t.shape.rightKeys, 0, part.right.length);
    placement.push({ index: part.index, hashPlaced: [hashPlaced(l, part.index, t.partitions), hashPlaced(r, part.index, t.partitions)], range: [keyRange(l), keyRange(r)] });
    const buildSide: Side = part.left.length < part.right.length ? 'left' : 'right';
    const bloom = t.bloomFpr === null ? undefined : bloomOfTable(buildSide === 'left' ? part.left : part.right, keysOf(t.shape, buildSide), t.bloomFpr);
    batches.push(...joinLocal(t.shape, part.left, part.right, { algorithm: 'hash', buildSide, bloom, counters }));
  }
  return { kind: 'batches', batches, flags: null, placement, counters };
}

function hashPlaced(keys: NormalizedKeys, index: number, partitions: number): boolean {
  const hashes = hashKeys(keys);
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
