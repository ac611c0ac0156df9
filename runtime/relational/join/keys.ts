/**
 * Join keys in one comparable form, whatever their columns: equal keys have equal normalized forms and
 * unequal keys different ones. Both sides' key columns have the same types by the time they get here
 * (see key-types.ts), so raw bits compare; only floats need care (-0 equals 0, and every NaN equals every
 * other NaN, as in DuckDB).
 *
 * - `words`: fixed-width keys as `width` 32-bit words per row. One int32 or date column is a view of the
 *   column itself, one int64 or timestamp column a view of its two words; several fixed-width columns are
 *   laid side by side.
 * - `bytes`: one string or binary column is the column itself; several columns with a string among them are
 *   encoded row by row (fixed parts as their words, strings as a 32-bit length and the bytes), which keeps
 *   distinct tuples distinct.
 * A row whose key has a null in any column never matches (`nulls[i] = 1`).
 */
import { type BinaryLayout, getBit, type Layout } from './layout.js';

export interface KeyColumn {
  column: number;
  /** Floats are canonicalized: -0 becomes 0 and every NaN one NaN. */
  float: boolean;
}

interface KeysBase {
  count: number;
  nulls: Uint8Array | null;
  nullCount: number;
}
export interface WordKeys extends KeysBase {
  kind: 'words';
  width: number;
  words: Uint32Array;
}
export interface ByteKeys extends KeysBase {
  kind: 'bytes';
  /** Absolute positions in `data`, `count + 1` of them. */
  offsets: Int32Array;
  data: Uint8Array;
}
export type NormalizedKeys = WordKeys | ByteKeys;

/** Whether a key column can be compared as words (fixed width), as opposed to bytes. */
export function isWordColumn(l: Layout): boolean {
  return l.kind === 'bool' || (l.kind === 'fixed' && (l.width === 1 || l.width === 2 || (l.width & 3) === 0));
}

export function normalizeKeys(columns: Layout[], keys: KeyColumn[], from: number, to: number): NormalizedKeys {
  const count = to - from;
  const cols = keys.map((k) => columns[k.column]!);
  const { nulls, nullCount } = keyNulls(cols, from, to);
  if (cols.every(isWordColumn)) {
    const parts = cols.map((c, i) => columnWords(c, keys[i]!.float, from, to));
    const width = parts.reduce((a, p) => a + p.width, 0);
    if (parts.length === 1) return { kind: 'words', width, words: parts[0]!.words, count, nulls, nullCount };
    const words = new Uint32Array(count * width);
    let at = 0;
    for (const p of parts) {
      for (let i = 0; i < count; i++) for (let k = 0; k < p.width; k++) words[i * width + at + k] = p.words[i * p.width + k]!;
      at += p.width;
    }
    return { kind: 'words', width, words, count, nulls, nullCount };
  }
  if (cols.length === 1) {
    const c = cols[0]!;
    if (c.kind !== 'binary') throw new Error(`cannot join on a ${c.kind} column`);
    return { kind: 'bytes', offsets: c.offsets.subarray(from, to + 1), data: c.data, count, nulls, nullCount };
  }
  return encodeRows(cols, keys, from, to, nulls, nullCount);
}

function keyNulls(cols: Layout[], from: number, to: number): { nulls: Uint8Array | null; nullCount: number } {
  const withNulls = cols.filter((c) => c.validity !== null && c.nullCount > 0);
  if (withNulls.length === 0) return { nulls: null, nullCount: 0 };
  const nulls = new Uint8Array(to - from);
  let nullCount = 0;
  for (let i = from; i < to; i++) {
    for (const c of withNulls) {
      if (!getBit(c.validity!, i)) {
        nulls[i - from] = 1;
        nullCount++;
        break;
      }
    }
  }
  return { nulls, nullCount };
}

