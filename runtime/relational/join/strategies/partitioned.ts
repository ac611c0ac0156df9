/**
 * Shuffle hash join and sort-merge join: both inputs are cut into partitions on the key and partition i
 * of the left meets partition i of the right on the worker that owns it. They differ in how rows find
 * their partition and how a partition is joined:
 * - shuffle_hash: by the key's hash, then a hash table per partition (built on its smaller side);
 * - sort_merge: by key range, the boundaries taken from a sample of both sides' keys, then each range
 *   sorted and merged.
 * There are more partitions than workers, sized so one partition's hash table or sort fits the cache;
 * workers take them largest first, each the next one left when it is free, so neither a skewed key's
 * partition nor a worker that gets less CPU holds the others up.
 *
 * Rounds: scan (hash keys, sketch them, build a Bloom filter of the smaller side, sample for boundaries),
 * count (each row's partition; done in the scan when nothing has to be decided in between), exchange
 * (each worker writes its rows into the partitions' shared tables) and join. A partition's rows move
 * when the worker that joins it is not the one that held them; that is what bytesMoved counts. Rows that can never match (a null key,
 * or a key the Bloom filter rules out) do not travel: on a side whose rows are output unmatched they are
 * output by the worker that holds them, elsewhere they are dropped, so the filter never changes a result.
 */
import { HyperLogLog } from '../../../data/sketches/hyperloglog.js';
import { BloomFilter } from '../bloom-filter.js';
import { CACHE_ROWS } from '../hash-join.js';
import { compareKeys, type KeyValue, keysOfValues } from '../key-compare.js';
import { keysOf, otherSide } from '../join-shape.js';
import { type Layout, plainAlloc, sharedAlloc, type TableLayout, tableBytes } from '../layout.js';
import { preserves, type Side } from '../match-rules.js';
import { share } from '../runner.js';
import { tableForWorker } from '../stage-rows.js';
import { allocatePartitions, isFlat, pieceBytes } from '../exchange.js';
import { type BatchesResult, type CountResult, type CountTask, HLL_PRECISION, type PartitionJoinTask, type PartitionPieces as PieceList, type Partitioner, type PiecesResult, type PiecesTask, type ScanResult, type ScanTask, type ScatterTask } from '../tasks/index.js';
import { BLOOM_FPR, range, type StrategyContext, type StrategyResult } from './strategy.js';

const MAX_PARTITIONS_PER_WORKER = 512;
/** Keys sampled per range partition: enough for boundaries within a few percent of even. */
const SAMPLES_PER_PARTITION = 64;
/**
 * auto uses the Bloom filter when a sample of the larger side's rows says it would keep fewer than this
 * share of them: below that, the bytes it saves outweigh building, merging and testing it.
 */
const BLOOM_AUTO_PASS_SHARE = 0.5;
/** Larger-side key hashes each worker samples for that test. */
const BLOOM_AUTO_SAMPLE = 1024;

/** Partitions for a build side of `rows`: a multiple of the workers, each about CACHE_ROWS build rows. */
export function partitionCount(rows: number, workers: number): number {
  const perWorker = Math.min(MAX_PARTITIONS_PER_WORKER, Math.max(1, Math.ceil(rows / (workers * CACHE_ROWS))));
  return workers * perWorker;
}

