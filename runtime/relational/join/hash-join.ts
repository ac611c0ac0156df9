/**
 * The hash join of one worker's share: build a table over one side, probe it with the other.
 *
 * A hash table much larger than the CPU cache turns every probe into a cache miss (measured here: 10M
 * probes into a 2.5M-row table took 1.4-2.1 s, against 0.57 s when both sides were first split into 64
 * parts by hash and joined part by part). So a large build side is split by hash bits into parts of about
 * CACHE_ROWS rows, the probe side likewise, and each part is joined with a table that stays in cache. Rows
 * are copied into the parts with their hash and, for one- and two-word keys, the key itself, so probing
 * reads only the part.
 */
import type { BloomFilter } from './bloom-filter.js';
import { keysEqual } from './key-compare.js';
import type { NormalizedKeys } from './keys.js';
import type { MatchRules } from './match-rules.js';
import type { PairBuffer } from './pairs.js';

/** Rows per in-cache part; see the module comment. */
export const CACHE_ROWS = 1 << 16;
/** Parts are chosen by these hash bits: above the bucket bits, below the bits partitionOf uses. */
const PART_SHIFT = 17;

export interface KeySet {
  keys: NormalizedKeys;
  hashes: Uint32Array;
}

export interface HashJoinOptions {
  /** Added to probe and build row numbers in the output pairs. */
  probeOffset?: number;
  buildOffset?: number;
  /** Set to 1 for every build row that matched, when the rules need it (indexed without buildOffset). */
  buildFlags?: Uint8Array;
  /** Probe rows whose key is not in this filter are known not to match. */
  bloom?: BloomFilter;
  /** `bloomRejected` counts the probe rows the filter turned away. */
  counters?: Record<string, number>;
}

export function hashJoin(build: KeySet, probe: KeySet, rules: MatchRules, out: PairBuffer, opts: HashJoinOptions = {}): void {
  const keys = build.keys;
  const stride = keys.kind === 'words' && keys.width === 2 ? 4 : 2;
  const inline = keys.kind === 'words' && keys.width <= 2;
  const buildRows = keys.count - keys.nullCount;
  const parts = buildRows <= CACHE_ROWS ? 1 : nextPow2(Math.ceil(buildRows / CACHE_ROWS));
  const shift = Math.min(PART_SHIFT, 32 - Math.log2(parts));
  const b = splitIntoParts(build, parts, shift, stride, (_row, h) => h !== undefined);
  const probeOffset = opts.probeOffset ?? 0;
  const buildOffset = opts.buildOffset ?? 0;
  const bloom = opts.bloom;
  const p = splitIntoParts(probe, parts, shift, stride, (row, h) => {
    if (h !== undefined) {
      if (bloom === undefined || bloom.mightContainHash(h)) return true;
      if (opts.counters) opts.counters.bloomRejected = (opts.counters.bloomRejected ?? 0) + 1;
    }
    // Known not to match: out now if unmatched probe rows are output, else gone.
    if (rules.probeUnmatched) out.push(row + probeOffset, -1);
    return false;
  });
  let maxPart = 0;
  for (let f = 0; f < parts; f++) maxPart = Math.max(maxPart, b.starts[f + 1]! - b.starts[f]!);
  const table = new BucketTable(maxPart, stride);
  const ctx: ProbeContext = { rules, out, probeOffset, buildOffset, flags: opts.buildFlags, buildKeys: keys, probeKeys: probe.keys };
  for (let f = 0; f < parts; f++) {
    const bs = b.starts[f]!;
    const be = b.starts[f + 1]!;
    const ps = p.starts[f]!;
    const pe = p.starts[f + 1]!;
    if (ps === pe) continue;
    if (bs === be) {
      if (rules.probeUnmatched) for (let s = ps; s < pe; s++) out.push(p.slots[s * stride + 1]! + probeOffset, -1);
      continue;
    }
    table.fill(b.slots, bs, be);
    if (inline && stride === 2) probeOneWord(table, p.slots, ps, pe, ctx);
    else if (inline) probeTwoWords(table, p.slots, ps, pe, ctx);
    else probeGeneric(table, p.slots, ps, pe, ctx);
  }
}

/** Build rows to output after probing: unmatched ones (outer sides, anti) or matched ones (semi). */
export function emitBuildRows(flags: Uint8Array, rules: MatchRules, out: PairBuffer, buildOffset = 0, from = 0, to = flags.length): void {
  if (rules.buildUnmatched) for (let i = from; i < to; i++) if (flags[i] === 0) out.push(-1, i + buildOffset);
  if (rules.buildMatched) for (let i = from; i < to; i++) if (flags[i] !== 0) out.push(-1, i + buildOffset);
}

interface Parts {
  slots: Uint32Array;
  starts: Int32Array;
}

/**
 * Copies the rows `keep` accepts (null keys are offered with h undefined) into `parts` groups, each row as
 * [hash, row, key words...] when the key is one or two words, [hash, row] otherwise.
 */
