/** Fixed-width columns: integers, floats, dates, timestamps, booleans, decimals and huge integers. */
import { Bool, Field, Float64, makeData, type DataType } from 'apache-arrow';
import { GrowableBytes } from '../growable.js';
import type { DuckDBBindings } from '../session.js';
import { BATCHED, ValidityCollector, type Collector, type Sizing } from './collector.js';

export type Convert = (raw: Uint8Array, count: number) => ArrayBufferView;

/** A fixed-width column: each chunk's values converted (or not) and appended. */
export function fixedCollector(name: string, type: DataType, bytesPerValue: number, convert: Convert | undefined, bindings: DuckDBBindings, view: (b: ArrayBuffer, length: number) => ArrayBufferView, sizing: Sizing = BATCHED): Collector {
  // Sized for a whole record batch of the Arrow type's width, so its buffer becomes the column's without a copy.
  const width = (view(new ArrayBuffer(16), 1) as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const values = new GrowableBytes((sizing.batchRows + 2048) * width, sizing.shared);
  const validity = new ValidityCollector(bindings);
  return {
    field: new Field(name, type, true),
    add(vector, count) {
      const raw = bindings.vector_get_data(vector, count * bytesPerValue);
      if (convert) values.appendView(convert(raw, count));
      else values.append(raw);
      validity.add(vector, count);
    },
    finish() {
      const v = validity.finish();
      const { buffer, length } = values.takeInPlace();
      const data = view(buffer, length / width) as ArrayBufferView & { length: number };
      return makeData({ type, length: data.length, data, ...v } as never);
    },
  };
}

export function hugeintsToDoubles(raw: Uint8Array, n: number, signed: boolean): Float64Array {
  const view = new DataView(raw.buffer, raw.byteOffset, n * 16);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lower = view.getBigUint64(i * 16, true);
    const upper = signed ? view.getBigInt64(i * 16 + 8, true) : view.getBigUint64(i * 16 + 8, true);
    out[i] = Number((upper << 64n) + lower);
  }
  return out;
}

export function decimalsToDoubles(raw: Uint8Array, n: number, bytes: number, scale: number): Float64Array {
  const view = new DataView(raw.buffer, raw.byteOffset, n * bytes);
  const out = new Float64Array(n);
  const divisor = 10 ** scale;
  for (let i = 0; i < n; i++) {
    const at = i * bytes;
    let unscaled: number;
    if (bytes === 2) unscaled = view.getInt16(at, true);
    else if (bytes === 4) unscaled = view.getInt32(at, true);
    else if (bytes === 8) {
      // Exactly as DuckDB's CAST(d AS DOUBLE): through the integer and the scale's power of ten.
      unscaled = Number(view.getBigInt64(at, true));
    } else unscaled = Number((view.getBigInt64(at + 8, true) << 64n) + view.getBigUint64(at, true));
    out[i] = unscaled / divisor;
  }
  return out;
}

export function boolCollector(name: string, bindings: DuckDBBindings): Collector {
  const bytes = new GrowableBytes();
  const validity = new ValidityCollector(bindings);
  return {
    field: new Field(name, new Bool(), true),
    add(vector, count) {
      bytes.append(bindings.vector_get_data(vector, count));
      validity.add(vector, count);
    },
    finish() {
      const all = new Uint8Array(bytes.take());
      const bits = new Uint8Array((all.length + 7) >> 3);
      for (let i = 0; i < all.length; i++) if (all[i]) bits[i >> 3]! |= 1 << (i & 7);
      return makeData({ type: new Bool(), length: all.length, data: bits, ...validity.finish() });
    },
  };
}

export function nullCollector(name: string): Collector {
  let length = 0;
  return {
    field: new Field(name, new Float64(), true),
    add(_vector, count) {
      length += count;
    },
    finish() {
      const out = makeData({ type: new Float64(), length, data: new Float64Array(length), nullBitmap: new Uint8Array((length + 7) >> 3), nullCount: length });
      length = 0;
      return out;
    },
  };
}
