/**
 * A join of two tables inside one worker, as output batches. When the build side is larger than the
 * cache-sized CACHE_ROWS, both tables are first scattered by hash bits into parts whose build side fits,
 * rows and all: then the hash table, the probe rows and the columns the output gathers from are all near
 * one another, instead of every output value costing a cache miss in a column of millions of rows
 * (which made the output gather, not the probing, most of the time on 10M x 2.5M rows).
 */
import type { BloomFilter } from './bloom-filter.js';
import { gatherPairs } from './gather-output.js';
import { hashKeys } from './hash.js';
import { CACHE_ROWS, emitBuildRows, hashJoin, type KeySet, nextPow2 } from './hash-join.js';
import { type JoinShape, keysOf, otherSide } from './join-shape.js';
import { normalizeKeys } from './keys.js';
import { type Alloc, plainAlloc, type TableLayout } from './layout.js';
import { marksBuild, matchRules, type Side } from './match-rules.js';
import { mergeJoin } from './merge-join.js';
import { PairBuffer } from './pairs.js';
import { scatterTable } from './scatter.js';

/** Parts are chosen by these hash bits: above a part's bucket bits, below the bits partitionOf uses. */
const PART_SHIFT = 17;

export interface LocalJoinOptions {
  algorithm: 'hash' | 'merge';
  /** The side to build the hash table on; the smaller one when not given. */
  buildSide?: Side;
  /** Build rows matched here are marked in these flags (row numbers of the build table as given) and
   * not output here: a broadcast join's build rows are output once, after every worker has probed. */
  globalFlags?: Uint8Array;
  bloom?: BloomFilter;
  /** Both tables carry their rows' key hashes as a last column (pieces of a partitioned exchange). */
  hashColumn?: boolean;
  counters?: Record<string, number>;
}

export function joinLocal(shape: JoinShape, left: TableLayout, right: TableLayout, opts: LocalJoinOptions): TableLayout[] {
  if (opts.algorithm === 'merge') {
    const pairs = new PairBuffer(Math.max(left.length, right.length));
    mergeJoin(normalizeKeys(left.columns, shape.leftKeys, 0, left.length), normalizeKeys(right.columns, shape.rightKeys, 0, right.length), matchRules(shape.how, 'right'), pairs);
    return pairs.length === 0 ? [] : [gatherPairs(shape, left, right, pairs, 'right', plainAlloc)];
  }
  const buildSide = opts.buildSide ?? (left.length < right.length ? 'left' : 'right');
  const hashed = opts.hashColumn === true;
  const sets = { left: keySet(shape, left, 'left', hashed), right: keySet(shape, right, 'right', hashed) };
  const build = sets[buildSide];
  const buildRows = build.keys.count - build.keys.nullCount;
  if (buildRows <= CACHE_ROWS) return joinPart(shape, left, right, sets, buildSide, opts, null);
  const parts = nextPow2(Math.ceil(buildRows / CACHE_ROWS));
  const tables = { left, right };
  const split = (side: Side, rowIds: boolean): { tables: TableLayout[]; ids: Int32Array } => {
    const set = sets[side];
    const t = tables[side];
    const ids = partIds(set, parts);
    const counts = new Int32Array(parts);
    for (let i = 0; i < ids.length; i++) counts[ids[i]!]!++;
    const withIds = rowIds ? withRowIds(t) : t;
    return { tables: scatterTable(withIds, 0, ids, counts, plainAlloc as Alloc), ids };
  };
  const trackRows = opts.globalFlags !== undefined;
  const b = split(buildSide, trackRows);
  const p = split(otherSide(buildSide), false);
  const out: TableLayout[] = [];
  for (let f = 0; f < parts; f++) {
    const bt = b.tables[f]!;
    const pt = p.tables[f]!;
    let rowIds: Int32Array | null = null;
    let bt2 = bt;
    if (trackRows) {
      // The row-number column rides along at the end; the part's own table leaves it out.
      const idCol = bt.columns[bt.columns.length - 1]! as { values: Uint8Array };
      rowIds = new Int32Array(idCol.values.buffer, idCol.values.byteOffset, bt.length);
      bt2 = { length: bt.length, columns: bt.columns.slice(0, -1) };
    }
    const [l, r] = buildSide === 'left' ? [bt2, pt] : [pt, bt2];
    const partSets = { left: keySet(shape, l, 'left', hashed), right: keySet(shape, r, 'right', hashed) };
    out.push(...joinPart(shape, l, r, partSets, buildSide, opts, rowIds));
  }
  return out;
}

function keySet(shape: JoinShape, t: TableLayout, side: Side, hashed: boolean): KeySet {
  const keys = normalizeKeys(t.columns, keysOf(shape, side), 0, t.length);
  if (!hashed) return { keys, hashes: hashKeys(keys) };
  const h = t.columns[t.columns.length - 1] as { values: Uint8Array };
  return { keys, hashes: new Uint32Array(h.values.buffer, h.values.byteOffset, t.length) };
}

/** Each row's part, from hash bits; rows with a null key go round-robin (they match nothing anywhere). */
function partIds(set: KeySet, parts: number): Int32Array {
  const { keys, hashes } = set;
  const ids = new Int32Array(keys.count);
  const shift = Math.min(PART_SHIFT, 32 - Math.log2(parts));
  const mask = parts - 1;
  for (let i = 0; i < keys.count; i++) ids[i] = keys.nulls !== null && keys.nulls[i] !== 0 ? i & mask : (hashes[i]! >>> shift) & mask;
  return ids;
}

function withRowIds(t: TableLayout): TableLayout {
  const ids = new Int32Array(t.length);
  for (let i = 0; i < t.length; i++) ids[i] = i;
  return { length: t.length, columns: [...t.columns, { kind: 'fixed', width: 4, length: t.length, nullCount: 0, validity: null, values: new Uint8Array(ids.buffer) }] };
}

function joinPart(shape: JoinShape, left: TableLayout, right: TableLayout, sets: { left: KeySet; right: KeySet }, buildSide: Side, opts: LocalJoinOptions, rowIds: Int32Array | null): TableLayout[] {
  const rules = matchRules(shape.how, buildSide);
  const build = sets[buildSide];
  const probe = sets[otherSide(buildSide)];
  const flags = marksBuild(rules) ? new Uint8Array(build.keys.count) : undefined;
  const pairs = new PairBuffer(probe.keys.count);
  hashJoin(build, probe, rules, pairs, { buildFlags: flags, bloom: opts.bloom, counters: opts.counters });
  if (flags !== undefined) {
    const global = opts.globalFlags;
    if (global === undefined) emitBuildRows(flags, rules, pairs);
    else for (let i = 0; i < flags.length; i++) if (flags[i] !== 0) global[rowIds === null ? i : rowIds[i]!] = 1;
  }
  return pairs.length === 0 ? [] : [gatherPairs(shape, left, right, pairs, buildSide, plainAlloc)];
}
