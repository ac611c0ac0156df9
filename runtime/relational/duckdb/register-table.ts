/**
 * Arrow tables into DuckDB, as temporary tables filled through an appender one 2048-row data chunk at a
 * time. Values are copied straight into the chunks' vectors (numbers and tensors as blocks of memory,
 * strings one by one), never as JavaScript values per cell. Tensor columns become nested fixed-size
 * ARRAYs of their shape, so a tensor that passes through SQL comes back with its shape.
 */
import { DataType, DateUnit, Precision, TimeUnit, Vector, type Data, type Field, type Table } from 'apache-arrow';
import type { DuckDBConnection, DuckDBType } from '@duckdb/node-api';
import { tensorShape } from '../arrow/tensor-field.js';
import { validReader } from '../arrow/numeric-values.js';
import { DataError } from '../types.js';
import { duckdb, type DuckDBApi, type DuckDBBindings } from './session.js';
import { quoteIdent } from './sql-text.js';

type RawVector = Parameters<DuckDBBindings['vector_get_data']>[0];

/** How one Arrow column is written: its DuckDB type and a writer for rows [start, start + count) of a chunk. */
interface ColumnWriter {
  type: DuckDBType;
  write(vector: RawVector, data: Data, start: number, count: number): void;
}

/** Creates temporary table `name` holding `table` (or only `columns` of it, in that order). */
export async function registerTable(connection: DuckDBConnection, name: string, table: Table, columns?: readonly string[]): Promise<void> {
  const { api, bindings } = await duckdb();
  const indexes = columns ? columns.map((c) => table.schema.fields.findIndex((f) => f.name === c)) : table.schema.fields.map((_, i) => i);
  const fields = indexes.map((i) => table.schema.fields[i]!);
  const writers = fields.map((f) => writerFor(f, api, bindings));
  const ddl = fields.map((f, i) => `${quoteIdent(f.name)} ${writers[i]!.type.toString()}`).join(', ');
  await connection.run(`CREATE TEMP TABLE ${quoteIdent(name)} (${ddl})`);
  if (table.numRows === 0) return;
  const appender = await connection.createAppender(name);
  const size = bindings.vector_size();
  try {
    for (const batch of table.batches) {
      for (let start = 0; start < batch.numRows; start += size) {
        const count = Math.min(size, batch.numRows - start);
        const chunk = api.DuckDBDataChunk.create(writers.map((w) => w.type), count);
        indexes.forEach((column, i) => {
          const data = batch.data.children[column] as Data;
          const vector = bindings.data_chunk_get_vector(chunk.chunk, i);
          writers[i]!.write(vector, data, start, count);
          writeValidity(bindings, vector, data, start, count);
        });
        chunk.rowCount = count;
        appender.appendDataChunk(chunk);
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

function writeValidity(bindings: DuckDBBindings, vector: RawVector, data: Data, start: number, count: number): void {
  if (data.nullCount === 0) return;
  const valid = validReader(data);
  const words = new Uint8Array(Math.ceil(count / 64) * 8);
  for (let i = 0; i < count; i++) if (valid(start + i)) words[i >> 3]! |= 1 << (i & 7);
  bindings.vector_ensure_validity_writable(vector);
  bindings.copy_data_to_vector_validity(vector, 0, words.buffer, 0, words.byteLength);
}

/**
 * DuckDB's bindings take only plain ArrayBuffers; a column read into shared memory (result-to-arrow.ts)
 * passes through a scratch buffer, one vector (2048 rows) at a time.
 */
let scratch = new ArrayBuffer(0);
function unshared(view: ArrayBufferView): { buffer: ArrayBuffer; byteOffset: number } {
  if (!(view.buffer instanceof SharedArrayBuffer)) return { buffer: view.buffer as ArrayBuffer, byteOffset: view.byteOffset };
  if (scratch.byteLength < view.byteLength) scratch = new ArrayBuffer(Math.max(view.byteLength, 2 * scratch.byteLength));
  new Uint8Array(scratch, 0, view.byteLength).set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return { buffer: scratch, byteOffset: 0 };
}

const copyView = (bindings: DuckDBBindings, vector: RawVector, view: ArrayBufferView): void => {
  const { buffer, byteOffset } = unshared(view);
  bindings.copy_data_to_vector(vector, 0, buffer, byteOffset, view.byteLength);
};

type Sliceable = ArrayBufferView & { subarray(a: number, b: number): ArrayBufferView };

function writerFor(field: Field, api: DuckDBApi, bindings: DuckDBBindings): ColumnWriter {
  const t = field.type;
  const T = api;
  /** Values already in DuckDB's layout: one block copy. */
  const block = (type: DuckDBType): ColumnWriter => ({
    type,
    write(vector, data, start, count) {
      copyView(bindings, vector, (data.values as unknown as Sliceable).subarray(start * data.stride, (start + count) * data.stride));
    },
  });
  /** Values converted one by one into a typed array of DuckDB's layout. */
  const converted = (type: DuckDBType, make: (n: number) => ArrayBufferView & { [i: number]: number | bigint }, value: (v: Vector, row: number) => number | bigint): ColumnWriter => ({
    type,
    write(vector, data, start, count) {
      const v = new Vector([data]);
      const valid = validReader(data);
      const out = make(count);
      for (let i = 0; i < count; i++) if (valid(start + i)) out[i] = value(v, start + i);
      copyView(bindings, vector, out);
    },
  });

  if (DataType.isDictionary(t)) {
    return {
      type: T.VARCHAR,
      write(vector, data, start, count) {
        const v = new Vector([data]);
        const encoder = new TextEncoder();
        for (let i = 0; i < count; i++) {
          const s = v.get(start + i);
          if (s !== null && s !== undefined) bindings.vector_assign_string_element_len(vector, i, encoder.encode(String(s)));
        }
      },
    };
  }
  if (DataType.isBool(t)) {
    return {
      type: T.BOOLEAN,
      write(vector, data, start, count) {
        const out = new Uint8Array(count);
        const bits = data.values as Uint8Array;
        for (let i = 0; i < count; i++) {
          const bit = data.offset + start + i;
          out[i] = (bits[bit >> 3]! >> (bit & 7)) & 1;
        }
        copyView(bindings, vector, out);
      },
    };
  }
  if (DataType.isInt(t)) {
    const types: Record<string, DuckDBType> = {
      's8': T.TINYINT, 's16': T.SMALLINT, 's32': T.INTEGER, 's64': T.BIGINT, 'u8': T.UTINYINT, 'u16': T.USMALLINT, 'u32': T.UINTEGER, 'u64': T.UBIGINT,
    };
    return block(types[`${t.isSigned ? 's' : 'u'}${t.bitWidth}`]!);
  }
  if (DataType.isFloat(t)) {
    if (t.precision === Precision.SINGLE) return block(T.FLOAT);
    if (t.precision === Precision.DOUBLE) return block(T.DOUBLE);
    return converted(T.FLOAT, (n) => new Float32Array(n), (v, r) => v.get(r) as number);
  }
  if (DataType.isDecimal(t)) return converted(T.DOUBLE, (n) => new Float64Array(n), (v, r) => Number(v.get(r)));
  if (DataType.isDate(t)) {
    // Arrow's getter gives milliseconds since the epoch for both date units; DuckDB keeps days.
    if (t.unit === DateUnit.DAY) return block(T.DATE);
    return converted(T.DATE, (n) => new Int32Array(n), (v, r) => Math.floor((v.get(r) as number) / 86_400_000));
  }
  if (DataType.isTimestamp(t)) {
    const toMicros = { [TimeUnit.SECOND]: (x: bigint) => x * 1_000_000n, [TimeUnit.MILLISECOND]: (x: bigint) => x * 1000n, [TimeUnit.MICROSECOND]: (x: bigint) => x, [TimeUnit.NANOSECOND]: (x: bigint) => x / 1000n }[t.unit];
    if (t.unit === TimeUnit.MICROSECOND) return block(T.TIMESTAMP);
    return {
      type: T.TIMESTAMP,
      write(vector, data, start, count) {
        const raw = data.values as unknown as BigInt64Array;
        const out = new BigInt64Array(count);
        for (let i = 0; i < count; i++) out[i] = toMicros(raw[start + i]!);
        copyView(bindings, vector, out);
      },
    };
  }
  if (DataType.isUtf8(t) || DataType.isBinary(t)) {
    // DuckDB keeps a string of up to 12 bytes inside its 16-byte entry (length, then the bytes, zero
    // padded): those are written as one block of entries, and only longer ones one call each (their bytes
    // must live in the vector's own heap). One native call per string was most of an export's time.
    const entries = new Uint8Array(16 * bindings.vector_size());
    const lengths = new DataView(entries.buffer);
    return {
      type: DataType.isUtf8(t) ? T.VARCHAR : T.BLOB,
      write(vector, data, start, count) {
        const offsets = data.valueOffsets as Int32Array;
        const bytes = data.values as Uint8Array;
        const shared = bytes.buffer instanceof SharedArrayBuffer;
        const valid = validReader(data);
        entries.fill(0, 0, 16 * count);
        let long = false;
        for (let i = 0; i < count; i++) {
          const r = start + i;
          if (!valid(r)) continue;
          const from = offsets[r]!;
          const len = offsets[r + 1]! - from;
          if (len > 12) {
            long = true;
            continue;
          }
          lengths.setUint32(16 * i, len, true);
          for (let b = 0; b < len; b++) entries[16 * i + 4 + b] = bytes[from + b]!;
        }
        bindings.copy_data_to_vector(vector, 0, entries.buffer, 0, 16 * count);
        if (!long) return;
        for (let i = 0; i < count; i++) {
          const r = start + i;
          // slice, not subarray, for bytes in shared memory (the bindings refuse a view of a SharedArrayBuffer).
          if (valid(r) && offsets[r + 1]! - offsets[r]! > 12) bindings.vector_assign_string_element_len(vector, i, shared ? bytes.slice(offsets[r]!, offsets[r + 1]!) : bytes.subarray(offsets[r]!, offsets[r + 1]!));
        }
      },
    };
  }
  if (DataType.isFixedSizeList(t)) {
    const shape = tensorShape(field)!;
    const element = t.valueType;
    const leaf = DataType.isFloat(element) && element.precision === Precision.SINGLE ? T.FLOAT
      : DataType.isFloat(element) && element.precision === Precision.DOUBLE ? T.DOUBLE
      : DataType.isInt(element) ? ({ 8: element.isSigned ? T.TINYINT : T.UTINYINT, 16: element.isSigned ? T.SMALLINT : T.USMALLINT, 32: element.isSigned ? T.INTEGER : T.UINTEGER, 64: element.isSigned ? T.BIGINT : T.UBIGINT } as Record<number, DuckDBType>)[element.bitWidth]
      : undefined;
    if (leaf) {
      let type: DuckDBType = leaf;
      for (let d = shape.length - 1; d >= 0; d--) type = T.ARRAY(type, shape[d]!);
      const size = t.listSize;
      return {
        type,
        write(vector, data, start, count) {
          let child = vector;
          for (let d = 0; d < shape.length; d++) child = bindings.array_vector_get_child(child);
          const values = data.children[0]!;
          copyView(bindings, child, (values.values as unknown as Sliceable).subarray(start * size * values.stride, (start + count) * size * values.stride));
          if (values.nullCount > 0) writeValidity(bindings, child, values, start * size, count * size);
        },
      };
    }
  }
  throw new DataError(`column '${field.name}' has type ${t}, which cannot be used in SQL here`);
}
