/**
 * Appends layouts of one column end to end: how a worker receives a partition that arrives in pieces, one
 * from each worker that held some of its rows.
 */
import { type Alloc, bitmapBytes, copyBits, type Layout, sliceLayout, type TableLayout } from './layout.js';

export function concatLayouts(parts: Layout[], alloc: Alloc): Layout {
  const nonEmpty = parts.filter((p) => p.length > 0);
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  if (nonEmpty.length === 0) {
    if (parts.length === 0) throw new Error('concatLayouts needs at least one part');
    return parts[0]!;
  }
  const first = nonEmpty[0]!;
  const length = nonEmpty.reduce((a, p) => a + p.length, 0);
  const nullCount = nonEmpty.reduce((a, p) => a + p.nullCount, 0);
  let validity: Uint8Array | null = null;
  if (nullCount > 0) {
    validity = new Uint8Array(alloc(bitmapBytes(length)));
    let at = 0;
    for (const p of nonEmpty) {
      if (p.validity === null) for (let i = 0; i < p.length; i++) validity[(at + i) >>> 3]! |= 1 << ((at + i) & 7);
      else copyBits(validity, at, p.validity, 0, p.length);
      at += p.length;
    }
  }
  const base = { length, nullCount, validity };
  switch (first.kind) {
    case 'null':
      return { ...base, kind: 'null', validity: null };
    case 'fixed': {
      const values = new Uint8Array(alloc(length * first.width));
      let at = 0;
      for (const p of nonEmpty as typeof first[]) {
        values.set(p.values.subarray(0, p.length * first.width), at);
        at += p.length * first.width;
      }
      return { ...base, kind: 'fixed', width: first.width, values };
    }
    case 'bool': {
      const bits = new Uint8Array(alloc(bitmapBytes(length)));
      let at = 0;
      for (const p of nonEmpty as typeof first[]) {
        copyBits(bits, at, p.bits, 0, p.length);
        at += p.length;
      }
      return { ...base, kind: 'bool', bits };
    }
    case 'binary': {
      const ps = nonEmpty as typeof first[];
      const bytes = ps.reduce((a, p) => a + p.offsets[p.length]! - p.offsets[0]!, 0);
      if (bytes > 0x7fffffff) throw new RangeError('a string or binary column exceeds 2 GiB in one partition');
      const offsets = new Int32Array(alloc(4 * (length + 1)));
      const data = new Uint8Array(alloc(bytes));
      let row = 0;
      let pos = 0;
      for (const p of ps) {
        const lo = p.offsets[0]!;
        const hi = p.offsets[p.length]!;
        data.set(p.data.subarray(lo, hi), pos);
        const shift = pos - lo;
        for (let i = 1; i <= p.length; i++) offsets[row + i] = p.offsets[i]! + shift;
        row += p.length;
        pos += hi - lo;
      }
      return { ...base, kind: 'binary', offsets, data };
    }
    case 'fixedList':
      return { ...base, kind: 'fixedList', size: first.size, child: concatLayouts((nonEmpty as typeof first[]).map((p) => p.child), alloc) };
    case 'list': {
      const ps = nonEmpty as typeof first[];
      const offsets = new Int32Array(alloc(4 * (length + 1)));
      let row = 0;
      let pos = 0;
      const children: Layout[] = [];
      for (const p of ps) {
        const lo = p.offsets[0]!;
        const hi = p.offsets[p.length]!;
        children.push(sliceLayout(p.child, lo, hi));
        const shift = pos - lo;
        for (let i = 1; i <= p.length; i++) offsets[row + i] = p.offsets[i]! + shift;
        row += p.length;
        pos += hi - lo;
      }
      return { ...base, kind: 'list', offsets, child: concatLayouts(children, alloc) };
    }
    case 'struct': {
      const ps = nonEmpty as typeof first[];
      return { ...base, kind: 'struct', children: first.children.map((_, c) => concatLayouts(ps.map((p) => p.children[c]!), alloc)) };
    }
  }
}

export function concatTables(parts: TableLayout[], alloc: Alloc): TableLayout {
  const nonEmpty = parts.filter((p) => p.length > 0);
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  if (nonEmpty.length === 0) return parts[0]!;
  return { length: nonEmpty.reduce((a, p) => a + p.length, 0), columns: nonEmpty[0]!.columns.map((_, c) => concatLayouts(nonEmpty.map((p) => p.columns[c]!), alloc)) };
}
