/**
 * DuckDB results as Arrow tables. Vectors are read from DuckDB's own memory (the raw data and validity of
 * each column of each 2048-row chunk) and copied into Arrow buffers, so numbers, strings and fixed-size
 * arrays cross without a JavaScript value per row. Types map onto the spec's column types:
 * - integers and floats keep their width; unsigned 16/32/64-bit integers widen to int32/int64/int64, as the
 *   inspector reads them; DECIMAL and HUGEINT become float64;
 * - DATE is days, TIMESTAMP (any unit, with or without zone) microseconds;
 * - a numeric ARRAY (nested or not) is a tensor column of its shape, elements float32, uint8 or int32;
 * - a NULL-typed column (DuckDB itself types a bare NULL as INTEGER) is float64;
 * - anything else (lists, structs, maps, times, intervals, UUIDs, enums, blobs) is read as DuckDB prints it.
 */
import {
  Binary, Bool, DataType, DateDay, Field, Float32, Float64, Int16, Int32, Int64, Int8, makeData, Schema, TimestampMicrosecond, Uint8, Utf8,
  type Data, type RecordBatch, type Table,
} from 'apache-arrow';
import type { DuckDBDataChunk, DuckDBResult, DuckDBType } from '@duckdb/node-api';
import { makeBatch, makeTable } from '../arrow/table-parts.js';
import { tensorField, tensorType, type TensorDtype } from '../arrow/tensor-field.js';
import { utf8FromStrings } from '../arrow/utf8.js';
import { GrowableBytes } from './growable.js';
import { duckdb, type DuckDBApi, type DuckDBBindings } from './session.js';

type RawVector = Parameters<DuckDBBindings['vector_get_data']>[0];

/** Rows per Arrow record batch (DuckDB hands out 2048 at a time). */
const BATCH_ROWS = 1 << 16;

export async function resultToTable(result: DuckDBResult, names?: readonly string[]): Promise<Table> {
  const { api, bindings } = await duckdb();
  const types = result.columnTypes();
  const columnNames = names ?? result.deduplicatedColumnNames();
  const collectors = types.map((t, i) => collectorFor(t, columnNames[i]!, api, bindings));
  const fields = collectors.map((c) => c.field);
  const schema = new Schema(fields);
  const batches: RecordBatch[] = [];
  let rows = 0;
  const flush = (): void => {
    if (rows === 0) return;
    batches.push(makeBatch(fields, collectors.map((c) => c.finish()), rows, schema));
    rows = 0;
  };
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const count = chunk.rowCount;
    collectors.forEach((c, i) => c.add(bindings.data_chunk_get_vector(chunk.chunk, i), count, chunk, i));
    rows += count;
    if (rows >= BATCH_ROWS) flush();
  }
  flush();
  return makeTable(schema, batches);
}

interface Collector {
  field: Field;
  add(vector: RawVector, count: number, chunk: DuckDBDataChunk, column: number): void;
  finish(): Data;
}

/** Validity bits of a whole column: DuckDB's 64-bit words (LSB first, as Arrow's) appended chunk after chunk. */
class ValidityCollector {
  private buffer = new Uint8Array(1 << 10);
  private length = 0;
  nullCount = 0;

  constructor(private readonly bindings: DuckDBBindings) {}

  add(vector: RawVector, count: number): void {
    const raw = this.bindings.vector_get_validity(vector, Math.ceil(count / 64) * 8);
    const start = this.length;
    this.grow(start + count);
    const bytes = this.buffer;
    for (let i = 0; i < count; i++) {
      const bit = start + i;
      if (!raw || ((raw[i >> 3]! >> (i & 7)) & 1) === 1) bytes[bit >> 3]! |= 1 << (bit & 7);
      else this.nullCount++;
    }
    this.length += count;
  }

  private grow(bitLength: number): void {
    const need = (bitLength + 7) >> 3;
    if (need <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < need) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer);
    this.buffer = next;
  }

  finish(): { nullBitmap?: Uint8Array; nullCount: number } {
    const out = this.nullCount > 0 ? { nullBitmap: this.buffer.slice(0, (this.length + 7) >> 3), nullCount: this.nullCount } : { nullCount: 0 };
    this.buffer = new Uint8Array(1 << 10);
    this.length = 0;
    this.nullCount = 0;
    return out;
  }
}

type Convert = (raw: Uint8Array, count: number) => ArrayBufferView;

/** A fixed-width column: each chunk's values converted (or not) and appended. */
function fixedCollector(name: string, type: DataType, bytesPerValue: number, convert: Convert | undefined, bindings: DuckDBBindings, view: (b: ArrayBuffer) => ArrayBufferView): Collector {
  const values = new GrowableBytes();
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
      const data = view(values.take()) as ArrayBufferView & { length: number };
      return makeData({ type, length: data.length, data, ...v } as never);
    },
  };
}

const aligned = <T>(raw: Uint8Array, Ctor: new (b: ArrayBuffer, o: number, n: number) => T, n: number): T =>
  raw.byteOffset % 8 === 0 ? new Ctor(raw.buffer as ArrayBuffer, raw.byteOffset, n) : new Ctor(raw.slice().buffer as ArrayBuffer, 0, n);

