/**
 * Column buffers without Arrow's classes. Worker threads read and write these directly, and postMessage
 * shares them (SharedArrayBuffer) or hands them over (transfer) without going through Arrow objects, so
 * a worker never loads apache-arrow. Every layout starts at row 0: Arrow's slice offsets are resolved when
 * a layout is made. Variable-width offsets are absolute positions in `data` (or `child`), and always 32-bit.
 */

export interface LayoutBase {
  length: number;
  nullCount: number;
  /** Arrow validity bitmap (LSB first), or null when no row is null. */
  validity: Uint8Array | null;
}
export interface NullLayout extends LayoutBase {
  kind: 'null';
}
/** Fixed-width values: `width` bytes per row (ints, floats, dates, timestamps, decimals, dictionary indices). */
export interface FixedLayout extends LayoutBase {
  kind: 'fixed';
  width: number;
  values: Uint8Array;
}
export interface BoolLayout extends LayoutBase {
  kind: 'bool';
  bits: Uint8Array;
}
export interface BinaryLayout extends LayoutBase {
  kind: 'binary';
  offsets: Int32Array;
  data: Uint8Array;
}
export interface FixedListLayout extends LayoutBase {
  kind: 'fixedList';
  size: number;
  child: Layout;
}
export interface ListLayout extends LayoutBase {
  kind: 'list';
  offsets: Int32Array;
  child: Layout;
}
export interface StructLayout extends LayoutBase {
  kind: 'struct';
  children: Layout[];
}
export type Layout = NullLayout | FixedLayout | BoolLayout | BinaryLayout | FixedListLayout | ListLayout | StructLayout;

export interface TableLayout {
  length: number;
  columns: Layout[];
}

export type Alloc = (bytes: number) => ArrayBuffer | SharedArrayBuffer;
export const plainAlloc: Alloc = (bytes) => new ArrayBuffer(bytes);
export const sharedAlloc: Alloc = (bytes) => new SharedArrayBuffer(bytes);

export const bitmapBytes = (rows: number): number => (rows + 7) >>> 3;

export function getBit(bits: Uint8Array, i: number): boolean {
  return ((bits[i >>> 3]! >>> (i & 7)) & 1) === 1;
}

export function setBit(bits: Uint8Array, i: number): void {
  bits[i >>> 3]! |= 1 << (i & 7);
}

/** Copies `n` bits from `src` at bit `srcAt` to `dst` at bit `dstAt` (dst bits there must be 0). */
export function copyBits(dst: Uint8Array, dstAt: number, src: Uint8Array, srcAt: number, n: number): void {
  if ((dstAt & 7) === 0 && (srcAt & 7) === 0) {
    const whole = n >>> 3;
    dst.set(src.subarray(srcAt >>> 3, (srcAt >>> 3) + whole), dstAt >>> 3);
    for (let i = whole << 3; i < n; i++) if (getBit(src, srcAt + i)) setBit(dst, dstAt + i);
    return;
  }
  for (let i = 0; i < n; i++) if (getBit(src, srcAt + i)) setBit(dst, dstAt + i);
}

export function countNulls(validity: Uint8Array | null, length: number): number {
  if (validity === null) return 0;
  let valid = 0;
  const whole = length >>> 3;
  for (let b = 0; b < whole; b++) valid += POPCOUNT[validity[b]!]!;
  for (let i = whole << 3; i < length; i++) if (getBit(validity, i)) valid++;
  return length - valid;
}

const POPCOUNT = (() => {
  const t = new Uint8Array(256);
  for (let i = 1; i < 256; i++) t[i] = (i & 1) + t[i >>> 1]!;
  return t;
})();

/** The bytes a layout's buffers hold for its rows: what moving those rows to another worker costs. */
export function layoutBytes(l: Layout): number {
  const v = l.validity === null ? 0 : bitmapBytes(l.length);
  switch (l.kind) {
    case 'null':
      return 0;
    case 'fixed':
      return v + l.length * l.width;
    case 'bool':
      return v + bitmapBytes(l.length);
    case 'binary':
      return v + 4 * (l.length + 1) + (l.length === 0 ? 0 : l.offsets[l.length]! - l.offsets[0]!);
    case 'fixedList':
      return v + layoutBytes(l.child);
    case 'list':
      return v + 4 * (l.length + 1) + (l.length === 0 ? 0 : layoutBytes(sliceLayout(l.child, l.offsets[0]!, l.offsets[l.length]!)));
    case 'struct':
      return v + l.children.reduce((a, c) => a + layoutBytes(c), 0);
  }
}

