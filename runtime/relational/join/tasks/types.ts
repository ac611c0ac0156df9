/**
 * The units of work a join hands to its workers, as plain messages: each strategy is a few rounds of these
 * (strategies/*.ts). A task reads the tables it is given (the caller's own buffers for worker 0, the calling
 * thread; shared copies of the rows it needs for the others) and returns what it made. `shared` says
 * whether buffers other workers will read must be SharedArrayBuffers (more than one worker) or may be
 * plain. Output batches are always plain ArrayBuffers, handed back by transfer, so the Arrow table the
 * caller gets holds ordinary memory.
 */
import type { KeyValue } from '../key-compare.js';
import type { KeyColumn } from '../keys.js';
import type { TableLayout } from '../layout.js';
import type { JoinShape } from '../join-shape.js';
import type { Side } from '../match-rules.js';
import type { PieceSizes } from '../exchange.js';

export type Counters = Record<string, number>;

/** Probe rows [from, to) of the larger side against a hash table of the whole smaller side. */
export interface BroadcastProbeTask {
  kind: 'broadcast-probe';
  shape: JoinShape;
  left: TableLayout;
  right: TableLayout;
  buildSide: Side;
  from: number;
  to: number;
  /** Build a Bloom filter of the build side at this false-positive rate and test probe rows against it first. */
  bloomFpr: number | null;
  shared: boolean;
}

/** One stretch of the probe side for a BroadcastPairsTask: rows [from, to) of record batch `chunk`. */
export interface ProbeSegment {
  chunk: number;
  /** The batch with only its key columns (the others as null columns): pairs are all a worker makes. */
  table: TableLayout;
  from: number;
  to: number;
}

/**
 * Probe stretches of the larger side against a hash table of the whole smaller side (at most CACHE_ROWS
 * rows) and return the matching row pairs; the caller assembles the output from the rows where they are.
 */
export interface BroadcastPairsTask {
  kind: 'broadcast-pairs';
  shape: JoinShape;
  build: TableLayout;
  buildSide: Side;
  segments: ProbeSegment[];
  bloomFpr: number | null;
}

/** Build rows [from, to) that are output on their own: unmatched (outer, anti) or matched (semi). */
export interface EmitBuildTask {
  kind: 'emit-build';
  shape: JoinShape;
  left: TableLayout;
  right: TableLayout;
  buildSide: Side;
  /** One array of match flags per worker that probed. */
  flags: Uint8Array[];
  from: number;
  to: number;
}

/** Hash the keys of rows [from, to) into the shared `hashes`, sketching and sampling them on the way. */
export interface ScanTask {
  kind: 'scan';
  table: TableLayout;
  keys: KeyColumn[];
  from: number;
  to: number;
  hashes: Uint32Array;
  sketch: boolean;
  /** Blocks of a Bloom filter of these keys to build; 0 for none. */
  bloomBlocks: number;
  /** Keys to sample (for range boundaries); 0 for none. */
  sample: number;
  /** Hashes of non-null keys to sample (to measure how many rows a Bloom filter would pass); 0 for none. */
  hashSample: number;
  seed: number;
  shared: boolean;
  /** Also decide and count the rows' partitions (as a CountTask would) when nothing else must come first. */
  count?: Pick<CountTask, 'ids' | 'partitioner' | 'bloom' | 'preserve'>;
}

export type Partitioner = { kind: 'hash'; partitions: number } | { kind: 'range'; splitters: KeyValue[]; width: number };

/**
 * Decide the partition of rows [from, to) (written to the shared `ids`; -1 for rows that go nowhere) and
 * count rows and string bytes per partition.
 */
export interface CountTask {
  kind: 'count';
  table: TableLayout;
  keys: KeyColumn[];
  from: number;
  to: number;
  hashes: Uint32Array;
  ids: Int32Array;
  partitioner: Partitioner;
  /** Rows whose key is not in this filter cannot match. */
  bloom: Uint32Array | null;
  /** The side's rows are output even unmatched: rows that cannot match stay here instead of being dropped. */
  preserve: boolean;
}