function collectorFor(t: DuckDBType, name: string, api: DuckDBApi, bindings: DuckDBBindings): Collector {
  const Id = api.DuckDBTypeId;
  const fixed = (type: DataType, bytes: number, view: (b: ArrayBuffer) => ArrayBufferView, convert?: Convert) =>
    fixedCollector(name, type, bytes, convert, bindings, view);
  switch (t.typeId) {
    case Id.BOOLEAN: return boolCollector(name, bindings);
    case Id.TINYINT: return fixed(new Int8(), 1, (b) => new Int8Array(b));
    case Id.SMALLINT: return fixed(new Int16(), 2, (b) => new Int16Array(b));
    case Id.INTEGER: return fixed(new Int32(), 4, (b) => new Int32Array(b));
    case Id.BIGINT: return fixed(new Int64(), 8, (b) => new BigInt64Array(b));
    case Id.UTINYINT: return fixed(new Uint8(), 1, (b) => new Uint8Array(b));
    case Id.USMALLINT: return fixed(new Int32(), 2, (b) => new Int32Array(b), (raw, n) => Int32Array.from(aligned(raw, Uint16Array, n)));
    case Id.UINTEGER: return fixed(new Int64(), 4, (b) => new BigInt64Array(b), (raw, n) => BigInt64Array.from(aligned(raw, Uint32Array, n), (x) => BigInt(x)));
    case Id.UBIGINT: return fixed(new Int64(), 8, (b) => new BigInt64Array(b));
    case Id.FLOAT: return fixed(new Float32(), 4, (b) => new Float32Array(b));
    case Id.DOUBLE: return fixed(new Float64(), 8, (b) => new Float64Array(b));
    case Id.DATE: return fixed(new DateDay(), 4, (b) => new Int32Array(b));
    case Id.TIMESTAMP:
    case Id.TIMESTAMP_TZ: return fixed(new TimestampMicrosecond(), 8, (b) => new BigInt64Array(b));
    case Id.TIMESTAMP_S: return fixed(new TimestampMicrosecond(), 8, (b) => new BigInt64Array(b), (raw, n) => aligned(raw, BigInt64Array, n).map((x) => x * 1_000_000n));
    case Id.TIMESTAMP_MS: return fixed(new TimestampMicrosecond(), 8, (b) => new BigInt64Array(b), (raw, n) => aligned(raw, BigInt64Array, n).map((x) => x * 1000n));
    case Id.TIMESTAMP_NS: return fixed(new TimestampMicrosecond(), 8, (b) => new BigInt64Array(b), (raw, n) => aligned(raw, BigInt64Array, n).map((x) => x / 1000n));
    case Id.HUGEINT:
    case Id.UHUGEINT: {
      const signed = t.typeId === Id.HUGEINT;
      return fixed(new Float64(), 16, (b) => new Float64Array(b), (raw, n) => hugeintsToDoubles(raw, n, signed));
    }
    case Id.DECIMAL: {
      const { width, scale } = t as unknown as { width: number; scale: number };
      const bytes = width <= 4 ? 2 : width <= 9 ? 4 : width <= 18 ? 8 : 16;
      return fixed(new Float64(), bytes, (b) => new Float64Array(b), (raw, n) => decimalsToDoubles(raw, n, bytes, scale));
    }
    case Id.SQLNULL: return nullCollector(name);
    case Id.VARCHAR: return stringCollector(name, new Utf8(), bindings);
    case Id.BLOB: return stringCollector(name, new Binary(), bindings);
    case Id.ARRAY: {
      const tensor = arrayCollector(name, t, api, bindings);
      if (tensor) return tensor;
      return printedCollector(name);
    }
    default:
      return printedCollector(name);
  }
}

function hugeintsToDoubles(raw: Uint8Array, n: number, signed: boolean): Float64Array {
  const view = new DataView(raw.buffer, raw.byteOffset, n * 16);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lower = view.getBigUint64(i * 16, true);
    const upper = signed ? view.getBigInt64(i * 16 + 8, true) : view.getBigUint64(i * 16 + 8, true);
    out[i] = Number((upper << 64n) + lower);
  }
  return out;
}