export const tableBytes = (t: TableLayout): number => t.columns.reduce((a, c) => a + layoutBytes(c), 0);

/** Rows [start, end) of a layout, sharing its buffers where the row boundary allows it. */
export function sliceLayout(l: Layout, start: number, end: number): Layout {
  const length = end - start;
  if (start === 0 && length === l.length) return l;
  let validity: Uint8Array | null = null;
  if (l.validity !== null) {
    if ((start & 7) === 0) validity = l.validity.subarray(start >>> 3, (start >>> 3) + bitmapBytes(length));
    else {
      validity = new Uint8Array(bitmapBytes(length));
      copyBits(validity, 0, l.validity, start, length);
    }
  }
  const base = { length, validity, nullCount: validity === null ? 0 : countNulls(validity, length) };
  switch (l.kind) {
    case 'null':
      return { ...base, kind: 'null' };
    case 'fixed':
      return { ...base, kind: 'fixed', width: l.width, values: l.values.subarray(start * l.width, end * l.width) };
    case 'bool': {
      if ((start & 7) === 0) return { ...base, kind: 'bool', bits: l.bits.subarray(start >>> 3, (start >>> 3) + bitmapBytes(length)) };
      const bits = new Uint8Array(bitmapBytes(length));
      copyBits(bits, 0, l.bits, start, length);
      return { ...base, kind: 'bool', bits };
    }
    case 'binary':
      return { ...base, kind: 'binary', offsets: l.offsets.subarray(start, end + 1), data: l.data };
    case 'fixedList':
      return { ...base, kind: 'fixedList', size: l.size, child: sliceLayout(l.child, start * l.size, end * l.size) };
    case 'list':
      return { ...base, kind: 'list', offsets: l.offsets.subarray(start, end + 1), child: l.child };
    case 'struct':
      return { ...base, kind: 'struct', children: l.children.map((c) => sliceLayout(c, start, end)) };
  }
}

export function sliceTable(t: TableLayout, start: number, end: number): TableLayout {
  return { length: end - start, columns: t.columns.map((c) => sliceLayout(c, start, end)) };
}

/** Every buffer a layout holds, for a postMessage transfer list. */
export function layoutBuffers(l: Layout, into: Set<ArrayBufferLike> = new Set()): Set<ArrayBufferLike> {
  if (l.validity) into.add(l.validity.buffer);
  switch (l.kind) {
    case 'fixed':
      into.add(l.values.buffer);
      break;
    case 'bool':
      into.add(l.bits.buffer);
      break;
    case 'binary':
      into.add(l.offsets.buffer).add(l.data.buffer);
      break;
    case 'list':
      into.add(l.offsets.buffer);
      layoutBuffers(l.child, into);
      break;
    case 'fixedList':
      layoutBuffers(l.child, into);
      break;
    case 'struct':
      for (const c of l.children) layoutBuffers(c, into);
      break;
    case 'null':
      break;
  }
  return into;
}

/** A copy of the layout whose buffers are all SharedArrayBuffers (those that already are stay as they are). */
export function shareLayout(l: Layout): Layout {
  const share = <T extends Uint8Array | Int32Array>(a: T): T => {
    if (a.buffer instanceof SharedArrayBuffer) return a;
    const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
    copy.set(a as never);
    return copy;
  };
  const validity = l.validity === null ? null : share(l.validity);
  switch (l.kind) {
    case 'null':
      return l;
    case 'fixed':
      return { ...l, validity, values: share(l.values) };
    case 'bool':
      return { ...l, validity, bits: share(l.bits) };
    case 'binary': {
      // Only the referenced bytes travel; offsets are rebased when the data does not start at 0.
      const lo = l.length === 0 ? 0 : l.offsets[0]!;
      const hi = l.length === 0 ? 0 : l.offsets[l.length]!;
      if (l.data.buffer instanceof SharedArrayBuffer && l.offsets.buffer instanceof SharedArrayBuffer) return { ...l, validity };
      const offsets = new Int32Array(new SharedArrayBuffer(4 * (l.length + 1)));
      for (let i = 0; i <= l.length; i++) offsets[i] = l.offsets[i]! - lo;
      return { ...l, validity, offsets, data: share(l.data.subarray(lo, hi)) };
    }
    case 'fixedList':
      return { ...l, validity, child: shareLayout(l.child) };
    case 'list':
      return { ...l, validity, offsets: share(l.offsets), child: shareLayout(l.child) };
    case 'struct':
      return { ...l, validity, children: l.children.map(shareLayout) };
  }
}
