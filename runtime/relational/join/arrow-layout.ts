/**
 * Arrow columns to layouts and back, in the driver thread (workers never see Arrow's classes). A column of
 * several record batches becomes one layout, its chunks copied end to end; with `alloc` = sharedAlloc that
 * copy is also the one that puts the rows where every worker can read them.
 */
import { Data, type DataType, type Field, Type, type Vector } from 'apache-arrow';
import { concatLayouts } from './concat.js';
import { gatherLayout } from './gather.js';
import { type Alloc, bitmapBytes, copyBits, type Layout, type LayoutBase, plainAlloc, shareLayout, sharedAlloc } from './layout.js';

/** A column type joins cannot carry (unions, view types): the caller turns this into a DataError. */
export class UnsupportedColumnError extends Error {}

/** One Arrow Data chunk as a layout, sharing its buffers where Arrow's slice offsets allow it. */
export function layoutFromData(data: Data): Layout {
  if (data.length === 0) return emptyLayout(data.type);
  const length = data.length;
  const nullCount = data.nullCount;
  const bitmap = data.nullBitmap;
  const validity = nullCount > 0 && bitmap !== undefined && bitmap !== null && bitmap.length > 0 ? bitsFrom(bitmap, data.offset, length) : null;
  const base: LayoutBase = { length, nullCount: validity === null ? 0 : nullCount, validity };
  const t = data.type;
  switch (t.typeId) {
    case Type.Null:
      return { ...base, kind: 'null', nullCount: length, validity: null };
    case Type.Int:
    case Type.Float:
    case Type.Decimal:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Interval:
    case Type.Duration:
    case Type.FixedSizeBinary:
    case Type.Dictionary: {
      const v = data.values as unknown as Uint8Array;
      const width = t.typeId === Type.Dictionary ? v.BYTES_PER_ELEMENT : v.BYTES_PER_ELEMENT * data.stride;
      return { ...base, kind: 'fixed', width, values: new Uint8Array(v.buffer, v.byteOffset, length * width) };
    }
    case Type.Bool:
      return { ...base, kind: 'bool', bits: bitsFrom(data.values as Uint8Array, data.offset, length) };
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return { ...base, kind: 'binary', offsets: offsets32(data.valueOffsets as Int32Array | BigInt64Array, length), data: data.values as Uint8Array };
    case Type.List:
    case Type.LargeList:
    case Type.Map:
      return { ...base, kind: 'list', offsets: offsets32(data.valueOffsets as Int32Array | BigInt64Array, length), child: layoutFromData(data.children[0]!) };
    case Type.FixedSizeList:
      return { ...base, kind: 'fixedList', size: (t as unknown as { listSize: number }).listSize, child: layoutFromData(data.children[0]!) };
    case Type.Struct:
      return { ...base, kind: 'struct', children: data.children.map(layoutFromData) };
    default:
      throw new UnsupportedColumnError(`columns of type ${String(t)} cannot go through a join`);
  }
}

