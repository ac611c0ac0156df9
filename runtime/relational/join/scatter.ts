/**
 * Cuts rows into partitions by writing each row to its partition's next free place: one sequential read
 * of each column and one write stream per partition. Picking rows by a list sorted by partition (gather)
 * reads the column in random order instead, which on 10M rows was several times slower (a cache miss per
 * value). Partitions of one column share one buffer, each a view of its own stretch of it.
 */
import { copyBytes, viewOf } from './copy-bytes.js';
import { gatherLayout } from './gather.js';
import { type Alloc, bitmapBytes, type Layout, setBit, type TableLayout } from './layout.js';

/**
 * Rows `from + i` with `ids[i] = p >= 0` go to partition p, in row order; rows with -1 go nowhere.
 * `counts[p]` must be the number of rows with id p.
 */
export function scatterTable(t: TableLayout, from: number, ids: Int32Array, counts: Int32Array, alloc: Alloc): TableLayout[] {
  const parts = counts.length;
  const cols = t.columns.map((c) => scatterLayout(c, from, ids, counts, alloc));
  return Array.from({ length: parts }, (_, p) => ({ length: counts[p]!, columns: cols.map((c) => c[p]!) }));
}

function starts(counts: Int32Array, scale = 1): Int32Array {
  const s = new Int32Array(counts.length + 1);
  for (let p = 0; p < counts.length; p++) s[p + 1] = s[p]! + counts[p]! * scale;
  return s;
}

function scatterLayout(c: Layout, from: number, ids: Int32Array, counts: Int32Array, alloc: Alloc): Layout[] {
  const parts = counts.length;
  const validity = c.validity === null ? null : scatterBits(c.validity, from, ids, counts, alloc);
  const nulls = validity === null ? null : validity.map((v, p) => counts[p]! - popcount(v, counts[p]!));
  const base = (p: number) => ({ length: counts[p]!, validity: validity?.[p] ?? null, nullCount: nulls?.[p] ?? 0 });
  switch (c.kind) {
    case 'null':
      return Array.from({ length: parts }, (_, p) => ({ kind: 'null', length: counts[p]!, validity: null, nullCount: counts[p]! }));
    case 'fixed': {
      const values = scatterFixed(c.values, c.width, from, ids, counts, alloc);
      return values.map((v, p) => ({ ...base(p), kind: 'fixed', width: c.width, values: v }));
    }
    case 'bool': {
      const bits = scatterBits(c.bits, from, ids, counts, alloc);
      return bits.map((b, p) => ({ ...base(p), kind: 'bool', bits: b }));
    }
    case 'binary':
      return scatterBinary(c.offsets, c.data, c.validity, from, ids, counts, alloc).map((b, p) => ({ ...base(p), kind: 'binary', ...b }));
    case 'fixedList': {
      const child = c.child;
      if (child.kind === 'fixed' && child.validity === null) {
        const values = scatterFixed(child.values, child.width * c.size, from, ids, counts, alloc);
        return values.map((v, p) => ({ ...base(p), kind: 'fixedList', size: c.size, child: { kind: 'fixed', length: counts[p]! * c.size, nullCount: 0, validity: null, width: child.width, values: v } }));
      }
      return gatherFallback(c, from, ids, counts, alloc);
    }
    case 'struct': {
      const children = c.children.map((ch) => scatterLayout(ch, from, ids, counts, alloc));
      return Array.from({ length: parts }, (_, p) => ({ ...base(p), kind: 'struct', children: children.map((ch) => ch[p]!) }));
    }
    case 'list':
      return gatherFallback(c, from, ids, counts, alloc);
  }
}

/** Lists (and tensors with null elements): picked by a row list per partition, not worth a scatter of their own. */
function gatherFallback(c: Layout, from: number, ids: Int32Array, counts: Int32Array, alloc: Alloc): Layout[] {
  const s = starts(counts);
  const fill = s.slice(0, counts.length);
  const order = new Int32Array(s[counts.length]!);
  for (let i = 0; i < ids.length; i++) {
    const p = ids[i]!;
    if (p >= 0) order[fill[p]!++] = from + i;
  }
  return Array.from({ length: counts.length }, (_, p) => gatherLayout(c, order, s[p]!, s[p + 1]!, alloc));
}

function popcount(bits: Uint8Array, n: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) c += (bits[i >>> 3]! >>> (i & 7)) & 1;
  return c;
}

