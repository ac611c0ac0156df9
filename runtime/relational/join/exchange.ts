/**
 * Writing rows straight into the partition they are sent to. Once every worker has counted its rows (and
 * string bytes) per partition, each partition's columns are allocated once, in shared memory, and every
 * worker writes its rows into its own stretch of them. The owner then joins the partition as it lies,
 * where pieces written separately would first have to be copied end to end (measured: that copy was a
 * quarter of the join round on 10M x 2.5M rows).
 *
 * Only flat columns go this way (fixed-width, booleans, strings and binary, fixed-size lists of
 * fixed-width values such as tensors); a table with lists or structs is exchanged in pieces (scatter.ts).
 * Validity and boolean bits near the ends of a worker's stretch share bytes with the next worker's
 * stretch, so those bytes are merged with Atomics.or.
 */
import { copyBytes, viewOf } from './copy-bytes.js';
import { type Alloc, bitmapBytes, getBit, type Layout, type TableLayout } from './layout.js';

export function isFlat(l: Layout): boolean {
  return l.kind === 'fixed' || l.kind === 'bool' || l.kind === 'binary' || l.kind === 'null' || (l.kind === 'fixedList' && l.child.kind === 'fixed' && l.child.validity === null);
}

/** Rows of [from, from + ids.length) per partition, and bytes of each string column (in column order). */
export interface PieceSizes {
  rows: Int32Array;
  bytes: Float64Array[];
}

export function pieceSizes(t: TableLayout, from: number, ids: Int32Array, partitions: number): PieceSizes {
  const rows = new Int32Array(partitions);
  for (let i = 0; i < ids.length; i++) if (ids[i]! >= 0) rows[ids[i]!]!++;
  const bytes = t.columns
    .filter((c) => c.kind === 'binary')
    .map((c) => {
      const b = c as Extract<Layout, { kind: 'binary' }>;
      const out = new Float64Array(partitions);
      for (let i = 0; i < ids.length; i++) {
        const p = ids[i]!;
        const r = from + i;
        if (p >= 0 && (b.validity === null || getBit(b.validity, r))) out[p]! += b.offsets[r + 1]! - b.offsets[r]!;
      }
      return out;
    });
  return { rows, bytes };
}

/** The bytes a piece of these sizes holds, for counting what moves. */
export function pieceBytes(t: TableLayout, sizes: PieceSizes, p: number): number {
  const rows = sizes.rows[p]!;
  let total = 0;
  let s = 0;
  for (const c of t.columns) {
    if (c.validity !== null) total += bitmapBytes(rows);
    if (c.kind === 'fixed') total += rows * c.width;
    else if (c.kind === 'bool') total += bitmapBytes(rows);
    else if (c.kind === 'fixedList') total += rows * c.size * (c.child as { width: number }).width;
    else if (c.kind === 'binary') total += 4 * rows + sizes.bytes[s++]![p]!;
  }
  return total;
}

/** Empty partition tables shaped like `t`, with room for `rows[p]` rows and `bytes[s][p]` string bytes. */
export function allocatePartitions(t: TableLayout, rows: number[], bytes: number[][], alloc: Alloc): TableLayout[] {
  return rows.map((n, p) => {
    let s = 0;
    const columns = t.columns.map((c): Layout => {
      const validity = c.validity !== null && c.nullCount > 0 ? new Uint8Array(alloc(bitmapBytes(n))) : null;
      const base = { length: n, nullCount: 0, validity };
      switch (c.kind) {
        case 'null':
          return { kind: 'null', length: n, nullCount: n, validity: null };
        case 'fixed':
          return { ...base, kind: 'fixed', width: c.width, values: new Uint8Array(alloc(n * c.width)) };
        case 'bool':
          return { ...base, kind: 'bool', bits: new Uint8Array(alloc(bitmapBytes(n))) };
        case 'binary': {
          const b = bytes[s++]![p]!;
          if (b > 0x7fffffff) throw new RangeError('a string or binary column exceeds 2 GiB in one partition');
          return { ...base, kind: 'binary', offsets: new Int32Array(alloc(4 * (n + 1))), data: new Uint8Array(alloc(b)) };
        }
        case 'fixedList': {
          const child = c.child as Extract<Layout, { kind: 'fixed' }>;
          return { ...base, kind: 'fixedList', size: c.size, child: { kind: 'fixed', length: n * c.size, nullCount: 0, validity: null, width: child.width, values: new Uint8Array(alloc(n * c.size * child.width)) } };
        }
        default:
          throw new Error(`a ${c.kind} column is not flat`);
      }
    });
    return { length: n, columns };
  });
}

/**
 * Writes rows `from + i` with `ids[i] = p >= 0` into `targets[p]`, this worker's rows starting at row
 * `rowStart[p]` and, in string column s, at byte `byteStart[s][p]`.
 */
