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
  Binary, DataType, DateDay, Float32, Float64, Int16, Int32, Int64, Int8, Schema, TimestampMicrosecond, Uint8, Utf8,
  type RecordBatch, type Table,
} from 'apache-arrow';
import type { DuckDBResult, DuckDBType } from '@duckdb/node-api';
import { makeBatch, makeTable } from '../arrow/table-parts.js';
import { aligned, type Collector } from './collectors/collector.js';
import { boolCollector, decimalsToDoubles, fixedCollector, hugeintsToDoubles, nullCollector, type Convert } from './collectors/numbers.js';
import { printedCollector, stringCollector } from './collectors/strings.js';
import { arrayCollector } from './collectors/tensors.js';
import { duckdb, type DuckDBApi, type DuckDBBindings } from './session.js';

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
