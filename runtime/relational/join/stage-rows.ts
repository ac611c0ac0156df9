/**
 * Rows of a table copied into shared memory for the worker threads that read them, at their own row
 * numbers. The calling thread is worker 0 and reads the caller's Arrow buffers in place; only the rows
 * other workers read are copied, once (for two workers, half of each input where a whole copy was the
 * one step that ran on a single thread). Buffers are allocated at full size and filled only in the
 * range: pages never written cost no memory.
 */
import { bitmapBytes, type Layout, type TableLayout } from './layout.js';

const isSab = (a: { buffer: ArrayBufferLike }): boolean => a.buffer instanceof SharedArrayBuffer;

function copyRange<T extends Uint8Array | Int32Array>(src: T, from: number, to: number, size: number, make: (sab: SharedArrayBuffer) => T, bytesPer: number): T {
  const out = make(new SharedArrayBuffer(size * bytesPer));
  if (to > from) out.set(src.subarray(from, to) as never, from);
  return out;
}

export function stageLayoutRows(l: Layout, from: number, to: number): Layout {
  const u8 = (sab: SharedArrayBuffer): Uint8Array => new Uint8Array(sab);
  const validity = l.validity === null || isSab(l.validity) ? l.validity : copyRange(l.validity, from >>> 3, Math.min(bitmapBytes(l.length), (to + 7) >>> 3), bitmapBytes(l.length), u8, 1);
  switch (l.kind) {
    case 'null':
      return l;
    case 'fixed':
      return isSab(l.values) ? { ...l, validity } : { ...l, validity, values: copyRange(l.values, from * l.width, to * l.width, l.length * l.width, u8, 1) };
    case 'bool':
      return isSab(l.bits) ? { ...l, validity } : { ...l, validity, bits: copyRange(l.bits, from >>> 3, Math.min(bitmapBytes(l.length), (to + 7) >>> 3), bitmapBytes(l.length), u8, 1) };
    case 'binary': {
      if (isSab(l.offsets) && isSab(l.data)) return { ...l, validity };
      // Offsets are rebased so the data buffer holds only the bytes these rows can reach.
      const lo = l.offsets[0]!;
      const offsets = new Int32Array(new SharedArrayBuffer(4 * (l.length + 1)));
      for (let i = from; i <= to; i++) offsets[i] = l.offsets[i]! - lo;
      const data = new Uint8Array(new SharedArrayBuffer(l.offsets[l.length]! - lo));
      if (to > from) data.set(l.data.subarray(l.offsets[from]!, l.offsets[to]!), l.offsets[from]! - lo);
      return { ...l, validity, offsets, data };
    }
    case 'fixedList':
      return { ...l, validity, child: stageLayoutRows(l.child, from * l.size, to * l.size) };
    case 'list': {
      const offsets = isSab(l.offsets) ? l.offsets : copyRange(l.offsets, from, to + 1, l.length + 1, (sab) => new Int32Array(sab), 4);
      return { ...l, validity, offsets, child: stageLayoutRows(l.child, l.offsets[from]!, l.offsets[to]!) };
    }
    case 'struct':
      return { ...l, validity, children: l.children.map((c) => stageLayoutRows(c, from, to)) };
  }
}

export function stageRows(t: TableLayout, from: number, to: number): TableLayout {
  return { length: t.length, columns: t.columns.map((c) => stageLayoutRows(c, from, to)) };
}

/**
 * The table each worker reads: worker 0 the original, the others one shared copy of rows [from, end)
 * (made on first use, and only when there are other workers).
 */
export function tableForWorker(t: TableLayout, from: number): (worker: number) => TableLayout {
  let staged: TableLayout | undefined;
  return (worker) => (worker === 0 ? t : (staged ??= stageRows(t, from, t.length)));
}