/** Write rows [from, to) into the partitions' shared tables, at this worker's stretch of each. */
export interface ScatterTask {
  kind: 'scatter';
  table: TableLayout;
  from: number;
  to: number;
  ids: Int32Array;
  targets: TableLayout[];
  rowStart: Int32Array;
  byteStart: Float64Array[];
}

/** Cut rows [from, to) into one new piece per partition (tables with columns exchange.ts does not write). */
export interface PiecesTask {
  kind: 'pieces';
  table: TableLayout;
  from: number;
  to: number;
  ids: Int32Array;
  counts: Int32Array;
  shared: boolean;
}

export interface PartitionPieces {
  left: TableLayout[];
  right: TableLayout[];
}

/** Rows of a preserved side that cannot match, output where they already are, the other side null. */
export interface LocalRows {
  side: Side;
  rows: Int32Array;
}

/** Join whole partitions, each arriving as pieces from every worker: by hash table or by sort and merge. */
export interface PartitionJoinTask {
  kind: 'partition-join';
  shape: JoinShape;
  algorithm: 'hash' | 'merge';
  /** Every partition, largest first; each worker takes the next one not yet taken (`next`). */
  parts: PartitionPieces[];
  /** A shared counter: the index of the next partition to take. */
  next: Int32Array;
  /** The inputs as shared, for local rows and for the types of an all-null side. */
  left: TableLayout;
  right: TableLayout;
  local: LocalRows[];
}

/** Join partitions that are already in place: partition i of the left with partition i of the right. */
export interface ColocatedJoinTask {
  kind: 'colocated-join';
  shape: JoinShape;
  parts: { index: number; left: TableLayout; right: TableLayout }[];
  partitions: number;
  bloomFpr: number | null;
}

export type Task = BroadcastProbeTask | BroadcastPairsTask | EmitBuildTask | ScanTask | CountTask | ScatterTask | PiecesTask | PartitionJoinTask | ColocatedJoinTask;

export interface BatchesResult {
  kind: 'batches';
  batches: TableLayout[];
  /** Build-side match flags (broadcast, when the join needs them afterwards). */
  flags: Uint8Array | null;
  /** How the partitions' keys lie, for checking that co-located inputs really are (colocated only). */
  placement: PartitionPlacement[];
  /** Indices (into the task's parts) of the partitions this worker joined (partition-join only). */
  joined?: number[];
  counters: Counters;
}

/** A BroadcastPairsTask's pairs, per segment: probe rows counted from the segment's `from`, -1 for none. */
export interface PairsResult {
  kind: 'pairs';
  segments: { chunk: number; from: number; to: number; probe: Int32Array; build: Int32Array }[];
  /** Build rows this worker matched, when the join needs them afterwards. */
  flags: Uint8Array | null;
  counters: Counters;
}

export interface PartitionPlacement {
  index: number;
  /** Every non-null key of the side is in the partition partitionOf(hash) names. */
  hashPlaced: [boolean, boolean];
  /** Smallest and largest key of each side (key-compare order); null for a side without non-null keys. */
  range: [[KeyValue, KeyValue] | null, [KeyValue, KeyValue] | null];
}

export interface ScanResult {
  kind: 'scan';
  nullCount: number;
  sketch: Uint8Array | null;
  bloom: Uint32Array | null;
  sample: KeyValue[];
  hashSample: Uint32Array;
  counted: CountResult | null;
}

export interface CountResult {
  kind: 'count';
  sizes: PieceSizes;
  local: Int32Array;
  counters: Counters;
}

export interface PiecesResult {
  kind: 'pieces';
  pieces: TableLayout[];
}

export type TaskResult = BatchesResult | PairsResult | ScanResult | CountResult | PiecesResult | { kind: 'done' };

export const HLL_PRECISION = 14;
