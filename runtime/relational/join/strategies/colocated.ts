/**
 * Co-located join: both inputs arrive already partitioned on the key the same way, their record batches
 * being the partitions (one per partition file of a source declared `partitioned_by` the key, or as an
 * upstream step wrote them). Partition i of the left joins partition i of the right where it is; nothing
 * moves between workers.
 *
 * A wrong claim of co-location would silently lose matches, so the join proves it from what it computes
 * anyway, and fails with a DataError otherwise. Either every key sits in the partition its hash names
 * (partitionOf(hash, partitions), as dlc's own hash partitioning writes them), or the partitions' key
 * ranges do not overlap (range or value partitioning: a key can then only meet the same partition).
 */
import { DataError } from '../../types.js';
import { assignPartitions } from '../assign-partitions.js';
import { stageRows } from '../stage-rows.js';
import { compareKeyValues, type KeyValue } from '../key-compare.js';
import type { BatchesResult, ColocatedJoinTask, PartitionPlacement } from '../tasks/index.js';
import { BLOOM_FPR, range, type StrategyContext, type StrategyResult } from './strategy.js';

export async function colocatedJoin(c: StrategyContext): Promise<StrategyResult> {
  const { prepared: p, runner } = c;
  const partitions = p.left.length;
  const n = runner.workers;
  const owner = assignPartitions(range(partitions).map((i) => p.left[i]!.length + p.right[i]!.length), n);
  const bloom = c.bloom === true;
  const results = await runner.run<BatchesResult>(
    range(n).map((w) => {
      const parts = range(partitions)
        .filter((i) => owner[i] === w)
        .map((index) => ({ index, left: w === 0 ? p.left[index]! : stageRows(p.left[index]!, 0, p.left[index]!.length), right: w === 0 ? p.right[index]! : stageRows(p.right[index]!, 0, p.right[index]!.length) }));
      const task: ColocatedJoinTask = { kind: 'colocated-join', shape: p.shape, parts, partitions, bloomFpr: bloom ? BLOOM_FPR : null };
      return { worker: w, task };
    }),
  );
  c.clock.lap('join partitions in place');
  c.progress(1, 1);
  checkCoLocation(results.flatMap((r) => r.placement));
  const leftRows = p.left.reduce((a, t) => a + t.length, 0);
  const rightRows = p.right.reduce((a, t) => a + t.length, 0);
  return {
    batches: results.flatMap((r) => r.batches),
    buildSide: leftRows < rightRows ? 'left' : 'right',
    partitions,
    bytesMovedBy: {},
    bloom: {
      used: bloom,
      decidedBy: c.bloom === 'auto' ? 'runtime' : 'spec',
      bytes: 0,
      rowsRejected: results.reduce((a, r) => a + (r.counters.bloomRejected ?? 0), 0),
      reason: bloom ? 'requested; each partition filters its probe rows before the hash table' : c.bloom === 'auto' ? 'nothing moves in a co-located join: the hash probe is the filter' : 'off in the spec',
    },
  };
}

export function checkCoLocation(placement: PartitionPlacement[]): void {
  if (placement.every((pl) => pl.hashPlaced[0] && pl.hashPlaced[1])) return;
  const spans: { index: number; lo: KeyValue; hi: KeyValue }[] = [];
  for (const pl of placement) {
    const [l, r] = pl.range;
    if (l === null && r === null) continue;
    const lo = l === null ? r![0] : r === null ? l[0] : compareKeyValues(l[0], r[0]) <= 0 ? l[0] : r[0];
    const hi = l === null ? r![1] : r === null ? l[1] : compareKeyValues(l[1], r[1]) >= 0 ? l[1] : r[1];
    spans.push({ index: pl.index, lo, hi });
  }
  spans.sort((a, b) => compareKeyValues(a.lo, b.lo));
  for (let i = 1; i < spans.length; i++) {
    if (compareKeyValues(spans[i - 1]!.hi, spans[i]!.lo) >= 0) {
      throw new DataError(
        `strategy colocated needs both inputs partitioned on the join key the same way, but partitions ${spans[i - 1]!.index} and ${spans[i]!.index} (record batches) share a key range and their keys are not placed by dlc's key hash; use strategy shuffle_hash or sort_merge, or partition the inputs on the key`,
      );
    }
  }
}
