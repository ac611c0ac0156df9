/** The co-located join task: partitions joined where they are, with what proves they were co-located. */
import { hashKeys, partitionOf } from '../hash.js';
import { keysOf } from '../join-shape.js';
import { compareKeys, type KeyValue, keyValueAt } from '../key-compare.js';
import { normalizeKeys, type NormalizedKeys } from '../keys.js';
import type { TableLayout } from '../layout.js';
import { joinLocal } from '../local-join.js';
import type { Side } from '../match-rules.js';
import { bloomOfTable } from './broadcast.js';
import type { BatchesResult, ColocatedJoinTask, Counters, PartitionPlacement } from './types.js';

export function colocatedJoin(t: ColocatedJoinTask): BatchesResult {
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
