/**
 * The hash join of one partition: a table over the build side's keys, probed with every probe row in
 * order. Callers keep the build side to about CACHE_ROWS rows (local-join.ts partitions larger inputs
 * first): a table much larger than the CPU cache makes every probe a cache miss (measured here: 10M
 * probes into one 2.5M-row table took 1.4-2.1 s, against 0.57 s when both sides were first split into
 * 64 parts by hash and joined part by part).
 *
 * The table holds the build rows in bucket order, each as [hash, row] plus the key for two-word keys;
 * a one-word key needs no key at all, its hash being a bijection of it (hash.ts).
 */
import type { BloomFilter } from './bloom-filter.js';
import { keysEqual } from './key-compare.js';
import type { NormalizedKeys } from './keys.js';
import type { MatchRules } from './match-rules.js';
import type { PairBuffer } from './pairs.js';
import { scratchInt32, scratchUint32 } from './scratch-buffers.js';

/**
 * Build rows per partition that keep a partition's hash table and rows in cache. DLC_JOIN_PART_ROWS
 * overrides it (tests use tiny parts so that small tables take the paths large ones take).
 */
export const CACHE_ROWS = Math.max(1, Number(process.env.DLC_JOIN_PART_ROWS) || 1 << 16);

export interface KeySet {
  keys: NormalizedKeys;
  hashes: Uint32Array;
}

export interface HashJoinOptions {
  /** Set to 1 for every build row that matched (when the rules need it). */
  buildFlags?: Uint8Array;
  /** Probe rows whose key is not in this filter are known not to match. */
  bloom?: BloomFilter;
  /** `bloomRejected` counts the probe rows the filter turned away. */
  counters?: Record<string, number>;
}

export function hashJoin(build: KeySet, probe: KeySet, rules: MatchRules, out: PairBuffer, opts: HashJoinOptions = {}): void {
  const table = new BucketTable(build);
  const c: ProbeContext = { rules, out, flags: opts.buildFlags, bloom: opts.bloom, rejected: 0, build: build.keys, probe };
  const plainInner = rules.pairs && !rules.probeUnmatched && !rules.probeMatched && c.flags === undefined && c.bloom === undefined && probe.keys.nulls === null;
  if (plainInner && table.stride === 4) innerTwoWords(table, c);
  else if (table.stride === 2 && build.keys.kind === 'words' && build.keys.width === 1) probeOneWord(table, c);
  else if (table.stride === 4) probeTwoWords(table, c);
  else probeGeneric(table, c);
  if (opts.counters) opts.counters.bloomRejected = (opts.counters.bloomRejected ?? 0) + c.rejected;
}

/** Build rows to output after probing: unmatched ones (outer sides, anti) or matched ones (semi). */
export function emitBuildRows(flags: Uint8Array, rules: MatchRules, out: PairBuffer): void {
  if (rules.buildUnmatched) for (let i = 0; i < flags.length; i++) if (flags[i] === 0) out.push(-1, i);
  if (rules.buildMatched) for (let i = 0; i < flags.length; i++) if (flags[i] !== 0) out.push(-1, i);
}

class BucketTable {
  readonly stride: number;
  readonly first: Int32Array;
  readonly slots: Uint32Array;
  readonly mask: number;

  constructor(set: KeySet) {
    const { keys, hashes } = set;
    const twoWords = keys.kind === 'words' && keys.width === 2;
    const stride = twoWords ? 4 : 2;
    const n = keys.count;
    const nulls = keys.nulls;
    const buckets = nextPow2(Math.max(1, n - keys.nullCount));
    const mask = buckets - 1;
    const first = scratchInt32('table.first', buckets + 1).fill(0);
    for (let i = 0; i < n; i++) if (nulls === null || nulls[i] === 0) first[(hashes[i]! & mask) + 1]!++;
    for (let b = 0; b < buckets; b++) first[b + 1]! += first[b]!;
    const slots = scratchUint32('table.slots', first[buckets]! * stride);
    const fill = scratchInt32('table.fill', buckets);
    fill.set(first.subarray(0, buckets));
    const words = twoWords ? (keys as { words: Uint32Array }).words : null;
    for (let i = 0; i < n; i++) {
      if (nulls !== null && nulls[i] !== 0) continue;
      const h = hashes[i]!;
      const at = fill[h & mask]!++ * stride;
      slots[at] = h;
      slots[at + 1] = i;
      if (words !== null) {
        slots[at + 2] = words[2 * i]!;
        slots[at + 3] = words[2 * i + 1]!;
      }
    }
    this.stride = stride;
    this.first = first;
    this.slots = slots;
    this.mask = mask;
  }
}

interface ProbeContext {
  rules: MatchRules;
  out: PairBuffer;
  flags: Uint8Array | undefined;
  bloom: BloomFilter | undefined;
  rejected: number;
  build: NormalizedKeys;
  probe: KeySet;
}