export function scatterInto(t: TableLayout, from: number, ids: Int32Array, targets: TableLayout[], rowStart: Int32Array, byteStart: Float64Array[]): void {
  let s = 0;
  t.columns.forEach((c, col) => {
    const dst = targets.map((x) => x.columns[col]!);
    if (c.validity !== null && dst.some((d) => d.validity !== null)) {
      writeBits(c.validity, from, ids, dst.map((d) => d.validity!), rowStart);
    }
    switch (c.kind) {
      case 'fixed':
        writeFixed(c.values, c.width, from, ids, dst.map((d) => (d as typeof c).values), rowStart);
        break;
      case 'fixedList': {
        const child = c.child as Extract<Layout, { kind: 'fixed' }>;
        writeFixed(child.values, child.width * c.size, from, ids, dst.map((d) => ((d as typeof c).child as typeof child).values), rowStart);
        break;
      }
      case 'bool':
        writeBits(c.bits, from, ids, dst.map((d) => (d as typeof c).bits), rowStart);
        break;
      case 'binary':
        writeBinary(c, from, ids, dst as (typeof c)[], rowStart, byteStart[s++]!);
        break;
      case 'null':
        break;
      default:
        throw new Error(`a ${c.kind} column is not flat`);
    }
  });
}

function writeFixed(values: Uint8Array, width: number, from: number, ids: Int32Array, dst: Uint8Array[], rowStart: Int32Array): void {
  const n = ids.length;
  const parts = dst.length;
  const at = Int32Array.from(rowStart);
  if ((width === 8 || width === 4) && (values.byteOffset & 3) === 0 && dst.every((d) => (d.byteOffset & 3) === 0)) {
    const src = new Uint32Array(values.buffer, values.byteOffset, values.length >>> 2);
    const out = dst.map((d) => new Uint32Array(d.buffer, d.byteOffset, d.length >>> 2));
    if (width === 8) {
      for (let i = 0; i < n; i++) {
        const p = ids[i]!;
        if (p < 0) continue;
        const d = 2 * at[p]!++;
        const o = out[p]!;
        const r = 2 * (from + i);
        o[d] = src[r]!;
        o[d + 1] = src[r + 1]!;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const p = ids[i]!;
        if (p >= 0) out[p]![at[p]!++] = src[from + i]!;
      }
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const p = ids[i]!;
    if (p < 0 || p >= parts) continue;
    const d = at[p]!++ * width;
    const o = dst[p]!;
    const r = (from + i) * width;
    if (width >= 32) o.set(values.subarray(r, r + width), d);
    else for (let k = 0; k < width; k++) o[d + k] = values[r + k]!;
  }
}

/** Bits of this worker's rows, gathered locally and merged into the shared bitmaps at the stretch ends. */
function writeBits(bits: Uint8Array, from: number, ids: Int32Array, dst: Uint8Array[], rowStart: Int32Array): void {
  const parts = dst.length;
  const counts = new Int32Array(parts);
  for (let i = 0; i < ids.length; i++) if (ids[i]! >= 0) counts[ids[i]!]!++;
  const shift = Array.from(rowStart, (s) => s & 7);
  const local = Array.from({ length: parts }, (_, p) => new Uint8Array(bitmapBytes(counts[p]! + shift[p]!)));
  const at = Int32Array.from(shift);
  for (let i = 0; i < ids.length; i++) {
    const p = ids[i]!;
    if (p < 0) continue;
    const j = at[p]!++;
    const r = from + i;
    if ((bits[r >>> 3]! >>> (r & 7)) & 1) local[p]![j >>> 3]! |= 1 << (j & 7);
  }
  for (let p = 0; p < parts; p++) {
    if (counts[p] === 0) continue;
    const l = local[p]!;
    const d = dst[p]!;
    const base = rowStart[p]! >>> 3;
    for (let b = 0; b < l.length; b++) {
      if (b === 0 || b === l.length - 1) Atomics.or(d, base + b, l[b]!);
      else d[base + b] = l[b]!;
    }
  }
}

function writeBinary(c: Extract<Layout, { kind: 'binary' }>, from: number, ids: Int32Array, dst: Extract<Layout, { kind: 'binary' }>[], rowStart: Int32Array, byteStart: Float64Array): void {
  const row = Int32Array.from(rowStart);
  const pos = Float64Array.from(byteStart);
  const { offsets, data, validity } = c;
  const sv = viewOf(data);
  const dvs = dst.map((d) => viewOf(d.data));
  for (let i = 0; i < ids.length; i++) {
    const p = ids[i]!;
    if (p < 0) continue;
    const r = from + i;
    const a = offsets[r]!;
    const len = validity === null || getBit(validity, r) ? offsets[r + 1]! - a : 0;
    const d = dst[p]!;
    const at = pos[p]!;
    if (len <= 64) copyBytes(dvs[p]!, at, sv, a, len);
    else d.data.set(data.subarray(a, a + len), at);
    pos[p] = at + len;
    d.offsets[++row[p]!] = at + len;
  }
}
