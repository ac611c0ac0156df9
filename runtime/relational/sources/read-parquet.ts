/** One Parquet file through DuckDB's read_parquet, its columns cast by name to the source's types (lists to tensors). */
import type { Table } from 'apache-arrow';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Column } from '../../../compiler/spec/columns.js';
import { runToArrow } from '../duckdb/query.js';
import { quoteIdent, quoteString } from '../duckdb/sql-text.js';
import { sqlType } from '../duckdb/sql-types.js';
import { DataError } from '../types.js';

export async function readParquetFile(connection: DuckDBConnection, source: string, file: string, columns: readonly Column[]): Promise<Table> {
  const select = columns.length > 0 ? columns.map((c) => `CAST(${quoteIdent(c.name)} AS ${sqlType(c.type)}) AS ${quoteIdent(c.name)}`).join(', ') : '*';
  try {
    return await runToArrow(connection, `SELECT ${select} FROM read_parquet(${quoteString(file)})`, `source ${source}: ${file}`);
  } catch (e) {
    if (e instanceof DataError) throw new DataError(e.message, file);
    throw e;
  }
}
