/** The scan task: hash keys, and sketch, filter and sample them on the way. */
import { HyperLogLog } from '../../../data/sketches/hyperloglog.js';
import { BloomFilter } from '../bloom-filter.js';
import { hashKeys } from '../hash.js';
import { type KeyValue, keyValueAt } from '../key-compare.js';
import { normalizeKeys } from '../keys.js';
import { plainAlloc, sharedAlloc } from '../layout.js';
import { countRows } from './count.js';
import { HLL_PRECISION, type ScanResult, type ScanTask } from './types.js';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export function scan(t: ScanTask): ScanResult {
  const keys = normalizeKeys(t.table.columns, t.keys, t.from, t.to);
  hashKeys(keys, t.hashes.subarray(t.from, t.to));
  const hashes = t.hashes;
  const valid = (i: number): boolean => keys.nulls === null || keys.nulls[i - t.from] === 0;
  let sketch: Uint8Array | null = null;
  if (t.sketch) {
    const hll = new HyperLogLog(HLL_PRECISION, new Uint8Array((t.shared ? sharedAlloc : plainAlloc)(1 << HLL_PRECISION)));
    for (let i = t.from; i < t.to; i++) if (valid(i)) hll.addHash(hashes[i]!);
    sketch = hll.registers;
  }
  let bloom: Uint32Array | null = null;
  if (t.bloomBlocks > 0) {
    const f = BloomFilter.fromWords(new Uint32Array((t.shared ? sharedAlloc : plainAlloc)(t.bloomBlocks * 32)));
    for (let i = t.from; i < t.to; i++) if (valid(i)) f.addHash(hashes[i]!);
    bloom = f.words;
  }
  const sample: KeyValue[] = [];
  const n = t.to - t.from;
  if (t.sample > 0 && n - keys.nullCount > 0) {
    const rand = mulberry32(t.seed ^ Math.imul(t.from + 1, 0x9e3779b1));
    for (let s = 0, tries = 0; s < Math.min(t.sample, n) && tries < 4 * t.sample; tries++) {
      const r = Math.floor(rand() * n);
      if (keys.nulls !== null && keys.nulls[r] !== 0) continue;
      sample.push(keyValueAt(keys, r));
      s++;
    }
  }
  const picked: number[] = [];
  if (t.hashSample > 0 && n - keys.nullCount > 0) {
    const rand = mulberry32(t.seed ^ Math.imul(t.from + 7, 0x85ebca6b));
    for (let tries = 0; picked.length < t.hashSample && tries < 4 * t.hashSample; tries++) {
      const r = Math.floor(rand() * n);
      if (keys.nulls === null || keys.nulls[r] === 0) picked.push(hashes[t.from + r]!);
    }
  }
  const counted = t.count === undefined ? null : countRows({ kind: 'count', table: t.table, keys: t.keys, from: t.from, to: t.to, hashes: t.hashes, ...t.count }, keys);
  return { kind: 'scan', nullCount: keys.nullCount, sketch, bloom, sample, hashSample: Uint32Array.from(picked), counted };
}

