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
import type { DuckDBDataChunk, DuckDBResult, DuckDBType } from '@duckdb/node-api';
import { makeBatch, makeTable } from '../arrow/table-parts.js';
import { aligned, BATCHED, MAX_BATCH_STRING_BYTES, type Collector, type Sizing } from './collectors/collector.js';
import { boolCollector, decimalsToDoubles, fixedCollector, hugeintsToDoubles, nullCollector, type Convert } from './collectors/numbers.js';
import { printedCollector, stringCollector } from './collectors/strings.js';
import { arrayCollector } from './collectors/tensors.js';
import { duckdb, type DuckDBApi, type DuckDBBindings } from './session.js';


/**
 * A materialized result of at most this many rows becomes one record batch of SharedArrayBuffers, each
 * column allocated once at its final size: a join then reads it in place where it had to copy the batches
 * into one shared buffer first (10M rows of four numbers: 0.24 s and 0.3 GiB of fresh memory).
 */
const ONE_BATCH_MAX_ROWS = 1 << 24;

export async function resultToTable(result: DuckDBResult, names?: readonly string[]): Promise<Table> {
  const { api, bindings } = await duckdb();
  const types = result.columnTypes();
  const columnNames = names ?? result.deduplicatedColumnNames();
  const total = result instanceof api.DuckDBMaterializedResult ? result.rowCount : undefined;
  const sizing: Sizing = total !== undefined && total > 0 && total <= ONE_BATCH_MAX_ROWS ? { batchRows: total, shared: true } : BATCHED;
  const collectors = types.map((t, i) => collectorFor(t, columnNames[i]!, api, bindings, sizing));
  const strings = collectors.filter((c) => c.heldBytes !== undefined);
  const fields = collectors.map((c) => c.field);
  const schema = new Schema(fields);
  const batches: RecordBatch[] = [];
  let rows = 0;
  const flush = (): void => {
    if (rows === 0) return;
    batches.push(makeBatch(fields, collectors.map((c) => c.finish()), rows, schema));
    rows = 0;
  };
  const add = (chunk: DuckDBDataChunk): void => {
    const count = chunk.rowCount;
    collectors.forEach((c, i) => c.add(bindings.data_chunk_get_vector(chunk.chunk, i), count, chunk, i));
    rows += count;
    if (rows >= sizing.batchRows || strings.some((c) => c.heldBytes!() >= MAX_BATCH_STRING_BYTES)) flush();
  };
  if (result instanceof api.DuckDBMaterializedResult) {
    // A materialized result's chunks are read in a plain loop: an awaited fetch per 2048 rows cost more
    // than copying the rows did (10M rows of four numbers: 1.1 s, against 0.35 s this way).
    const handle = (result as unknown as { result: Parameters<DuckDBBindings['result_chunk_count']>[0] }).result;
    const chunks = bindings.result_chunk_count(handle);
    for (let i = 0; i < chunks; i++) {
      const chunk = new api.DuckDBDataChunk(bindings.result_get_chunk(handle, i));
      if (chunk.rowCount > 0) add(chunk);
    }
  } else {
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      add(chunk);
    }
  }
  flush();
  return makeTable(schema, batches);
}

function collectorFor(t: DuckDBType, name: string, api: DuckDBApi, bindings: DuckDBBindings, sizing: Sizing): Collector {
  const Id = api.DuckDBTypeId;
  const fixed = (type: DataType, bytes: number, view: (b: ArrayBuffer, n: number) => ArrayBufferView, convert?: Convert) =>
    fixedCollector(name, type, bytes, convert, bindings, view, sizing);
  switch (t.typeId) {
    case Id.BOOLEAN: return boolCollector(name, bindings);
    case Id.TINYINT: return fixed(new Int8(), 1, (b, n) => new Int8Array(b, 0, n));
    case Id.SMALLINT: return fixed(new Int16(), 2, (b, n) => new Int16Array(b, 0, n));
    case Id.INTEGER: return fixed(new Int32(), 4, (b, n) => new Int32Array(b, 0, n));
    case Id.BIGINT: return fixed(new Int64(), 8, (b, n) => new BigInt64Array(b, 0, n));
    case Id.UTINYINT: return fixed(new Uint8(), 1, (b, n) => new Uint8Array(b, 0, n));
    case Id.USMALLINT: return fixed(new Int32(), 2, (b, n) => new Int32Array(b, 0, n), (raw, n) => Int32Array.from(aligned(raw, Uint16Array, n)));
    case Id.UINTEGER: return fixed(new Int64(), 4, (b, n) => new BigInt64Array(b, 0, n), (raw, n) => BigInt64Array.from(aligned(raw, Uint32Array, n), (x) => BigInt(x)));
    case Id.UBIGINT: return fixed(new Int64(), 8, (b, n) => new BigInt64Array(b, 0, n));
    case Id.FLOAT: return fixed(new Float32(), 4, (b, n) => new Float32Array(b, 0, n));
    case Id.DOUBLE: return fixed(new Float64(), 8, (b, n) => new Float64Array(b, 0, n));
    case Id.DATE: return fixed(new DateDay(), 4, (b, n) => new Int32Array(b, 0, n));
    case Id.TIMESTAMP:
    case Id.TIMESTAMP_TZ: return fixed(new TimestampMicrosecond(), 8, (b, n) => new BigInt64Array(b, 0, n));
    case Id.TIMESTAMP_S: return fixed(new TimestampMicrosecond(), 8, (b, n) => new BigInt64Array(b, 0, n), (raw, n) => aligned(raw, BigInt64Array, n).map((x) => x * 1_000_000n));
    case Id.TIMESTAMP_MS: return fixed(new TimestampMicrosecond(), 8, (b, n) => new BigInt64Array(b, 0, n), (raw, n) => aligned(raw, BigInt64Array, n).map((x) => x * 1000n));
    case Id.TIMESTAMP_NS: return fixed(new TimestampMicrosecond(), 8, (b, n) => new BigInt64Array(b, 0, n), (raw, n) => aligned(raw, BigInt64Array, n).map((x) => x / 1000n));
    case Id.HUGEINT:
    case Id.UHUGEINT: {
      const signed = t.typeId === Id.HUGEINT;
      return fixed(new Float64(), 16, (b, n) => new Float64Array(b, 0, n), (raw, n) => hugeintsToDoubles(raw, n, signed));
    }
    case Id.DECIMAL: {
      const { width, scale } = t as unknown as { width: number; scale: number };
      const bytes = width <= 4 ? 2 : width <= 9 ? 4 : width <= 18 ? 8 : 16;
      return fixed(new Float64(), bytes, (b, n) => new Float64Array(b, 0, n), (raw, n) => decimalsToDoubles(raw, n, bytes, scale));
    }
    case Id.SQLNULL: return nullCollector(name);
    case Id.VARCHAR: return stringCollector(name, new Utf8(), bindings, sizing);
    case Id.BLOB: return stringCollector(name, new Binary(), bindings, sizing);
    case Id.ARRAY: {
      const tensor = arrayCollector(name, t, api, bindings);
      if (tensor) return tensor;
      return printedCollector(name);
    }
    default:
      return printedCollector(name);
  }
}