function scatterBits(bits: Uint8Array, from: number, ids: Int32Array, counts: Int32Array, alloc: Alloc): Uint8Array[] {
  const out = Array.from(counts, (n) => new Uint8Array(alloc(bitmapBytes(n))));
  const at = new Int32Array(counts.length);
  for (let i = 0; i < ids.length; i++) {
    const p = ids[i]!;
    if (p < 0) continue;
    const j = at[p]!++;
    const r = from + i;
    if ((bits[r >>> 3]! >>> (r & 7)) & 1) setBit(out[p]!, j);
  }
  return out;
}

function scatterFixed(values: Uint8Array, width: number, from: number, ids: Int32Array, counts: Int32Array, alloc: Alloc): Uint8Array[] {
  const s = starts(counts, width);
  const buf = new Uint8Array(alloc(s[counts.length]!));
  const n = ids.length;
  const aligned = (values.byteOffset & 3) === 0;
  if ((width === 8 || width === 4) && aligned) {
    const w = width >>> 2;
    const src = new Uint32Array(values.buffer, values.byteOffset, values.length >>> 2);
    const dst = new Uint32Array(buf.buffer);
    const at = new Int32Array(counts.length);
    for (let p = 0; p < counts.length; p++) at[p] = s[p]! >>> 2;
    if (w === 2) {
      for (let i = 0; i < n; i++) {
        const p = ids[i]!;
        if (p < 0) continue;
        const d = at[p]!;
        at[p] = d + 2;
        const r = 2 * (from + i);
        dst[d] = src[r]!;
        dst[d + 1] = src[r + 1]!;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const p = ids[i]!;
        if (p >= 0) dst[at[p]!++] = src[from + i]!;
      }
    }
  } else {
    const at = s.slice(0, counts.length);
    for (let i = 0; i < n; i++) {
      const p = ids[i]!;
      if (p < 0) continue;
      const d = at[p]!;
      at[p] = d + width;
      const r = (from + i) * width;
      if (width >= 32) buf.set(values.subarray(r, r + width), d);
      else for (let k = 0; k < width; k++) buf[d + k] = values[r + k]!;
    }
  }
  return Array.from(counts, (_, p) => buf.subarray(s[p]!, s[p + 1]!));
}

function scatterBinary(offsets: Int32Array, data: Uint8Array, validity: Uint8Array | null, from: number, ids: Int32Array, counts: Int32Array, alloc: Alloc): { offsets: Int32Array; data: Uint8Array }[] {
  const parts = counts.length;
  const n = ids.length;
  const bytes = new Float64Array(parts);
  const live = (r: number): boolean => validity === null || ((validity[r >>> 3]! >>> (r & 7)) & 1) === 1;
  for (let i = 0; i < n; i++) {
    const p = ids[i]!;
    if (p >= 0 && live(from + i)) bytes[p]! += offsets[from + i + 1]! - offsets[from + i]!;
  }
  const dataStart = new Float64Array(parts + 1);
  for (let p = 0; p < parts; p++) {
    if (bytes[p]! > 0x7fffffff) throw new RangeError('a string or binary column exceeds 2 GiB in one partition');
    dataStart[p + 1] = dataStart[p]! + bytes[p]!;
  }
  const offStart = starts(counts);
  const offBuf = new Int32Array(alloc(4 * (offStart[parts]! + parts)));
  const dataBuf = new Uint8Array(alloc(dataStart[parts]!));
  const row = new Int32Array(parts);
  const pos = new Float64Array(parts);
  const dv = viewOf(dataBuf);
  const sv = viewOf(data);
  for (let i = 0; i < n; i++) {
    const p = ids[i]!;
    if (p < 0) continue;
    const r = from + i;
    const a = offsets[r]!;
    const len = live(r) ? offsets[r + 1]! - a : 0;
    const d = dataStart[p]! + pos[p]!;
    if (len <= 64) copyBytes(dv, d, sv, a, len);
    else dataBuf.set(data.subarray(a, a + len), d);
    pos[p]! += len;
    // Partition p's offsets start at offStart[p] + p (each has one more offset than rows).
    offBuf[offStart[p]! + p + ++row[p]!] = pos[p]!;
  }
  return Array.from({ length: parts }, (_, p) => ({
    offsets: offBuf.subarray(offStart[p]! + p, offStart[p + 1]! + p + 1),
    data: dataBuf.subarray(dataStart[p]!, dataStart[p + 1]!),
  }));
}