/** A layout of no rows for a column type (Arrow's empty chunks may lack buffers and children). */
export function emptyLayout(t: DataType): Layout {
  const base: LayoutBase = { length: 0, nullCount: 0, validity: null };
  switch (t.typeId) {
    case Type.Null:
      return { ...base, kind: 'null' };
    case Type.Bool:
      return { ...base, kind: 'bool', bits: new Uint8Array(0) };
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return { ...base, kind: 'binary', offsets: new Int32Array(1), data: new Uint8Array(0) };
    case Type.List:
    case Type.LargeList:
    case Type.Map:
      return { ...base, kind: 'list', offsets: new Int32Array(1), child: emptyLayout(t.children[0]!.type) };
    case Type.FixedSizeList:
      return { ...base, kind: 'fixedList', size: (t as unknown as { listSize: number }).listSize, child: emptyLayout(t.children[0]!.type) };
    case Type.Struct:
      return { ...base, kind: 'struct', children: t.children.map((c) => emptyLayout(c.type)) };
    case Type.Dictionary: {
      const ix = (t as unknown as { indices: DataType }).indices;
      return { ...base, kind: 'fixed', width: (ix.ArrayType as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT, values: new Uint8Array(0) };
    }
    default: {
      const probe = new (t.ArrayType as unknown as new (n: number) => { BYTES_PER_ELEMENT: number })(0);
      if (![Type.Int, Type.Float, Type.Decimal, Type.Date, Type.Time, Type.Timestamp, Type.Interval, Type.Duration, Type.FixedSizeBinary].includes(t.typeId)) {
        throw new UnsupportedColumnError(`columns of type ${String(t)} cannot go through a join`);
      }
      const stride = t.typeId === Type.FixedSizeBinary ? (t as unknown as { byteWidth: number }).byteWidth : strideOf(t);
      return { ...base, kind: 'fixed', width: probe.BYTES_PER_ELEMENT * stride, values: new Uint8Array(0) };
    }
  }
}

function strideOf(t: DataType): number {
  if (t.typeId === Type.Decimal) return (t as unknown as { bitWidth: number }).bitWidth / 32;
  if (t.typeId === Type.Interval) {
    const unit = (t as unknown as { unit: number }).unit;
    return unit === 2 ? 4 : 1 + unit;
  }
  return 1;
}

function bitsFrom(bits: Uint8Array, offset: number, length: number): Uint8Array {
  if ((offset & 7) === 0) return bits.subarray(offset >>> 3, (offset >>> 3) + bitmapBytes(length));
  const out = new Uint8Array(bitmapBytes(length));
  copyBits(out, 0, bits, offset, length);
  return out;
}

function offsets32(o: Int32Array | BigInt64Array, length: number): Int32Array {
  if (o instanceof Int32Array) return o.subarray(0, length + 1);
  const out = new Int32Array(length + 1);
  for (let i = 0; i <= length; i++) {
    const v = Number(o[i]!);
    if (v > 0x7fffffff) throw new UnsupportedColumnError('a column of more than 2 GiB of strings or list values cannot go through a join');
    out[i] = v;
  }
  return out;
}

export interface ColumnOf {
  layout: Layout;
  type: DataType;
  /** The dictionary of a dictionary-encoded column, whose layout then holds the indices. */
  dictionary?: Vector;
}

/**
 * A whole column as one layout. Dictionary columns keep their indices when every chunk shares one
 * dictionary, and are decoded to their values otherwise. `shared`: true puts the column in shared memory;
 * 'copies' puts it there only when it has to be copied anyway (several chunks joined end to end), so that
 * copy is also the one worker threads read, while a column of one chunk stays where it is.
 */
export function columnOf(vector: Vector, field: Field, shared: boolean | 'copies'): ColumnOf {
  const chunks = vector.data;
  const alloc: Alloc = shared ? sharedAlloc : plainAlloc;
  if (field.type.typeId === Type.Dictionary) {
    const dict = chunks[0]?.dictionary;
    if (dict !== undefined && chunks.every((c) => c.dictionary === dict)) return { layout: joined(chunks.map(layoutFromData), field.type, alloc, shared), type: field.type, dictionary: dict };
    const values = (field.type as unknown as { dictionary: DataType }).dictionary;
    return { layout: joined(chunks.map(decodeDictionary), values, alloc, shared), type: values };
  }
  return { layout: joined(chunks.map(layoutFromData), field.type, alloc, shared), type: field.type };
}

/** Each record batch's rows of a column as its own layout (partitions that stay where they are). */
export function chunksOf(vector: Vector, field: Field, shared: boolean): ColumnOf[] {
  return vector.data.map((d) => {
    if (field.type.typeId === Type.Dictionary) {
      const layout = decodeDictionary(d);
      return { layout: shared ? shareLayout(layout) : layout, type: (field.type as unknown as { dictionary: DataType }).dictionary };
    }
    const layout = layoutFromData(d);
    return { layout: shared ? shareLayout(layout) : layout, type: field.type };
  });
}

/**
 * Each record batch's rows of a column as its own layout, over Arrow's buffers (no copy): dictionary
 * columns keep their indices when every batch shares one dictionary, as columnOf does, so the output can
 * hand the batches on as they were.
 */
export function batchColumns(vector: Vector, field: Field): ColumnOf[] {
  const chunks = vector.data;
  const dict = chunks[0]?.dictionary;
  if (field.type.typeId === Type.Dictionary && dict !== undefined && chunks.every((c) => c.dictionary === dict)) {
    return chunks.map((d) => ({ layout: layoutFromData(d), type: field.type, dictionary: dict }));
  }
  return chunksOf(vector, field, false);
}

function joined(parts: Layout[], type: DataType, alloc: Alloc, shared: boolean | 'copies'): Layout {
  if (parts.length === 0) return emptyLayout(type);
  if (parts.length === 1) return shared === true ? shareLayout(parts[0]!) : parts[0]!;
  return concatLayouts(parts, alloc);
}

/** A dictionary-encoded chunk as its values. */
export function decodeDictionary(d: Data): Layout {
  const indices = d.values as unknown as ArrayLike<number | bigint>;
  const idx = new Int32Array(d.length);
  const validity = d.nullCount > 0 ? bitsFrom(d.nullBitmap!, d.offset, d.length) : null;
  for (let i = 0; i < d.length; i++) idx[i] = validity !== null && ((validity[i >>> 3]! >>> (i & 7)) & 1) === 0 ? -1 : Number(indices[i]!);
  const dict = d.dictionary!;
  const values = concatLayouts(dict.data.map(layoutFromData), plainAlloc);
  return gatherLayout(values, idx, 0, d.length, plainAlloc);
}

/** An Arrow Data chunk over a layout's buffers (no copy, except 64-bit offsets for the Large types). */
export function dataFromLayout(l: Layout, type: DataType, dictionary?: Vector): Data {
  const nullBitmap = l.validity ?? new Uint8Array(0);
  const typed = (values: Uint8Array): unknown => {
    const Ctor = (type.typeId === Type.Dictionary ? (type as unknown as { indices: DataType }).indices.ArrayType : type.ArrayType) as unknown as {
      new (b: ArrayBufferLike, o: number, n: number): unknown;
      BYTES_PER_ELEMENT: number;
    };
    return new Ctor(values.buffer, values.byteOffset, values.byteLength / Ctor.BYTES_PER_ELEMENT);
  };
  const large = type.typeId === Type.LargeUtf8 || type.typeId === Type.LargeBinary || type.typeId === Type.LargeList;
  const offsets = (o: Int32Array): Int32Array | BigInt64Array => (large ? BigInt64Array.from(o, (x) => BigInt(x)) : o);
  const make = (buffers: unknown[], children: Data[] = []): Data => new Data(type, 0, l.length, l.nullCount, buffers as never, children, dictionary);
  switch (l.kind) {
    case 'null':
      return new Data(type, 0, l.length, l.length);
    case 'fixed':
      return make([undefined, typed(l.values), nullBitmap]);
    case 'bool':
      return make([undefined, l.bits, nullBitmap]);
    case 'binary':
      return make([offsets(l.offsets), l.data, nullBitmap]);
    case 'list':
      return make([offsets(l.offsets), undefined, nullBitmap], [dataFromLayout(l.child, type.children[0]!.type)]);
    case 'fixedList':
      return make([undefined, undefined, nullBitmap], [dataFromLayout(l.child, type.children[0]!.type)]);
    case 'struct':
      return make([undefined, undefined, nullBitmap], l.children.map((c, i) => dataFromLayout(c, type.children[i]!.type)));
  }
}