function decimalsToDoubles(raw: Uint8Array, n: number, bytes: number, scale: number): Float64Array {
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

function boolCollector(name: string, bindings: DuckDBBindings): Collector {
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

function nullCollector(name: string): Collector {
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

/** VARCHAR and BLOB: 16-byte string_t entries, the bytes inline up to 12, else behind a pointer. */
function stringCollector(name: string, type: Utf8 | Binary, bindings: DuckDBBindings): Collector {
  const data = new GrowableBytes();
  let offsets: number[] = [0];
  const validity = new ValidityCollector(bindings);
  return {
    field: new Field(name, type, true),
    add(vector, count) {
      const entries = bindings.vector_get_data(vector, count * 16);
      const view = new DataView(entries.buffer, entries.byteOffset, entries.byteLength);
      const valid = bindings.vector_get_validity(vector, Math.ceil(count / 64) * 8);
      for (let i = 0; i < count; i++) {
        if (!valid || ((valid[i >> 3]! >> (i & 7)) & 1) === 1) {
          const len = view.getUint32(i * 16, true);
          data.append(len <= 12
            ? new Uint8Array(entries.buffer, entries.byteOffset + i * 16 + 4, len)
            : bindings.get_data_from_pointer(entries.buffer as ArrayBuffer, entries.byteOffset + i * 16 + 8, len));
        }
        offsets.push(data.length);
      }
      validity.add(vector, count);
    },
    finish() {
      const valueOffsets = Int32Array.from(offsets);
      offsets = [0];
      return makeData({ type, length: valueOffsets.length - 1, valueOffsets, data: new Uint8Array(data.take()), ...validity.finish() } as never);
    },
  };
}

/** Nested fixed-size arrays of numbers as one flat tensor column: shape outermost first. */
function arrayCollector(name: string, t: DuckDBType, api: DuckDBApi, bindings: DuckDBBindings): Collector | undefined {
  const Id = api.DuckDBTypeId;
  const shape: number[] = [];
  let leaf: DuckDBType = t;
  while (leaf.typeId === Id.ARRAY) {
    const a = leaf as unknown as { valueType: DuckDBType; length: number };
    shape.push(a.length);
    leaf = a.valueType;
  }
  const element = tensorElement(leaf.typeId, Id);
  if (!element) return undefined;
  const size = shape.reduce((x, y) => x * y, 1);
  const values = new GrowableBytes();
  const validity = new ValidityCollector(bindings);
  const elementValidity = new ValidityCollector(bindings);
  const type = tensorType(element.dtype, shape);
  return {
    field: tensorField(name, element.dtype, shape, true),
    add(vector, count) {
      let child = vector;
      for (let d = 0; d < shape.length; d++) child = bindings.array_vector_get_child(child);
      const raw = bindings.vector_get_data(child, count * size * element.bytes);
      values.appendView(element.convert(raw, count * size));
      validity.add(vector, count);
      elementValidity.add(child, count * size);
    },
    finish() {
      const rows = validity.finish();
      const elements = elementValidity.finish();
      const buffer = values.take();
      const data = element.view(buffer);
      const child = makeData({ type: type.children[0]!.type, length: data.length, data, ...elements } as never);
      return makeData({ type, length: data.length / size, child, ...rows } as never);
    },
  };
}

interface TensorElement {
  dtype: TensorDtype;
  bytes: number;
  convert: (raw: Uint8Array, n: number) => ArrayBufferView;
  view: (b: ArrayBuffer) => Uint8Array | Int32Array | Float32Array;
}

function tensorElement(id: number, Id: DuckDBApi['DuckDBTypeId']): TensorElement | undefined {
  const asIs = (raw: Uint8Array): Uint8Array => raw;
  const toInt32 = <T extends ArrayLike<number | bigint>>(Ctor: new (b: ArrayBuffer, o: number, n: number) => T) => (raw: Uint8Array, n: number) =>
    Int32Array.from(aligned(raw, Ctor, n) as ArrayLike<number>, Number);
  const int32View = (b: ArrayBuffer) => new Int32Array(b);
  switch (id) {
    case Id.FLOAT: return { dtype: 'float32', bytes: 4, convert: asIs, view: (b) => new Float32Array(b) };
    case Id.DOUBLE: return { dtype: 'float32', bytes: 8, convert: (raw, n) => Float32Array.from(aligned(raw, Float64Array, n)), view: (b) => new Float32Array(b) };
    case Id.UTINYINT: return { dtype: 'uint8', bytes: 1, convert: asIs, view: (b) => new Uint8Array(b) };
    case Id.INTEGER: return { dtype: 'int32', bytes: 4, convert: asIs, view: int32View };
    case Id.TINYINT: return { dtype: 'int32', bytes: 1, convert: toInt32(Int8Array), view: int32View };
    case Id.SMALLINT: return { dtype: 'int32', bytes: 2, convert: toInt32(Int16Array), view: int32View };
    case Id.USMALLINT: return { dtype: 'int32', bytes: 2, convert: toInt32(Uint16Array), view: int32View };
    case Id.UINTEGER: return { dtype: 'int32', bytes: 4, convert: toInt32(Uint32Array), view: int32View };
    case Id.BIGINT: return { dtype: 'int32', bytes: 8, convert: toInt32(BigInt64Array), view: int32View };
    default: return undefined;
  }
}

/** Values with no Arrow counterpart here, as text in DuckDB's own printed form. */
function printedCollector(name: string): Collector {
  let strings: (string | null)[] = [];
  return {
    field: new Field(name, new Utf8(), true),
    add(_vector, count, chunk, column) {
      const v = chunk.getColumnVector(column);
      for (let i = 0; i < count; i++) {
        const item = v.getItem(i);
        strings.push(item === null ? null : String(item));
      }
    },
    finish() {
      const out = utf8FromStrings(strings);
      strings = [];
      return out;
    },
  };
}