function columnWords(c: Layout, float: boolean, from: number, to: number): { width: number; words: Uint32Array } {
  const n = to - from;
  if (c.kind === 'bool') {
    const words = new Uint32Array(n);
    for (let i = 0; i < n; i++) words[i] = getBit(c.bits, from + i) ? 1 : 0;
    return { width: 1, words };
  }
  if (c.kind !== 'fixed') throw new Error(`cannot join on a ${c.kind} column`);
  const { width, values } = c;
  if (width === 1 || width === 2) {
    const words = new Uint32Array(n);
    if (width === 1) for (let i = 0; i < n; i++) words[i] = values[from + i]!;
    else {
      for (let i = 0; i < n; i++) {
        let h = values[2 * (from + i)]! | (values[2 * (from + i) + 1]! << 8);
        // float16: -0 is 0x8000, NaN any exponent-all-ones pattern with a mantissa.
        if (float && (h === 0x8000 || ((h & 0x7c00) === 0x7c00 && (h & 0x03ff) !== 0))) h = h === 0x8000 ? 0 : 0x7e00;
        words[i] = h;
      }
    }
    return { width: 1, words };
  }
  const w = width >>> 2;
  let words: Uint32Array;
  if ((values.byteOffset & 3) === 0) words = new Uint32Array(values.buffer, values.byteOffset + from * width, n * w);
  else {
    words = new Uint32Array(n * w);
    new Uint8Array(words.buffer).set(values.subarray(from * width, to * width));
  }
  if (float) words = canonicalFloats(words, width);
  return { width: w, words };
}

function canonicalFloats(words: Uint32Array, width: number): Uint32Array {
  const out = new Uint32Array(words.length);
  if (width === 4) {
    for (let i = 0; i < words.length; i++) {
      const b = words[i]!;
      out[i] = b === 0x80000000 ? 0 : (b & 0x7f800000) === 0x7f800000 && (b & 0x007fffff) !== 0 ? 0x7fc00000 : b;
    }
  } else if (width === 8) {
    for (let i = 0; i < words.length; i += 2) {
      const lo = words[i]!;
      const hi = words[i + 1]!;
      if (lo === 0 && hi === 0x80000000) continue;
      if ((hi & 0x7ff00000) === 0x7ff00000 && (lo !== 0 || (hi & 0x000fffff) !== 0)) {
        out[i + 1] = 0x7ff80000;
        continue;
      }
      out[i] = lo;
      out[i + 1] = hi;
    }
  } else out.set(words);
  return out;
}

/** Several key columns with a string among them, as one byte string per row. */
function encodeRows(cols: Layout[], keys: KeyColumn[], from: number, to: number, nulls: Uint8Array | null, nullCount: number): ByteKeys {
  const count = to - from;
  const parts = cols.map((c, i) => (c.kind === 'binary' ? c : columnWords(c, keys[i]!.float, from, to)));
  const offsets = new Int32Array(count + 1);
  let total = 0;
  for (let r = 0; r < count; r++) {
    for (const p of parts) total += 'kind' in p ? 4 + (p.offsets[from + r + 1]! - p.offsets[from + r]!) : 4 * p.width;
    offsets[r + 1] = total;
  }
  const data = new Uint8Array(total);
  const view = new DataView(data.buffer);
  let pos = 0;
  for (let r = 0; r < count; r++) {
    for (const p of parts) {
      if ('kind' in p) {
        const b = p as BinaryLayout;
        const a = b.offsets[from + r]!;
        const len = b.offsets[from + r + 1]! - a;
        view.setUint32(pos, len, true);
        pos += 4;
        for (let k = 0; k < len; k++) data[pos + k] = b.data[a + k]!;
        pos += len;
      } else {
        for (let k = 0; k < p.width; k++) {
          view.setUint32(pos, p.words[r * p.width + k]!, true);
          pos += 4;
        }
      }
    }
  }
  return { kind: 'bytes', offsets, data, count, nulls, nullCount };
}
