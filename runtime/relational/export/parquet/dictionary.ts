/**
 * Dictionary encoding of one column chunk (Parquet's RLE_DICTIONARY): the chunk's distinct values once, in
 * a dictionary page, and each value as a bit-packed index into it. The writer does not compress, so the
 * disk is what an export waits for; a column with few distinct values (a joined dimension's labels and
 * codes) shrinks to a fraction of its PLAIN size. Built from the PLAIN encoding itself, so every physical
 * type but BOOLEAN goes through the same code; values are compared by their bytes (NaNs and -0 are kept as
 * they were).
 */

export interface DictionaryChunk {
  /** The distinct values in first-seen order, PLAIN-encoded: the dictionary page's body. */
  dictionary: Uint8Array;
  entries: number;
  /** The data page's values: the bit width as one byte, then the indices as one bit-packed run. */
  indices: Uint8Array;
}

/** At most this many entries (indices of at most 16 bits). */
export const MAX_DICTIONARY_ENTRIES = 1 << 16;

const nextPow2 = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(2, n)));

// Working arrays, kept from one column chunk to the next: fresh ones for each were a good part of the
// cost (the kernel zeroes every new page).
let slotsScratch = new Int32Array(0);
let firstScratch = new Int32Array(0);
let indexScratch = new Int32Array(0);
function scratch(count: number, max: number): { slots: Int32Array; first: Int32Array; index: Int32Array } {
  const size = nextPow2(max * 2);
  if (slotsScratch.length !== size) slotsScratch = new Int32Array(size);
  else slotsScratch.fill(0);
  if (firstScratch.length < max) firstScratch = new Int32Array(max);
  if (indexScratch.length < count) indexScratch = new Int32Array(count);
  return { slots: slotsScratch, first: firstScratch, index: indexScratch };
}

/**
 * The dictionary encoding of `count` PLAIN values (`width` bytes each, or 0 for BYTE_ARRAY's length-prefixed
 * values), or undefined once they prove to have more than `maxEntries` distinct values.
 */
export function dictionaryEncode(plain: Uint8Array, count: number, width: 0 | 4 | 8, maxEntries: number): DictionaryChunk | undefined {
  const max = Math.min(maxEntries, MAX_DICTIONARY_ENTRIES);
  const found = width === 0 ? distinctBytes(plain, count, max) : distinctWords(plain, count, width, max);
  if (found === undefined) return undefined;
  return { dictionary: found.dictionary, entries: found.entries, indices: bitPacked(found.index, count, found.entries) };
}

interface Distinct {
  dictionary: Uint8Array;
  entries: number;
  /** Each value's entry (scratch memory: good until the next call). */
  index: Int32Array;
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Fixed-width values, compared as one or two 32-bit words. */
function distinctWords(plain: Uint8Array, count: number, width: 4 | 8, max: number): Distinct | undefined {
  // Arrow's buffers are aligned; a copy only for a view that is not.
  const aligned = plain.byteOffset % 4 === 0 ? plain : plain.slice();
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, (count * width) / 4);
  const per = width / 4;
  const { slots, first, index } = scratch(count, max);
  const mask = slots.length - 1;
  let entries = 0;
  for (let i = 0; i < count; i++) {
    const a = words[i * per]!;
    const b = per === 2 ? words[i * per + 1]! : 0;
    let s = mix(a ^ Math.imul(b, 0x9e3779b1)) & mask;
    for (;;) {
      const e = slots[s]!;
      if (e === 0) {
        if (entries === max) return undefined;
        first[entries] = i;
        slots[s] = ++entries;
        index[i] = entries - 1;
        break;
      }
      const f = first[e - 1]!;
      if (words[f * per] === a && (per === 1 || words[f * per + 1] === b)) {
        index[i] = e - 1;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  const dictionary = new Uint8Array(entries * width);
  const out = new Uint32Array(dictionary.buffer);
  for (let e = 0; e < entries; e++) for (let w = 0; w < per; w++) out[e * per + w] = words[first[e]! * per + w]!;
  return { dictionary, entries, index };
}

/** BYTE_ARRAY values (a 4-byte little-endian length, then the bytes), compared byte by byte. */
function distinctBytes(plain: Uint8Array, count: number, max: number): Distinct | undefined {
  // `first`: where each entry's first occurrence starts (its length prefix) in `plain`.
  const { slots, first, index } = scratch(count, max);
  const mask = slots.length - 1;
  let entries = 0;
  let bytes = 0;
  let at = 0;
  // Values are read four bytes at a time wherever they start (most are short: the loop is the cost).
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  for (let i = 0; i < count; i++) {
    const len = view.getInt32(at, true);
    const start = at + 4;
    const end = start + len;
    let h = len;
    let k = start;
    for (; k + 4 <= end; k += 4) h = Math.imul(h ^ view.getInt32(k, true), 0x01000193);
    for (; k < end; k++) h = Math.imul(h ^ plain[k]!, 0x01000193);
    let s = mix(h) & mask;
    for (;;) {
      const e = slots[s]!;
      if (e === 0) {
        if (entries === max) return undefined;
        first[entries] = at;
        slots[s] = ++entries;
        index[i] = entries - 1;
        bytes += 4 + len;
        break;
      }
      if (sameBytes(view, first[e - 1]!, at, len)) {
        index[i] = e - 1;
        break;
      }
      s = (s + 1) & mask;
    }
    at = start + len;
  }
  const dictionary = new Uint8Array(bytes);
  let o = 0;
  for (let e = 0; e < entries; e++) {
    const f = first[e]!;
    const len = plain[f]! | (plain[f + 1]! << 8) | (plain[f + 2]! << 16) | (plain[f + 3]! << 24);
    dictionary.set(plain.subarray(f, f + 4 + len), o);
    o += 4 + len;
  }
  return { dictionary, entries, index };
}

/** Whether the value at `a` (its length prefix) has length `len` and the bytes of the value at `b`. */
function sameBytes(view: DataView, a: number, b: number, len: number): boolean {
  if (view.getInt32(a, true) !== len) return false;
  let k = 4;
  for (; k + 4 <= len + 4; k += 4) if (view.getInt32(a + k, true) !== view.getInt32(b + k, true)) return false;
  for (; k < len + 4; k++) if (view.getUint8(a + k) !== view.getUint8(b + k)) return false;
  return true;
}

/**
 * The bit width byte and one bit-packed run of the RLE/bit-packed hybrid: a varint header of
 * (groups of 8 << 1) | 1, then each group's 8 values in `width` bytes, least significant bit first.
 */
function bitPacked(index: Int32Array, count: number, entries: number): Uint8Array {
  const width = Math.max(1, 32 - Math.clz32(entries - 1));
  const groups = Math.ceil(count / 8);
  const header: number[] = [];
  for (let n = groups * 2 + 1; ; n = Math.floor(n / 0x80)) {
    if (n < 0x80) {
      header.push(n);
      break;
    }
    header.push((n % 0x80) | 0x80);
  }
  const out = new Uint8Array(1 + header.length + groups * width);
  out[0] = width;
  out.set(header, 1);
  let o = 1 + header.length;
  let acc = 0;
  let bits = 0;
  const padded = groups * 8;
  for (let i = 0; i < padded; i++) {
    // At most 7 + 16 bits are ever held, so the 32-bit shifts cannot lose any.
    acc |= (i < count ? index[i]! : 0) << bits;
    bits += width;
    while (bits >= 8) {
      out[o++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
  return out;
}
