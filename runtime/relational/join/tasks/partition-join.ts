/**
 * The partition-join task: workers take partitions one at a time, largest first, until none is left, so
 * a worker that gets less CPU (a busy machine) or a partition swollen by a skewed key holds up no one
 * else; then each outputs its own rows that could not match.
 */
import { concatTables } from '../concat.js';
import { gatherOutput } from '../gather-output.js';
import { countNulls, plainAlloc, type TableLayout } from '../layout.js';
import { joinLocal } from '../local-join.js';
import type { BatchesResult, Counters, PartitionJoinTask } from './types.js';

export function partitionJoin(t: PartitionJoinTask): BatchesResult {
  const batches: TableLayout[] = [];
  const counters: Counters = { partitions: 0, localRows: 0 };
  const joined: number[] = [];
  for (;;) {
    const q = Atomics.add(t.next, 0, 1);
    if (q >= t.parts.length) break;
    joined.push(q);
    counters.partitions!++;
    const part = t.parts[q]!;
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
  return { kind: 'batches', batches, flags: null, placement: [], joined, counters };
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

