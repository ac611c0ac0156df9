/**
 * The join cost model (shared/design COST-MODELS.md). A is the larger input, B the smaller, n the workers.
 * Per worker, in passes over the data (the broadcast-join analysis of the Spark+AI Summit 2020 talk):
 *
 *   sort-merge    3·A/n + 3·B/n            read, sort, exchange each side
 *   broadcast     A/n + B/n + 2·B          read own share; receive all of B and build its table
 *   shuffle hash  2·(A+B)/n + B/n          read own share; exchange it; build a table of B/n
 *   co-located    (A+B)/n + B/n            inputs already partitioned on the key: read, build, probe
 *
 * Shuffle hash carries the read pass the other formulas include, so the four compare like for like. Its
 * exchange is counted as sort-merge's is, per worker: each worker writes its share of both sides into
 * the partitions they belong to (the (A+B)·(n−1)/n of COST-MODELS.md is what of that crosses a network,
 * in all; dlc's workers write their shares at once, the rows that stay included). So shuffle hash is
 * sort-merge without the sort, plus a table of B/n, and it stops broadcast where n·B outgrows A: with
 * every pass at one rate, broadcast is cheaper while A > 2·(n−1)·B. Between broadcast and sort-merge alone
 * the talk's crossover holds (broadcastCrossover).
 * Each pass is converted to seconds with its own rate (read, sort, hash, send), so a calibrated machine
 * moves the crossovers to where that machine has them. Everything here is a pure function.
 */
import type { MachineConstants } from './constants.js';
import { formatBytes, formatRatio, formatSeconds } from './format.js';

export type JoinStrategy = 'broadcast' | 'shuffle_hash' | 'sort_merge' | 'colocated';
export const JOIN_STRATEGIES: readonly JoinStrategy[] = ['broadcast', 'shuffle_hash', 'sort_merge', 'colocated'];

/** Per-worker unit costs of the talk, A and B in any one unit of data (bytes, rows of equal width). */
export const sortMergeUnits = (a: number, b: number, n: number): number => (3 * a) / n + (3 * b) / n;
export const broadcastUnits = (a: number, b: number, n: number): number => a / n + b / n + 2 * b;
export const shuffleHashUnits = (a: number, b: number, n: number): number => (2 * (a + b)) / n + b / n;
export const colocatedUnits = (a: number, b: number, n: number): number => (a + b) / n + b / n;

/** Bytes one worker pushes through each kind of pass. */
export interface Passes {
  read: number;
  sort: number;
  hash: number;
  send: number;
}

/** The passes of a strategy for A and B bytes on n workers (the formulas above, split by kind). */
export function joinPasses(strategy: JoinStrategy, a: number, b: number, n: number): Passes {
  const share = (a + b) / n;
  switch (strategy) {
    case 'sort_merge':
      return { read: share, sort: share, hash: 0, send: share };
    case 'broadcast':
      return { read: share, sort: 0, hash: b, send: b };
    case 'shuffle_hash':
      return { read: share, sort: 0, hash: b / n, send: share };
    case 'colocated':
      return { read: share, sort: 0, hash: b / n, send: 0 };
  }
}

export function passSeconds(p: Passes, c: MachineConstants): number {
  return p.read / c.read_bytes_per_s + p.sort / c.sort_bytes_per_s + p.hash / c.hash_bytes_per_s + p.send / c.send_bytes_per_s;
}

function describePasses(p: Passes, c: MachineConstants): string {
  const parts: string[] = [];
  const add = (name: string, bytes: number, rate: number) => {
    if (bytes > 0) parts.push(`${name} ${formatBytes(bytes)} ${formatSeconds(bytes / rate)}`);
  };
  add('read', p.read, c.read_bytes_per_s);
  add('sort', p.sort, c.sort_bytes_per_s);
  add('hash', p.hash, c.hash_bytes_per_s);
  add('send', p.send, c.send_bytes_per_s);
  return parts.join(' + ');
}

/**
 * Memory of a hash table over `bytes` of columnar rows: the rows plus an index entry per row. The
 * per-row index cost is measured by `dlc calibrate`; it makes a table of 24-byte rows about 3.5× the data,
 * and of 60-byte rows 2×.
 */
export function hashTableBytes(bytes: number, rows: number | null, c: MachineConstants): number {
  const estimatedRows = rows ?? bytes / 16;
  return bytes + estimatedRows * c.hash_index_bytes_per_row;
}

