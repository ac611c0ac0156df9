/**
 * How fast this runtime builds what a broadcast join builds on every worker, for `dlc calibrate`'s
 * hash_bytes_per_s: the build side's keys normalized and hashed, its rows split into cache-sized parts
 * (local-join.ts) and a hash table made over each, here probed by nothing. A generic hash map's rate (what
 * the constant measured before) is several times slower than these tables, which made the cost model think
 * broadcasting far dearer than it is in this runtime.
 */
import type { Table } from 'apache-arrow';
import { readJoinSpec } from './join-spec.js';
import { tableBytes } from './layout.js';
import { joinLocal } from './local-join.js';
import { prepareJoin } from './prepare.js';

/** Bytes of the build side's columns, and a function that builds its tables once. */
export function broadcastBuild(probe: Table, build: Table, key: string): { bytes: number; run: () => void } {
  const spec = readJoinSpec({ on: key, how: 'inner' });
  const p = prepareJoin(probe, build, spec, { shared: false, perBatch: false });
  const left = p.left[0]!;
  const right = p.right[0]!;
  return { bytes: tableBytes(right), run: () => void joinLocal(p.shape, left, right, { algorithm: 'hash', buildSide: 'right' }) };
}
