/**
 * Builds a new column from rows picked by index: the step that turns matched row pairs into output, and
 * that cuts an input into partitions. Index -1 gives a null row (the missing side of an outer join).
 */
import { copyBytes, viewOf } from './copy-bytes.js';
import { type Alloc, bitmapBytes, type BinaryLayout, type Layout, type LayoutBase, getBit, setBit } from './layout.js';

/**
 * The rows `idx[from..to)` of `src`, in that order. `missing` says whether any index is -1, when the
 * caller knows (an inner join's pairs never are), to save a pass over the indices per column.
 */
export function gatherLayout(src: Layout, idx: Int32Array, from: number, to: number, alloc: Alloc, missing?: boolean): Layout {
  const n = to - from;
  const { validity, nullCount } = gatherValidity(src, idx, from, to, alloc, missing);
  const base: LayoutBase = { length: n, validity, nullCount };
  switch (src.kind) {
    case 'null':
      return { ...base, kind: 'null', validity: null, nullCount: n };
    case 'fixed':
      return { ...base, kind: 'fixed', width: src.width, values: gatherFixed(src.values, src.width, idx, from, to, alloc) };
    case 'bool': {
      const bits = new Uint8Array(alloc(bitmapBytes(n)));
      for (let j = 0; j < n; j++) {
        const i = idx[from + j]!;
        if (i >= 0 && getBit(src.bits, i)) setBit(bits, j);
      }
      return { ...base, kind: 'bool', bits };
    }
    case 'binary':
      return { ...base, kind: 'binary', ...gatherBinary(src, idx, from, to, alloc) };
    case 'fixedList': {
      const child = src.child;
      if (child.kind === 'fixed' && child.validity === null) {
        const values = gatherFixed(child.values, child.width * src.size, idx, from, to, alloc);
        return { ...base, kind: 'fixedList', size: src.size, child: { kind: 'fixed', length: n * src.size, nullCount: 0, validity: null, width: child.width, values } };
      }
      const childIdx = new Int32Array(n * src.size);
      for (let j = 0; j < n; j++) {
        const i = idx[from + j]!;
        for (let k = 0; k < src.size; k++) childIdx[j * src.size + k] = i < 0 ? -1 : i * src.size + k;
      }
      return { ...base, kind: 'fixedList', size: src.size, child: gatherLayout(child, childIdx, 0, childIdx.length, alloc) };
    }
    case 'list': {
      const offsets = new Int32Array(alloc(4 * (n + 1)));
      let total = 0;
      for (let j = 0; j < n; j++) {
        const i = idx[from + j]!;
        if (i >= 0 && (src.validity === null || getBit(src.validity, i))) total += src.offsets[i + 1]! - src.offsets[i]!;
        offsets[j + 1] = total;
      }
      const childIdx = new Int32Array(total);
      for (let j = 0, p = 0; j < n; j++) {
        const len = offsets[j + 1]! - offsets[j]!;
        if (len === 0) continue;
        const start = src.offsets[idx[from + j]!]!;
        for (let k = 0; k < len; k++) childIdx[p++] = start + k;
      }
      return { ...base, kind: 'list', offsets, child: gatherLayout(src.child, childIdx, 0, total, alloc) };
    }
    case 'struct':
      return { ...base, kind: 'struct', children: src.children.map((c) => gatherLayout(c, idx, from, to, alloc)) };
  }
}

export function hasMissing(idx: Int32Array, from: number, to: number): boolean {
  for (let j = from; j < to; j++) if (idx[j]! < 0) return true;
  return false;
}

function gatherValidity(src: Layout, idx: Int32Array, from: number, to: number, alloc: Alloc, missing?: boolean): { validity: Uint8Array | null; nullCount: number } {
  const n = to - from;
  const sv = src.validity;
  if (sv === null && !(missing ?? hasMissing(idx, from, to))) return { validity: null, nullCount: 0 };
  const validity = new Uint8Array(alloc(bitmapBytes(n)));
  let nulls = 0;
  for (let j = 0; j < n; j++) {
    const i = idx[from + j]!;
    if (i >= 0 && (sv === null || getBit(sv, i))) setBit(validity, j);
    else nulls++;
  }
  return nulls === 0 ? { validity: null, nullCount: 0 } : { validity, nullCount: nulls };
}

function gatherFixed(values: Uint8Array, width: number, idx: Int32Array, from: number, to: number, alloc: Alloc): Uint8Array {
  const n = to - from;
  const out = new Uint8Array(alloc(n * width));
  const aligned = (values.byteOffset & 3) === 0;
  if (width === 8 && aligned) {
    const s = new Uint32Array(values.buffer, values.byteOffset, values.length >>> 2);
    const d = new Uint32Array(out.buffer);
    for (let j = 0; j < n; j++) {
      const i = idx[from + j]!;
      if (i < 0) continue;
      d[2 * j] = s[2 * i]!;
      d[2 * j + 1] = s[2 * i + 1]!;
    }
  } else if (width === 4 && aligned) {
    const s = new Uint32Array(values.buffer, values.byteOffset, values.length >>> 2);
    const d = new Uint32Array(out.buffer);
    for (let j = 0; j < n; j++) {
      const i = idx[from + j]!;
      if (i >= 0) d[j] = s[i]!;
    }
  } else if (width === 1) {
    for (let j = 0; j < n; j++) {
      const i = idx[from + j]!;
      if (i >= 0) out[j] = values[i]!;
    }
  } else if (width === 2 && (values.byteOffset & 1) === 0) {
    const s = new Uint16Array(values.buffer, values.byteOffset, values.length >>> 1);
    const d = new Uint16Array(out.buffer);
    for (let j = 0; j < n; j++) {
      const i = idx[from + j]!;
      if (i >= 0) d[j] = s[i]!;
    }
  } else if ((width & 3) === 0 && aligned) {
    const w = width >>> 2;
    const s = new Uint32Array(values.buffer, values.byteOffset, values.length >>> 2);
    const d = new Uint32Array(out.buffer);
    for (let j = 0; j < n; j++) {
      const i = idx[from + j]!;
      if (i < 0) continue;
      for (let k = 0; k < w; k++) d[j * w + k] = s[i * w + k]!;
    }
  } else {
    for (let j = 0; j < n; j++) {
      const i = idx[from + j]!;
      if (i >= 0) out.set(values.subarray(i * width, (i + 1) * width), j * width);
    }
  }
  return out;
}

function gatherBinary(src: BinaryLayout, idx: Int32Array, from: number, to: number, alloc: Alloc): { offsets: Int32Array; data: Uint8Array } {
  const n = to - from;
  const so = src.offsets;
  const sv = src.validity;
  const offsets = new Int32Array(alloc(4 * (n + 1)));
  let total = 0;
  for (let j = 0; j < n; j++) {
    const i = idx[from + j]!;
    if (i >= 0 && (sv === null || getBit(sv, i))) total += so[i + 1]! - so[i]!;
    if (total > 0x7fffffff) throw new RangeError('a string or binary column of a join result exceeds 2 GiB in one partition');
    offsets[j + 1] = total;
  }
  const data = new Uint8Array(alloc(total));
  const sd = src.data;
  const dv = viewOf(data);
  const sdv = viewOf(sd);
  for (let j = 0; j < n; j++) {
    const p = offsets[j]!;
    const len = offsets[j + 1]! - p;
    if (len === 0) continue;
    const a = so[idx[from + j]!]!;
    if (len <= 64) copyBytes(dv, p, sdv, a, len);
    else data.set(sd.subarray(a, a + len), p);
  }
  return { offsets, data };
}