/**
 * The share of a worker's memory a join's hash table may take: the rest holds the streamed side's batches,
 * the output being built and the runtime itself.
 */
export const HASH_TABLE_MEMORY_FRACTION = 1 / 3;

/** What the model knows about one input; null where nothing says. */
export interface JoinSide {
  rows: number | null;
  bytes: number | null;
  /** Distinct values of the join key (all key columns together). */
  distinct: number | null;
}

/**
 * The build side: the smaller input by bytes (by rows when bytes are unknown), whichever side of the spec
 * it is written on; the right side when nothing tells them apart, as written.
 */
export function chooseBuildSide(left: JoinSide, right: JoinSide): 'left' | 'right' {
  if (left.bytes !== null && right.bytes !== null) return left.bytes < right.bytes ? 'left' : 'right';
  if (left.rows !== null && right.rows !== null) return left.rows < right.rows ? 'left' : 'right';
  return 'right';
}

/**
 * The fraction of A's rows with a match in B, from the keys' distinct counts: under the usual containment
 * assumption (the side with fewer distinct keys has its keys in the other) it is min(1, d_B / d_A).
 */
export function matchFraction(aDistinct: number | null, bDistinct: number | null): number | null {
  if (aDistinct === null || bDistinct === null || aDistinct <= 0) return null;
  return Math.min(1, bDistinct / aDistinct);
}

/** A Bloom filter with ~10 bits per key has a false-positive rate of about 1%. */
export const BLOOM_BITS_PER_KEY = 10;
export const BLOOM_FALSE_POSITIVE_RATE = 0.01;
/** Bytes of a key as the filter hashes it. */
const KEY_BYTES = 8;

export interface BloomEstimate {
  /** Seconds the filter costs per worker: build over B's keys, share it, probe A's keys. */
  cost: number;
  /** Seconds per worker it saves on the chosen strategy, by not moving or sorting A's unmatched rows. */
  saved: number;
  filterBytes: number;
  /** Fraction of A's rows that pass the filter (matches plus false positives). */
  passing: number;
}

/** What a Bloom pre-filter of A by B's keys costs and saves under `strategy`; null when sizes are unknown. */
export function bloomFilterEstimate(strategy: JoinStrategy, a: JoinSide, b: JoinSide, n: number, selectivity: number, c: MachineConstants): BloomEstimate | null {
  if (a.bytes === null || b.bytes === null) return null;
  const aRows = a.rows ?? a.bytes / 16;
  const bRows = b.rows ?? b.bytes / 16;
  const keys = b.distinct ?? bRows;
  const filterBytes = (keys * BLOOM_BITS_PER_KEY) / 8;
  const passing = selectivity + BLOOM_FALSE_POSITIVE_RATE * (1 - selectivity);
  // Every worker hashes its share of B's keys, the partial filters are gathered and sent back to all, and
  // every worker probes its share of A's keys.
  const cost = ((bRows * KEY_BYTES) / n + (aRows * KEY_BYTES) / n) / c.hash_bytes_per_s + (n > 1 ? (2 * filterBytes) / c.send_bytes_per_s : 0);
  const dropped = a.bytes * (1 - passing);
  let saved = 0;
  if (strategy === 'sort_merge') saved = (dropped / n) * (1 / c.sort_bytes_per_s + 1 / c.send_bytes_per_s);
  else if (strategy === 'shuffle_hash') saved = dropped / n / c.send_bytes_per_s;
  return { cost, saved, filterBytes, passing };
}

export interface JoinModelInput {
  /** The larger input (A) and the smaller (B), already ordered by chooseBuildSide. */
  a: JoinSide;
  b: JoinSide;
  workers: number;
  memoryPerWorker: number;
  constants: MachineConstants;
  /**
   * Whether both inputs are partitioned on the key the same way: `proven` (one partitioned source feeds
   * both), `declared` (each says it is partitioned on the key; dlc cannot check that the files agree),
   * `none`. `colocationNote` says why.
   */
  colocation: 'proven' | 'declared' | 'none';
  colocationNote: string;
  /** Set when broadcasting B would be wrong for this join type (B's unmatched rows must be kept). */
  broadcastBlocked?: string;
  /** B's name in notes (default `B`). */
  bName?: string;
}

export interface JoinAlternative {
  strategy: JoinStrategy;
  /** Seconds per worker; null when the sizes are unknown. */
  seconds: number | null;
  feasible: boolean;
  note: string;
}