/*
 * The three probe loops differ only in how a bucket entry is compared; each is written out in full so the
 * compiler keeps its hot loop tight (a shared helper per row cost a third of the probe time).
 */

/** The common case on its own: an inner join on a two-word key (int64, timestamp, float64), no null keys. */
function innerTwoWords(t: BucketTable, c: ProbeContext): void {
  const { first, slots, mask } = t;
  const out = c.out;
  const hashes = c.probe.hashes;
  const words = (c.probe.keys as { words: Uint32Array }).words;
  const n = c.probe.keys.count;
  let pp = out.probe;
  let pb = out.build;
  let len = out.length;
  for (let i = 0; i < n; i++) {
    const h = hashes[i]!;
    const lo = words[2 * i]!;
    const hi = words[2 * i + 1]!;
    const bucket = h & mask;
    for (let j = first[bucket]!, e = first[bucket + 1]!; j < e; j++) {
      if (slots[4 * j] !== h || slots[4 * j + 2] !== lo || slots[4 * j + 3] !== hi) continue;
      if (len === pp.length) {
        out.length = len;
        out.reserve(len + 1);
        pp = out.probe;
        pb = out.build;
      }
      pp[len] = i;
      pb[len++] = slots[4 * j + 1]!;
    }
  }
  out.length = len;
}

function probeOneWord(t: BucketTable, c: ProbeContext): void {
  const { first, slots, mask } = t;
  const { out, flags, bloom } = c;
  const { pairs, probeUnmatched, probeMatched } = c.rules;
  const firstOnly = !pairs && flags === undefined;
  const hashes = c.probe.hashes;
  const nulls = c.probe.keys.nulls;
  const n = c.probe.keys.count;
  for (let i = 0; i < n; i++) {
    const h = hashes[i]!;
    let matched = false;
    if ((nulls === null || nulls[i] === 0) && (bloom === undefined || bloom.mightContainHash(h) || (c.rejected++, false))) {
      for (let j = first[h & mask]!, e = first[(h & mask) + 1]!; j < e; j++) {
        if (slots[2 * j] !== h) continue;
        matched = true;
        const b = slots[2 * j + 1]!;
        if (pairs) out.push(i, b);
        if (flags !== undefined) flags[b] = 1;
        if (firstOnly) break;
      }
    }
    if (matched ? probeMatched : probeUnmatched) out.push(i, -1);
  }
}

function probeTwoWords(t: BucketTable, c: ProbeContext): void {
  const { first, slots, mask } = t;
  const { out, flags, bloom } = c;
  const { pairs, probeUnmatched, probeMatched } = c.rules;
  const firstOnly = !pairs && flags === undefined;
  const hashes = c.probe.hashes;
  const nulls = c.probe.keys.nulls;
  const words = (c.probe.keys as { words: Uint32Array }).words;
  const n = c.probe.keys.count;
  for (let i = 0; i < n; i++) {
    const h = hashes[i]!;
    let matched = false;
    if ((nulls === null || nulls[i] === 0) && (bloom === undefined || bloom.mightContainHash(h) || (c.rejected++, false))) {
      const lo = words[2 * i]!;
      const hi = words[2 * i + 1]!;
      for (let j = first[h & mask]!, e = first[(h & mask) + 1]!; j < e; j++) {
        if (slots[4 * j] !== h || slots[4 * j + 2] !== lo || slots[4 * j + 3] !== hi) continue;
        matched = true;
        const b = slots[4 * j + 1]!;
        if (pairs) out.push(i, b);
        if (flags !== undefined) flags[b] = 1;
        if (firstOnly) break;
      }
    }
    if (matched ? probeMatched : probeUnmatched) out.push(i, -1);
  }
}

function probeGeneric(t: BucketTable, c: ProbeContext): void {
  const { first, slots, mask } = t;
  const { out, flags, build, bloom } = c;
  const { pairs, probeUnmatched, probeMatched } = c.rules;
  const firstOnly = !pairs && flags === undefined;
  const hashes = c.probe.hashes;
  const probeKeys = c.probe.keys;
  const nulls = probeKeys.nulls;
  const n = probeKeys.count;
  for (let i = 0; i < n; i++) {
    const h = hashes[i]!;
    let matched = false;
    if ((nulls === null || nulls[i] === 0) && (bloom === undefined || bloom.mightContainHash(h) || (c.rejected++, false))) {
      for (let j = first[h & mask]!, e = first[(h & mask) + 1]!; j < e; j++) {
        if (slots[2 * j] !== h) continue;
        const b = slots[2 * j + 1]!;
        if (!keysEqual(build, b, probeKeys, i)) continue;
        matched = true;
        if (pairs) out.push(i, b);
        if (flags !== undefined) flags[b] = 1;
        if (firstOnly) break;
      }
    }
    if (matched ? probeMatched : probeUnmatched) out.push(i, -1);
  }
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