function splitIntoParts(set: KeySet, parts: number, shift: number, stride: number, keep: (row: number, h: number | undefined) => boolean): Parts {
  const { keys, hashes } = set;
  const n = keys.count;
  const nulls = keys.nulls;
  const mask = parts - 1;
  const kept = new Uint8Array(n);
  const starts = new Int32Array(parts + 1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const h = nulls !== null && nulls[i] !== 0 ? undefined : hashes[i]!;
    if (!keep(i, h)) continue;
    kept[i] = 1;
    count++;
    starts[((h! >>> shift) & mask) + 1]!++;
  }
  for (let f = 0; f < parts; f++) starts[f + 1]! += starts[f]!;
  const slots = new Uint32Array(count * stride);
  const fill = starts.slice(0, parts);
  const words = keys.kind === 'words' ? keys.words : null;
  for (let i = 0; i < n; i++) {
    if (kept[i] === 0) continue;
    const h = hashes[i]!;
    const s = fill[(h >>> shift) & mask]!++ * stride;
    slots[s] = h;
    slots[s + 1] = i;
    if (stride === 4) {
      slots[s + 2] = words![2 * i]!;
      slots[s + 3] = words![2 * i + 1]!;
    }
  }
  return { slots, starts };
}

/** Build rows of one part in bucket order, so a bucket is one contiguous run. */
class BucketTable {
  readonly stride: number;
  first: Int32Array;
  slots: Uint32Array;
  mask = 0;

  constructor(maxRows: number, stride: number) {
    this.stride = stride;
    this.first = new Int32Array(nextPow2(Math.max(1, maxRows)) + 1);
    this.slots = new Uint32Array(Math.max(1, maxRows) * stride);
  }

  fill(src: Uint32Array, from: number, to: number): void {
    const n = to - from;
    const buckets = nextPow2(n);
    const mask = buckets - 1;
    this.mask = mask;
    const first = this.first;
    first.fill(0, 0, buckets + 1);
    const stride = this.stride;
    for (let s = from; s < to; s++) first[(src[s * stride]! & mask) + 1]!++;
    for (let k = 0; k < buckets; k++) first[k + 1]! += first[k]!;
    const slots = this.slots;
    // Filling from the back leaves `first` holding each bucket's start again.
    for (let s = to - 1; s >= from; s--) {
      const q = --first[(src[s * stride]! & mask) + 1]!;
      const at = q * stride;
      for (let k = 0; k < stride; k++) slots[at + k] = src[s * stride + k]!;
    }
    // first[k + 1] now holds the start of bucket k; shift so first[k]..first[k + 1] spans bucket k.
    for (let k = 0; k < buckets; k++) first[k] = first[k + 1]!;
    first[buckets] = n;
  }
}

interface ProbeContext {
  rules: MatchRules;
  out: PairBuffer;
  probeOffset: number;
  buildOffset: number;
  flags: Uint8Array | undefined;
  buildKeys: NormalizedKeys;
  probeKeys: NormalizedKeys;
}

function probeOneWord(t: BucketTable, probe: Uint32Array, from: number, to: number, c: ProbeContext): void {
  const { first, slots, mask } = t;
  const { out, probeOffset, buildOffset, flags } = c;
  const { pairs, probeUnmatched, probeMatched } = c.rules;
  const firstOnly = !pairs && flags === undefined;
  for (let s = from; s < to; s++) {
    const h = probe[2 * s]!;
    const row = probe[2 * s + 1]! + probeOffset;
    const bucket = h & mask;
    let matched = false;
    for (let j = first[bucket]!, e = first[bucket + 1]!; j < e; j++) {
      if (slots[2 * j] !== h) continue;
      matched = true;
      const brow = slots[2 * j + 1]!;
      if (pairs) out.push(row, brow + buildOffset);
      if (flags !== undefined) flags[brow] = 1;
      if (firstOnly) break;
    }
    if (matched ? probeMatched : probeUnmatched) out.push(row, -1);
  }
}

function probeTwoWords(t: BucketTable, probe: Uint32Array, from: number, to: number, c: ProbeContext): void {
  const { first, slots, mask } = t;
  const { out, probeOffset, buildOffset, flags } = c;
  const { pairs, probeUnmatched, probeMatched } = c.rules;
  const firstOnly = !pairs && flags === undefined;
  for (let s = from; s < to; s++) {
    const h = probe[4 * s]!;
    const lo = probe[4 * s + 2]!;
    const hi = probe[4 * s + 3]!;
    const row = probe[4 * s + 1]! + probeOffset;
    const bucket = h & mask;
    let matched = false;
    for (let j = first[bucket]!, e = first[bucket + 1]!; j < e; j++) {
      if (slots[4 * j] !== h || slots[4 * j + 2] !== lo || slots[4 * j + 3] !== hi) continue;
      matched = true;
      const brow = slots[4 * j + 1]!;
      if (pairs) out.push(row, brow + buildOffset);
      if (flags !== undefined) flags[brow] = 1;
      if (firstOnly) break;
    }
    if (matched ? probeMatched : probeUnmatched) out.push(row, -1);
  }
}

function probeGeneric(t: BucketTable, probe: Uint32Array, from: number, to: number, c: ProbeContext): void {
  const { first, slots, mask } = t;
  const { out, probeOffset, buildOffset, flags, buildKeys, probeKeys } = c;
  const { pairs, probeUnmatched, probeMatched } = c.rules;
  const firstOnly = !pairs && flags === undefined;
  for (let s = from; s < to; s++) {
    const h = probe[2 * s]!;
    const prow = probe[2 * s + 1]!;
    const bucket = h & mask;
    let matched = false;
    for (let j = first[bucket]!, e = first[bucket + 1]!; j < e; j++) {
      if (slots[2 * j] !== h) continue;
      const brow = slots[2 * j + 1]!;
      if (!keysEqual(buildKeys, brow, probeKeys, prow)) continue;
      matched = true;
      if (pairs) out.push(prow + probeOffset, brow + buildOffset);
      if (flags !== undefined) flags[brow] = 1;
      if (firstOnly) break;
    }
    if (matched ? probeMatched : probeUnmatched) out.push(prow + probeOffset, -1);
  }
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
