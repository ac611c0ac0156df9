/** The count task: each row's partition (by hash or by key range), and rows and bytes per partition. */
import { BloomFilter } from '../bloom-filter.js';
import { pieceSizes } from '../exchange.js';
import { partitionOf } from '../hash.js';
import { compareKeys, keysOfValues } from '../key-compare.js';
import { normalizeKeys, type NormalizedKeys } from '../keys.js';
import type { CountResult, CountTask } from './types.js';

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

export function countRows(t: CountTask, keys = normalizeKeys(t.table.columns, t.keys, t.from, t.to)): CountResult {
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

