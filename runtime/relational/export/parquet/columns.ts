/**
 * Arrow columns as Parquet columns: the physical type and annotation of each supported Arrow type, and the
 * PLAIN encoding of a run of rows' non-null values. Fixed-width values without nulls go out as views of the
 * Arrow buffers themselves; the rest are packed once. Types not here (tensors and other nested types,
 * decimals, half floats, null columns) are exported through DuckDB instead (run-export.ts).
 */
import { type Data, DataType, DateUnit, type Field, Precision, TimeUnit } from 'apache-arrow';

/** Parquet physical types and converted types (parquet.thrift). */
export const Physical = { BOOLEAN: 0, INT32: 1, INT64: 2, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
export const Converted = { UTF8: 0, DATE: 6, TIMESTAMP_MICROS: 10, UINT_8: 11, UINT_16: 12, UINT_32: 13, UINT_64: 14, INT_8: 15, INT_16: 16 } as const;

export interface ParquetColumn {
  name: string;
  physical: number;
  converted?: number;
  optional: boolean;
  /** PLAIN-encoded non-null values of rows [from, from + count) of `data`, as pieces to write in order. */
  values(data: Data, from: number, count: number): Uint8Array[];
}

const bytesOf = (v: ArrayBufferView): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

/** Whether row `i` of `data` (relative to its own offset) holds a value. */
export function validBit(data: Data): ((i: number) => boolean) | null {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return null;
  const offset = data.offset;
  return (i) => ((bitmap[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1) === 1;
}

type Typed = ArrayBufferView & ArrayLike<number | bigint> & { subarray(a: number, b: number): Typed; constructor: new (n: number) => Typed };

/** Values stored as they are in Parquet (same width and meaning): a view when nothing is null. */
function sameWidth(data: Data, from: number, count: number): Uint8Array[] {
  const values = data.values as unknown as Typed;
  const stride = data.stride;
  const valid = validBit(data);
  if (!valid) return [bytesOf(values.subarray(from * stride, (from + count) * stride))];
  const Ctor = values.constructor as new (n: number) => Typed & { [i: number]: number | bigint };
  const out = new Ctor(count * stride);
  let k = 0;
  for (let i = from; i < from + count; i++) if (valid(i)) for (let s = 0; s < stride; s++) out[k++] = values[i * stride + s]!;
  return [bytesOf(out.subarray(0, k))];
}

/** Values converted one by one into a new array of Parquet's width. */
function converted<T extends Int32Array | BigInt64Array>(make: (n: number) => T, at: (data: Data, i: number) => T[number]): ParquetColumn['values'] {
  return (data, from, count) => {
    const valid = validBit(data);
    const out = make(count);
    let k = 0;
    for (let i = from; i < from + count; i++) if (!valid || valid(i)) out[k++] = at(data, i);
    return [bytesOf(out.subarray(0, k))];
  };
}

function booleans(data: Data, from: number, count: number): Uint8Array[] {
  const bits = data.values as Uint8Array;
  const valid = validBit(data);
  const out = new Uint8Array(Math.ceil(count / 8));
  let k = 0;
  for (let i = from; i < from + count; i++) {
    if (valid && !valid(i)) continue;
    const b = data.offset + i;
    if ((bits[b >> 3]! >> (b & 7)) & 1) out[k >> 3]! |= 1 << (k & 7);
    k++;
  }
  return [out.subarray(0, Math.ceil(k / 8))];
}

/** Views for writing PLAIN byte arrays: the output and the values' bytes, read and written 4 bytes at a time. */
interface Packing {
  out: Uint8Array;
  outView: DataView;
  bytes: Uint8Array;
  bytesView: DataView;
}

function packing(out: Uint8Array, bytes: Uint8Array): Packing {
  return { out, outView: new DataView(out.buffer, out.byteOffset, out.byteLength), bytes, bytesView: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

/** Appends one value as a 4-byte little-endian length and its bytes; returns the next position. */
function putValue(p: Packing, at: number, from: number, len: number): number {
  p.outView.setInt32(at, len, true);
  at += 4;
  // Short values a word at a time: a subarray per value (millions of them) costs more than the copy.
  if (len > 64) p.out.set(p.bytes.subarray(from, from + len), at);
  else {
    let b = 0;
    for (; b + 4 <= len; b += 4) p.outView.setInt32(at + b, p.bytesView.getInt32(from + b, true), true);
    for (; b < len; b++) p.out[at + b] = p.bytes[from + b]!;
  }
  return at + len;
}

function strings(data: Data, from: number, count: number): Uint8Array[] {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const valid = validBit(data);
  const out = new Uint8Array(4 * count + offsets[from + count]! - offsets[from]!);
  const p = packing(out, bytes);
  let at = 0;
  for (let i = from; i < from + count; i++) if (!valid || valid(i)) at = putValue(p, at, offsets[i]!, offsets[i + 1]! - offsets[i]!);
  return [out.subarray(0, at)];
}

/** Dictionary-encoded strings written as the strings themselves. */
function dictionaryStrings(data: Data, from: number, count: number): Uint8Array[] {
  const dict = data.dictionary!.data[0]!;
  const offsets = dict.valueOffsets as Int32Array;
  const bytes = dict.values as Uint8Array;
  const index = data.values as unknown as ArrayLike<number | bigint>;
  const valid = validBit(data);
  let total = 0;
  for (let i = from; i < from + count; i++) {
    if (valid && !valid(i)) continue;
    const d = Number(index[i]!);
    total += offsets[d + 1]! - offsets[d]!;
  }
  const out = new Uint8Array(4 * count + total);
  const p = packing(out, bytes);
  let at = 0;
  for (let i = from; i < from + count; i++) {
    if (valid && !valid(i)) continue;
    const d = Number(index[i]!);
    at = putValue(p, at, offsets[d]!, offsets[d + 1]! - offsets[d]!);
  }
  return [out.subarray(0, at)];
}

const MICROS_PER: Record<number, bigint> = { [TimeUnit.SECOND]: 1_000_000n, [TimeUnit.MILLISECOND]: 1000n };

/** The Parquet column for an Arrow field, or undefined when this writer does not handle its type. */
export function parquetColumnFor(field: Field): ParquetColumn | undefined {
  const t = field.type;
  const base = { name: field.name, optional: field.nullable };
  if (DataType.isBool(t)) return { ...base, physical: Physical.BOOLEAN, values: booleans };
  if (DataType.isInt(t)) {
    if (t.bitWidth === 64) return { ...base, physical: Physical.INT64, ...(t.isSigned ? {} : { converted: Converted.UINT_64 }), values: sameWidth };
    if (t.bitWidth === 32) return { ...base, physical: Physical.INT32, ...(t.isSigned ? {} : { converted: Converted.UINT_32 }), values: sameWidth };
    const annotation = t.isSigned ? (t.bitWidth === 8 ? Converted.INT_8 : Converted.INT_16) : t.bitWidth === 8 ? Converted.UINT_8 : Converted.UINT_16;
    return { ...base, physical: Physical.INT32, converted: annotation, values: converted((n) => new Int32Array(n), (d, i) => (d.values as unknown as ArrayLike<number>)[i]!) };
  }
  if (DataType.isFloat(t)) {
    if (t.precision === Precision.SINGLE) return { ...base, physical: Physical.FLOAT, values: sameWidth };
    if (t.precision === Precision.DOUBLE) return { ...base, physical: Physical.DOUBLE, values: sameWidth };
    return undefined;
  }
  if (DataType.isUtf8(t)) return { ...base, physical: Physical.BYTE_ARRAY, converted: Converted.UTF8, values: strings };
  if (DataType.isBinary(t)) return { ...base, physical: Physical.BYTE_ARRAY, values: strings };
  if (DataType.isDictionary(t) && DataType.isUtf8(t.dictionary)) return { ...base, physical: Physical.BYTE_ARRAY, converted: Converted.UTF8, values: dictionaryStrings };
  if (DataType.isDate(t)) {
    if (t.unit === DateUnit.DAY) return { ...base, physical: Physical.INT32, converted: Converted.DATE, values: sameWidth };
    return { ...base, physical: Physical.INT32, converted: Converted.DATE, values: converted((n) => new Int32Array(n), (d, i) => Math.floor(Number((d.values as unknown as ArrayLike<number | bigint>)[i]!) / 86_400_000)) };
  }
  if (DataType.isTimestamp(t)) {
    const micros: ParquetColumn = { ...base, physical: Physical.INT64, converted: Converted.TIMESTAMP_MICROS, values: sameWidth };
    if (t.unit === TimeUnit.MICROSECOND) return micros;
    const raw = (d: Data, i: number) => BigInt((d.values as unknown as ArrayLike<number | bigint>)[i]!);
    const scale = t.unit === TimeUnit.NANOSECOND ? (d: Data, i: number) => raw(d, i) / 1000n : (d: Data, i: number) => raw(d, i) * MICROS_PER[t.unit]!;
    return { ...micros, values: converted((n) => new BigInt64Array(n), scale) };
  }
  return undefined;
}
