/**
 * Equality and a total order over normalized keys. The order is the normalized form's own (words as
 * unsigned integers, first word first; bytes lexicographically, shorter first on a tie), not SQL's order
 * of the values: a merge join and range partitioning only need both sides to agree on one total order in
 * which equal keys are adjacent.
 */
import type { NormalizedKeys } from './keys.js';

export function keysEqual(a: NormalizedKeys, i: number, b: NormalizedKeys, j: number): boolean {
  if (a.kind === 'words' && b.kind === 'words') {
    const w = a.width;
    for (let k = 0; k < w; k++) if (a.words[i * w + k] !== b.words[j * w + k]) return false;
    return true;
  }
  if (a.kind === 'bytes' && b.kind === 'bytes') {
    const a0 = a.offsets[i]!;
    const len = a.offsets[i + 1]! - a0;
    const b0 = b.offsets[j]!;
    if (b.offsets[j + 1]! - b0 !== len) return false;
    const ad = a.data;
    const bd = b.data;
    for (let k = 0; k < len; k++) if (ad[a0 + k] !== bd[b0 + k]) return false;
    return true;
  }
  throw new Error('keys of different forms cannot be compared');
}

export function compareKeys(a: NormalizedKeys, i: number, b: NormalizedKeys, j: number): number {
  if (a.kind === 'words' && b.kind === 'words') {
    const w = a.width;
    for (let k = 0; k < w; k++) {
      const x = a.words[i * w + k]!;
      const y = b.words[j * w + k]!;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  }
  if (a.kind === 'bytes' && b.kind === 'bytes') {
    const a0 = a.offsets[i]!;
    const alen = a.offsets[i + 1]! - a0;
    const b0 = b.offsets[j]!;
    const blen = b.offsets[j + 1]! - b0;
    const n = Math.min(alen, blen);
    for (let k = 0; k < n; k++) {
      const x = a.data[a0 + k]!;
      const y = b.data[b0 + k]!;
      if (x !== y) return x < y ? -1 : 1;
    }
    return alen === blen ? 0 : alen < blen ? -1 : 1;
  }
  throw new Error('keys of different forms cannot be compared');
}

/** One row's normalized key on its own (for samples and range boundaries sent between threads). */
export type KeyValue = { kind: 'words'; words: Uint32Array } | { kind: 'bytes'; bytes: Uint8Array };

export function keyValueAt(keys: NormalizedKeys, i: number): KeyValue {
  if (keys.kind === 'words') return { kind: 'words', words: keys.words.slice(i * keys.width, (i + 1) * keys.width) };
  return { kind: 'bytes', bytes: keys.data.slice(keys.offsets[i]!, keys.offsets[i + 1]!) };
}

/** Normalized keys holding the given values, in order (so they compare with compareKeys). */
export function keysOfValues(values: KeyValue[], width: number): NormalizedKeys {
  const first = values[0];
  if (first === undefined || first.kind === 'words') {
    const words = new Uint32Array(values.length * width);
    values.forEach((v, i) => words.set((v as { words: Uint32Array }).words, i * width));
    return { kind: 'words', width, words, count: values.length, nulls: null, nullCount: 0 };
  }
  const offsets = new Int32Array(values.length + 1);
  values.forEach((v, i) => (offsets[i + 1] = offsets[i]! + (v as { bytes: Uint8Array }).bytes.length));
  const data = new Uint8Array(offsets[values.length]!);
  values.forEach((v, i) => data.set((v as { bytes: Uint8Array }).bytes, offsets[i]!));
  return { kind: 'bytes', offsets, data, count: values.length, nulls: null, nullCount: 0 };
}

export function compareKeyValues(a: KeyValue, b: KeyValue): number {
  const width = a.kind === 'words' ? a.words.length : 0;
  const both = keysOfValues([a, b], width);
  return compareKeys(both, 0, both, 1);
}
