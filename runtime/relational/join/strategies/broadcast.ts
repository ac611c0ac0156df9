/**
 * Broadcast hash join: the smaller input (whichever side of the spec it is on) goes whole to every worker;
 * each worker builds its own hash table of it and probes it with its share of the larger input, which
 * never moves. When the smaller side's rows must appear on their own (its unmatched rows in an outer
 * join, or the left side's in a semi or anti join), each worker reports which of them it matched and the
 * flags are combined afterwards, each worker taking a share of the build rows.
 */
import { type BatchesResult, type BroadcastProbeTask, type EmitBuildTask } from '../tasks/index.js';
import { otherSide } from '../join-shape.js';
import { type TableLayout, tableBytes } from '../layout.js';
import { tableForWorker } from '../stage-rows.js';
import { marksBuild, matchRules, type Side } from '../match-rules.js';
import { share } from '../runner.js';
import { broadcastLookup } from './broadcast-lookup.js';
import { BLOOM_FPR, range, type StrategyContext, type StrategyResult } from './strategy.js';

export async function broadcastJoin(c: StrategyContext): Promise<StrategyResult> {
  const { prepared: p, runner } = c;
  // A cache-sized build side against the other side batch by batch (broadcast-lookup.ts).
  if (p.chunked) return broadcastLookup(c, otherSide(p.chunked));
  const left = p.left[0]!;
  const right = p.right[0]!;
  const buildSide: Side = c.buildSide ?? (left.length < right.length ? 'left' : 'right');
  const build = buildSide === 'left' ? left : right;
  const probe = buildSide === 'left' ? right : left;
  const n = runner.workers;
  const bloom = c.bloom === true;
  // Every worker reads the whole build side; workers other than 0 read the probe rows from their share on.
  const buildFor = tableForWorker(build, 0);
  const probeFor = tableForWorker(probe, share(probe.length, n, 1)[0]);
  const tablesFor = (w: number): { left: TableLayout; right: TableLayout } => (buildSide === 'left' ? { left: buildFor(w), right: probeFor(w) } : { left: probeFor(w), right: buildFor(w) });
  const rounds = marksBuild(matchRules(p.shape.how, buildSide)) ? 2 : 1;
  const results = await runner.run<BatchesResult>(
    range(n).map((w) => {
      const [from, to] = share(probe.length, n, w);
      const task: BroadcastProbeTask = { kind: 'broadcast-probe', shape: p.shape, ...tablesFor(w), buildSide, from, to, bloomFpr: bloom ? BLOOM_FPR : null, shared: runner.shared };
      return { worker: w, task };
    }),
  );
  c.clock.lap(`probe ${otherSide(buildSide)} against ${buildSide}`);
  c.progress(1, rounds);
  const batches = results.flatMap((r) => r.batches);
  const bytesMovedBy: Record<string, number> = { [`${buildSide} side to every worker`]: tableBytes(build) * (n - 1) };
  if (rounds === 2) {
    const flags = results.map((r) => r.flags!);
    const emitted = await runner.run<BatchesResult>(
      range(n).map((w) => {
        const [from, to] = share(build.length, n, w);
        const task: EmitBuildTask = { kind: 'emit-build', shape: p.shape, ...tablesFor(w), buildSide, flags, from, to };
        return { worker: w, task };
      }),
    );
    // Each worker needs every other worker's flags for its share of the build rows.
    bytesMovedBy['match flags'] = build.length * (n - 1);
    batches.push(...emitted.flatMap((r) => r.batches));
    c.clock.lap(`${buildSide} rows output on their own`);
    c.progress(2, rounds);
  }
  const rejected = results.reduce((a, r) => a + (r.counters.bloomRejected ?? 0), 0);
  return {
    batches,
    buildSide,
    partitions: n,
    bytesMovedBy,
    bloom: broadcastBloom(bloom, c.bloom, rejected),
  };
}

/** What a broadcast join reports of its Bloom filter: nothing moves, so it only ever filters probe rows. */
export function broadcastBloom(used: boolean, setting: unknown, rowsRejected: number) {
  return {
    used,
    decidedBy: setting === 'auto' ? ('runtime' as const) : ('spec' as const),
    bytes: 0,
    rowsRejected,
    reason: used ? 'requested; each worker filters its probe rows before the hash table' : setting === 'auto' ? 'nothing moves in a broadcast join: the hash probe is the filter' : 'off in the spec',
  };
}