export async function partitionedJoin(c: StrategyContext, algorithm: 'hash' | 'merge'): Promise<StrategyResult> {
  const { prepared: p, runner } = c;
  const n = runner.workers;
  const tables: Record<Side, TableLayout> = { left: p.left[0]!, right: p.right[0]! };
  const small: Side = c.buildSide ?? (tables.left.length < tables.right.length ? 'left' : 'right');
  const large = otherSide(small);
  const sides: Side[] = ['left', 'right'];
  const alloc = runner.shared ? sharedAlloc : plainAlloc;
  const targetPartitions = partitionCount(tables[small].length, n);
  // Worker 0 reads the inputs where they are; the others read shared copies of the rows from their shares on.
  const tableFor = { left: tableForWorker(tables.left, share(tables.left.length, n, 1)[0]), right: tableForWorker(tables.right, share(tables.right.length, n, 1)[0]) };

  // Round 1: scan.
  const sketch = c.bloom === 'auto';
  const wantBloom = c.bloom !== false && tables[large].length > 0;
  const bloomBlocks = wantBloom ? BloomFilter.forCapacity(tables[small].length, BLOOM_FPR).blocks : 0;
  const hashes: Record<Side, Uint32Array> = { left: new Uint32Array(alloc(4 * tables.left.length)), right: new Uint32Array(alloc(4 * tables.right.length)) };
  const totalRows = tables.left.length + tables.right.length;
  const sampleOf = (side: Side): number => (algorithm === 'merge' && totalRows > 0 ? Math.ceil((SAMPLES_PER_PARTITION * targetPartitions * tables[side].length) / totalRows / n) : 0);
  // Without a Bloom filter to wait for, hash partitions are decided in the same pass as the hashes.
  const fused = algorithm === 'hash' && c.bloom === false;
  const ids: Record<Side, Int32Array> = { left: new Int32Array(alloc(4 * tables.left.length)), right: new Int32Array(alloc(4 * tables.right.length)) };
  const scanTasks = range(n).flatMap((w) =>
    sides.map((side) => {
      const [from, to] = share(tables[side].length, n, w);
      const task: ScanTask = {
        kind: 'scan',
        table: tableFor[side](w),
        keys: keysOf(p.shape, side),
        from,
        to,
        hashes: hashes[side],
        sketch,
        bloomBlocks: side === small ? bloomBlocks : 0,
        sample: sampleOf(side),
        hashSample: sketch && side === large ? BLOOM_AUTO_SAMPLE : 0,
        seed: c.seed,
        shared: runner.shared,
        ...(fused ? { count: { ids: ids[side], partitioner: { kind: 'hash', partitions: targetPartitions }, bloom: null, preserve: preserves(p.shape.how, side) } } : {}),
      };
      return { worker: w, task };
    }),
  );
  const scans = await runner.run<ScanResult>(scanTasks);
  c.clock.lap('scan');
  c.progress(1, 3);
  const scanOf = (w: number, side: Side): ScanResult => scans[2 * w + sides.indexOf(side)]!;

  let distinctKeys: StrategyResult['distinctKeys'];
  if (sketch) {
    const hll = { left: new HyperLogLog(HLL_PRECISION), right: new HyperLogLog(HLL_PRECISION) };
    for (let w = 0; w < n; w++) for (const side of sides) hll[side].merge(new HyperLogLog(HLL_PRECISION, scanOf(w, side).sketch!));
    distinctKeys = { left: Math.round(hll.left.estimate()), right: Math.round(hll.right.estimate()), both: Math.round(HyperLogLog.intersection(hll.left, hll.right)) };
  }
  let useBloom = c.bloom === true && wantBloom;
  let bloomReason = c.bloom === true ? `requested; built from the ${small} side's keys, applied to the ${large} side before it moves` : 'off in the spec';
  let merged: BloomFilter | null = null;
  if (wantBloom) {
    merged = BloomFilter.fromWords(new Uint32Array(alloc(bloomBlocks * 32)));
    for (let w = 0; w < n; w++) merged.merge(BloomFilter.fromWords(scanOf(w, small).bloom!));
  }
  if (c.bloom === 'auto') {
    const sampled = range(n).flatMap((w) => [...scanOf(w, large).hashSample]);
    const passing = sampled.filter((h) => merged!.mightContainHash(h)).length;
    const kept = sampled.length === 0 ? 1 : passing / sampled.length;
    useBloom = wantBloom && kept < BLOOM_AUTO_PASS_SHARE;
    bloomReason = `a filter of the ${small} side's keys would keep about ${Math.round(kept * 100)}% of a sample of ${sampled.length} ${large} rows; used below ${BLOOM_AUTO_PASS_SHARE * 100}%`;
  }
  let bloom: Uint32Array | null = null;
  const bytesMovedBy: Record<string, number> = {};
  if (useBloom) {
    bloom = merged!.words;
    // Each worker's part gathered, the union sent back to every worker.
    bytesMovedBy['Bloom filter'] = merged!.bytes * 2 * (n - 1);
  }

  let partitioner: Partitioner;
  if (algorithm === 'hash') partitioner = { kind: 'hash', partitions: targetPartitions };
  else partitioner = { kind: 'range', splitters: rangeBoundaries(scans.flatMap((s) => s.sample), targetPartitions), width: keyWidth(scans) };
  const partitions = partitioner.kind === 'hash' ? partitioner.partitions : partitioner.splitters.length + 1;

  // Round 2: each worker decides its rows' partitions and counts them (unless the scan did).
  const counted = fused
    ? scans.map((s) => s.counted!)
    : await runner.run<CountResult>(
        range(n).flatMap((w) =>
          sides.map((side) => {
            const [from, to] = share(tables[side].length, n, w);
            const task: CountTask = { kind: 'count', table: tableFor[side](w), keys: keysOf(p.shape, side), from, to, hashes: hashes[side], ids: ids[side], partitioner, bloom: side === large ? bloom : null, preserve: preserves(p.shape.how, side) };
            return { worker: w, task };
          }),
        ),
      );
  const countOf = (w: number, side: Side): CountResult => counted[2 * w + sides.indexOf(side)]!;
  const sizes = range(partitions).map((q) => range(n).reduce((a, w) => a + countOf(w, 'left').sizes.rows[q]! + countOf(w, 'right').sizes.rows[q]!, 0));
  c.clock.lap(algorithm === 'hash' ? 'hash partitions' : 'key ranges');

  // Round 3: rows go to their partition, with their key hashes (cheaper to move than to compute again).
  const sentBy = (w: number, side: Side): TableLayout => withHashes(tableFor[side](w), hashes[side]);
  const sent: Record<Side, TableLayout> = { left: sentBy(0, 'left'), right: sentBy(0, 'right') };
  const parts: PieceList[] = range(partitions).map(() => ({ left: [], right: [] }));
  // Bytes of partition q that worker w holds: they move unless w is the worker that joins q.
  const held: number[][] = range(n).map(() => new Array<number>(partitions).fill(0));
  const flat = sides.every((side) => sent[side].columns.every(isFlat));
  if (flat) {
    const tasks: { worker: number; task: ScatterTask }[] = [];
    for (const side of sides) {
      const rows = range(partitions).map((q) => range(n).reduce((a, w) => a + countOf(w, side).sizes.rows[q]!, 0));
      const binary = countOf(0, side).sizes.bytes.length;
      const bytes = range(binary).map((b) => range(partitions).map((q) => range(n).reduce((a, w) => a + countOf(w, side).sizes.bytes[b]![q]!, 0)));
      const targets = allocatePartitions(sent[side], rows, bytes, alloc);
      targets.forEach((t, q) => parts[q]![side].push(t));
      const rowAt = new Int32Array(partitions);
      const byteAt = range(binary).map(() => new Float64Array(partitions));
      for (let w = 0; w < n; w++) {
        const own = countOf(w, side).sizes;
        const [from, to] = share(tables[side].length, n, w);
        tasks.push({ worker: w, task: { kind: 'scatter', table: sentBy(w, side), from, to, ids: ids[side], targets, rowStart: rowAt.slice(), byteStart: byteAt.map((b) => b.slice()) } });
        for (let q = 0; q < partitions; q++) {
          rowAt[q]! += own.rows[q]!;
          for (let b = 0; b < binary; b++) byteAt[b]![q]! += own.bytes[b]![q]!;
          held[w]![q]! += pieceBytes(sent[side], own, q);
        }
      }
    }
    await runner.run(tasks);
  } else {
    const cut = await runner.run<PiecesResult>(
      range(n).flatMap((w) =>
        sides.map((side) => {
          const [from, to] = share(tables[side].length, n, w);
          const task: PiecesTask = { kind: 'pieces', table: sentBy(w, side), from, to, ids: ids[side], counts: countOf(w, side).sizes.rows, shared: runner.shared };
          return { worker: w, task };
        }),
      ),
    );
    range(n).forEach((w) =>
      sides.forEach((side) =>
        cut[2 * w + sides.indexOf(side)]!.pieces.forEach((piece, q) => {
          parts[q]![side].push(piece);
          held[w]![q]! += tableBytes(piece);
        }),
      ),
    );
  }
  c.clock.lap(flat ? 'exchange into shared partitions' : 'exchange in pieces');
  c.progress(2, 3);

  // Round 3: workers take partitions, largest first, and join them; each outputs its own rows that could not match.
  const order = range(partitions).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  const next = new Int32Array(alloc(4));
  const joinTasks = range(n).map((o) => {
    const local = sides.map((side) => ({ side, rows: countOf(o, side).local }));
    const task: PartitionJoinTask = { kind: 'partition-join', shape: p.shape, algorithm, parts: order.map((q) => parts[q]!), next, left: tableFor.left(o), right: tableFor.right(o), local };
    return { worker: o, task };
  });
  const joined = await runner.run<BatchesResult>(joinTasks);
  let moved = 0;
  joined.forEach((r, e) => {
    for (const k of r.joined ?? []) for (let w = 0; w < n; w++) if (w !== e) moved += held[w]![order[k]!]!;
  });
  bytesMovedBy[algorithm === 'hash' ? 'rows to their hash partition' : 'rows to their key range'] = moved;
  c.clock.lap(algorithm === 'hash' ? 'hash join per partition' : 'sort and merge per range');
  c.progress(3, 3);

  return {
    batches: joined.flatMap((r) => r.batches),
    buildSide: small,
    partitions,
    bytesMovedBy,
    distinctKeys,
    bloom: {
      used: useBloom,
      decidedBy: c.bloom === 'auto' ? 'runtime' : 'spec',
      bytes: bloom === null ? 0 : bloom.byteLength,
      rowsRejected: counted.reduce((a, r) => a + (r.counters.bloomRejected ?? 0), 0),
      reason: bloomReason,
    },
  };
}

