/**
 * DuckDB type names (as written in CAST(x AS type) and x::type) mapped to the spec's column types.
 * Beware DuckDB's aliases: INT8 is BIGINT (8 bytes), not an 8-bit integer, and FLOAT is 4 bytes.
 */
import type { ColumnType } from '../spec/columns.js';

const NAMES: ReadonlyMap<string, ColumnType | 'unknown'> = new Map<string, ColumnType | 'unknown'>([
  ['boolean', 'bool'], ['bool', 'bool'], ['logical', 'bool'],
  ['tinyint', 'int8'], ['int1', 'int8'],
  ['utinyint', 'uint8'],
  ['smallint', 'int16'], ['int2', 'int16'], ['short', 'int16'],
  ['integer', 'int32'], ['int', 'int32'], ['int4', 'int32'], ['signed', 'int32'],
  ['bigint', 'int64'], ['int8', 'int64'], ['long', 'int64'],
  // Unsigned and 128-bit integers have no column type of their own; the nearest integer keeps checks useful.
  ['usmallint', 'int32'], ['uinteger', 'int64'], ['ubigint', 'int64'], ['hugeint', 'int64'], ['uhugeint', 'int64'],
  ['float', 'float32'], ['float4', 'float32'], ['real', 'float32'],
  ['double', 'float64'], ['float8', 'float64'], ['double precision', 'float64'],
  // DECIMAL is exact in DuckDB; as a column type the nearest is float64.
  ['decimal', 'float64'], ['numeric', 'float64'], ['dec', 'float64'],
  ['varchar', 'string'], ['text', 'string'], ['string', 'string'], ['char', 'string'], ['bpchar', 'string'],
  ['character', 'string'], ['character varying', 'string'], ['nvarchar', 'string'],
  ['date', 'date'],
  ['timestamp', 'timestamp'], ['datetime', 'timestamp'], ['timestamp without time zone', 'timestamp'],
  ['timestamptz', 'timestamp'], ['timestamp with time zone', 'timestamp'],
  ['timestamp_s', 'timestamp'], ['timestamp_ms', 'timestamp'], ['timestamp_ns', 'timestamp'],
  // Real DuckDB types that no column type represents.
  ['interval', 'unknown'], ['time', 'unknown'], ['timetz', 'unknown'], ['blob', 'unknown'], ['bytea', 'unknown'],
  ['uuid', 'unknown'], ['json', 'unknown'], ['bit', 'unknown'], ['bitstring', 'unknown'], ['varint', 'unknown'],
]);

/** Words that continue a multi-word type name after its first word. */
export const TYPE_CONTINUATIONS: ReadonlyMap<string, readonly string[][]> = new Map([
  ['double', [['precision']]],
  ['character', [['varying']]],
  ['timestamp', [['with', 'time', 'zone'], ['without', 'time', 'zone']]],
]);

/** The column type a DuckDB type name denotes, 'unknown' for types outside ColumnType, null for no such type. */
export function resolveTypeName(name: string): ColumnType | 'unknown' | null {
  return NAMES.get(name.toLowerCase()) ?? null;
}
