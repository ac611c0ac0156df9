/**
 * Broadcast join of a side small enough for one cache-sized hash table (at most CACHE_ROWS rows) against
 * a larger side that stays where it is, batch by batch: a lookup in a dimension table. Workers get the
 * small side and only the key columns of their stretch of the large side, and return row pairs; this
 * thread then assembles the output from the rows where they lie. A large-side column whose rows come out
 * as they went in (every row matched once, as when looking up a dimension) is handed on as it is, not
 * copied; the others are gathered once. The general broadcast (broadcast.ts) copied the large side end
 * to end, then the other workers' shares into shared memory, then every row into the output: on 8M
 * joined rows against a 1,000-row dimension, most of the join's time.
 */
import { gatherOutput } from '../gather-output.js';
import { otherSide } from '../join-shape.js';
import { keysOf } from '../join-shape.js';
import { type Layout, plainAlloc, sliceTable, type TableLayout, tableBytes } from '../layout.js';
import { marksBuild, matchRules, type Side } from '../match-rules.js';
import { share } from '../runner.js';
import { stageRows } from '../stage-rows.js';
import type { BatchesResult, EmitBuildTask, PairsResult, ProbeSegment } from '../tasks/index.js';
import { BLOOM_FPR, range, type StrategyContext, type StrategyResult } from './strategy.js';
import { broadcastBloom } from './broadcast.js';

export async function broadcastLookup(c: StrategyContext, buildSide: Side): Promise<StrategyResult> {
  const { prepared: p, runner } = c;
  const probeSide = otherSide(buildSide);
  const build = p[buildSide][0]!;
  const chunks = p[probeSide];
  const n = runner.workers;
  const bloom = c.bloom === true;
  const keyColumns = new Set(keysOf(p.shape, probeSide).map((k) => k.column));
  // Only the key columns go to a worker; the rest are null columns of the same length (never read).
  const keysOnly = (t: TableLayout): TableLayout => ({
    length: t.length,
    columns: t.columns.map((l, i): Layout => (keyColumns.has(i) ? l : { kind: 'null', length: t.length, nullCount: t.length, validity: null })),
  });
  const total = chunks.reduce((a, t) => a + t.length, 0);
  const segmentsOf = (w: number): ProbeSegment[] => {
    const [lo, hi] = share(total, n, w);
    const out: ProbeSegment[] = [];
    let start = 0;
    chunks.forEach((t, chunk) => {
      const from = Math.max(lo, start) - start;
      const to = Math.min(hi, start + t.length) - start;
      start += t.length;
      if (to <= from) return;
      const keys = keysOnly(t);
      if (w === 0) out.push({ chunk, table: keys, from, to });
      // Other workers read a shared copy of the keys of their stretch (as the general broadcast copies
      // the rows of theirs, not counted as moved: the large side stays with the worker that probes it).
      else out.push({ chunk, table: stageRows(keys, from, to), from, to });
    });
    return out;
  };
  const buildFor = (w: number): TableLayout => (w === 0 ? build : (sharedBuild ??= stageRows(build, 0, build.length)));
  let sharedBuild: TableLayout | undefined;
  const results = await runner.run<PairsResult>(
    range(n).map((w) => ({ worker: w, task: { kind: 'broadcast-pairs', shape: p.shape, build: buildFor(w), buildSide, segments: segmentsOf(w), bloomFpr: bloom ? BLOOM_FPR : null } })),
  );
  c.clock.lap(`probe ${probeSide} against ${buildSide}`);
  // Output in the large side's order: every worker's segments, worker by worker, each in batch order.
  const batches: TableLayout[] = [];
  for (const r of results) {
    for (const s of r.segments) {
      if (s.probe.length === 0) continue;
      const probe = sliceTable(chunks[s.chunk]!, s.from, s.to);
      const [left, right] = buildSide === 'left' ? [build, probe] : [probe, build];
      const [li, ri] = buildSide === 'left' ? [s.build, s.probe] : [s.probe, s.build];
      batches.push(gatherOutput(p.shape, left, right, li, ri, s.probe.length, plainAlloc));
    }
  }
  c.clock.lap('assemble rows');
  const rounds = marksBuild(matchRules(p.shape.how, buildSide)) ? 2 : 1;
  c.progress(1, rounds);
  if (rounds === 2) {
    // The small side's rows output on their own: here, as the other side's rows are (no more than CACHE_ROWS).
    const empty = sliceTable(chunks[0]!, 0, 0);
    const task: EmitBuildTask = { kind: 'emit-build', shape: p.shape, ...(buildSide === 'left' ? { left: build, right: empty } : { left: empty, right: build }), buildSide, flags: results.map((r) => r.flags!), from: 0, to: build.length };
    const [emitted] = await runner.run<BatchesResult>([{ worker: 0, task }]);
    batches.push(...emitted!.batches);
    c.clock.lap(`${buildSide} rows output on their own`);
    c.progress(2, rounds);
  }
  const rejected = results.reduce((a, r) => a + (r.counters.bloomRejected ?? 0), 0);
  const bytesMovedBy: Record<string, number> = { [`${buildSide} side to every worker`]: tableBytes(build) * (n - 1) };
  return {
    batches,
    buildSide,
    partitions: n,
    bytesMovedBy,
    bloom: broadcastBloom(bloom, c.bloom, rejected),
  };
}
