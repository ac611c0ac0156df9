/**
 * A broadcast join's tasks: probing a share of the larger side (its output rows, or only the row pairs),
 * and the build rows output on their own.
 */
import { BloomFilter } from '../bloom-filter.js';
import { gatherPairs } from '../gather-output.js';
import { hashKeys } from '../hash.js';
import { keysOf, otherSide } from '../join-shape.js';
import { type KeyColumn, normalizeKeys } from '../keys.js';
import { plainAlloc, sharedAlloc, sliceTable, type TableLayout } from '../layout.js';
import { type KeySet, hashJoin } from '../hash-join.js';
import { joinLocal } from '../local-join.js';
import { marksBuild, matchRules, type Side } from '../match-rules.js';
import { PairBuffer } from '../pairs.js';
import type { BatchesResult, BroadcastPairsTask, BroadcastProbeTask, Counters, EmitBuildTask, PairsResult } from './types.js';

const sideTable = (t: { left: TableLayout; right: TableLayout }, side: Side): TableLayout => (side === 'left' ? t.left : t.right);

export function broadcastProbe(t: BroadcastProbeTask): BatchesResult {
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

export function broadcastPairs(t: BroadcastPairsTask): PairsResult {
  const probeSide = otherSide(t.buildSide);
  const rules = matchRules(t.shape.how, t.buildSide);
  const buildKeys = normalizeKeys(t.build.columns, keysOf(t.shape, t.buildSide), 0, t.build.length);
  const build: KeySet = { keys: buildKeys, hashes: hashKeys(buildKeys) };
  const flags = marksBuild(rules) ? new Uint8Array(t.build.length) : null;
  const counters: Counters = { probeRows: 0, bloomRejected: 0 };
  const bloom = t.bloomFpr === null ? undefined : bloomOfTable(t.build, keysOf(t.shape, t.buildSide), t.bloomFpr);
  const segments = t.segments.map((s) => {
    const keys = normalizeKeys(s.table.columns, keysOf(t.shape, probeSide), s.from, s.to);
    const pairs = new PairBuffer(s.to - s.from);
    hashJoin(build, { keys, hashes: hashKeys(keys) }, rules, pairs, { ...(flags ? { buildFlags: flags } : {}), bloom, counters });
    counters.probeRows! += s.to - s.from;
    // The pair buffer is this thread's scratch: its pairs are copied out before the next segment.
    return { chunk: s.chunk, from: s.from, to: s.to, probe: pairs.probe.slice(0, pairs.length), build: pairs.build.slice(0, pairs.length) };
  });
  return { kind: 'pairs', segments, flags, counters };
}

export function bloomOfTable(table: TableLayout, keys: KeyColumn[], fpr: number): BloomFilter {
  const k = normalizeKeys(table.columns, keys, 0, table.length);
  const hashes = hashKeys(k);
  const bloom = BloomFilter.forCapacity(k.count - k.nullCount, fpr);
  for (let i = 0; i < k.count; i++) if (k.nulls === null || k.nulls[i] === 0) bloom.addHash(hashes[i]!);
  return bloom;
}

export function emitBuild(t: EmitBuildTask): BatchesResult {
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