/** Every strategy's estimate and feasibility. */
export function estimateJoin(input: JoinModelInput): JoinAlternative[] {
  const { a, b, workers: n, constants: c } = input;
  const budget = input.memoryPerWorker * HASH_TABLE_MEMORY_FRACTION;
  const known = a.bytes !== null && b.bytes !== null;
  const bName = input.bName ?? 'B';
  return JOIN_STRATEGIES.map((strategy): JoinAlternative => {
    const passes = known ? joinPasses(strategy, a.bytes!, b.bytes!, n) : null;
    const seconds = passes ? passSeconds(passes, c) : null;
    const costNote = passes ? describePasses(passes, c) : 'input sizes unknown';
    const tableOf = (bytes: number, rows: number | null) => hashTableBytes(bytes, rows, c);
    switch (strategy) {
      case 'broadcast': {
        if (input.broadcastBlocked) return { strategy, seconds, feasible: false, note: input.broadcastBlocked };
        if (b.bytes === null) return { strategy, seconds, feasible: true, note: `${costNote}; whether the hash table of ${bName} fits is unknown` };
        const table = tableOf(b.bytes, b.rows);
        if (table > budget) {
          return { strategy, seconds, feasible: false, note: `the hash table of ${bName} (~${formatBytes(table)}, ${formatRatio(table / b.bytes)} its ${formatBytes(b.bytes)}) exceeds a third of the ${formatBytes(input.memoryPerWorker)} per worker` };
        }
        return { strategy, seconds, feasible: true, note: `${costNote}; table ~${formatBytes(table)} per worker` };
      }
      case 'shuffle_hash': {
        if (b.bytes === null) return { strategy, seconds, feasible: true, note: costNote };
        const table = tableOf(b.bytes / n, b.rows === null ? null : b.rows / n);
        if (table > budget) {
          return { strategy, seconds, feasible: false, note: `each worker's part of the hash table of ${bName} (~${formatBytes(table)}) exceeds a third of the ${formatBytes(input.memoryPerWorker)} per worker` };
        }
        return { strategy, seconds, feasible: true, note: `${costNote}; table ~${formatBytes(table)} per worker` };
      }
      case 'sort_merge':
        return { strategy, seconds, feasible: true, note: costNote };
      case 'colocated':
        if (input.colocation === 'none') return { strategy, seconds, feasible: false, note: input.colocationNote };
        return { strategy, seconds, feasible: true, note: `${costNote}; ${input.colocationNote}` };
    }
  });
}

/**
 * The strategy `auto` takes: co-location when it is proven (nothing moves); otherwise the cheapest
 * feasible estimate; sort-merge when sizes are unknown, since it is the one that never runs out of memory.
 * Ties go to the earlier of sort-merge, shuffle hash, broadcast: the one that holds less in memory.
 */
export function pickJoinStrategy(alternatives: JoinAlternative[], colocation: JoinModelInput['colocation']): JoinStrategy {
  const byName = new Map(alternatives.map((x) => [x.strategy, x]));
  if (colocation === 'proven' && byName.get('colocated')?.feasible) return 'colocated';
  const candidates = (['sort_merge', 'shuffle_hash', 'broadcast'] as const)
    .map((s) => byName.get(s)!)
    .filter((x) => x.feasible && x.seconds !== null);
  if (candidates.length === 0) return 'sort_merge';
  let best = candidates[0]!;
  for (const x of candidates) if (x.seconds! < best.seconds! * (1 - 1e-9)) best = x;
  return best.strategy;
}

/**
 * For a given size ratio, the largest worker count at which broadcasting B still beats sort-merge under
 * these constants (from the difference of the two: A/n·(1/sort + 1/send) + ... > B·(1/hash + 1/send)).
 * With equal rates it is (A+B)/B: five workers for A+B = 5 units. Used by reasons and tests.
 */
export function broadcastCrossover(a: number, b: number, c: MachineConstants): number {
  // sort_merge − broadcast = (A+B)/n·(1/sort + 1/send) − B·(1/hash + 1/send) > 0  ⇔  n < (A+B)(1/sort + 1/send) / (B(1/hash + 1/send))
  const smj = 1 / c.sort_bytes_per_s + 1 / c.send_bytes_per_s;
  const bc = 1 / c.hash_bytes_per_s + 1 / c.send_bytes_per_s;
  return ((a + b) * smj) / (b * bc);
}