function keyWidth(scans: ScanResult[]): number {
  for (const s of scans) for (const v of s.sample) if (v.kind === 'words') return v.words.length;
  return 0;
}

/** Up to partitions - 1 distinct boundaries at even quantiles of the sampled keys. */
export function rangeBoundaries(sample: KeyValue[], partitions: number): KeyValue[] {
  if (sample.length === 0 || partitions <= 1) return [];
  const width = sample[0]!.kind === 'words' ? sample[0]!.words.length : 0;
  const keys = keysOfValues(sample, width);
  const order = range(sample.length).sort((a, b) => compareKeys(keys, a, keys, b));
  const out: number[] = [];
  for (let i = 1; i < partitions; i++) {
    const at = order[Math.min(order.length - 1, Math.floor((i * order.length) / partitions))]!;
    if (out.length === 0 || compareKeys(keys, out[out.length - 1]!, keys, at) < 0) out.push(at);
  }
  return out.map((i) => sample[i]!);
}

/** The table with its rows' key hashes as a last column. */
function withHashes(t: TableLayout, hashes: Uint32Array): TableLayout {
  const column: Layout = { kind: 'fixed', width: 4, length: t.length, nullCount: 0, validity: null, values: new Uint8Array(hashes.buffer, hashes.byteOffset, hashes.byteLength) };
  return { length: t.length, columns: [...t.columns, column] };
}
