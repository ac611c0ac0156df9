/** Running SQL over Arrow tables: register the inputs, run one query, read the result back as Arrow. */
import type { Table } from 'apache-arrow';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataError, type RelationalContext } from '../types.js';
import { registerTable } from './register-table.js';
import { resultToTable } from './result-to-arrow.js';
import { withConnection } from './session.js';

export interface QueryInput {
  table: Table;
  /** Only these columns are copied into DuckDB (default: all). */
  columns?: readonly string[];
}

/**
 * Runs `sql` with each input registered under its name, on a connection of its own. DuckDB's errors become
 * DataErrors prefixed with `what` (e.g. `step features: filter`).
 */
export async function queryTables(ctx: Pick<RelationalContext, 'workers'> & Partial<Pick<RelationalContext, 'workDir'>>, inputs: Record<string, QueryInput>, sql: string, what: string): Promise<Table> {
  return withConnection(ctx, async (connection) => {
    for (const [name, input] of Object.entries(inputs)) await registerTable(connection, name, input.table, input.columns);
    return runToArrow(connection, sql, what);
  });
}

/**
 * The whole result is materialized by DuckDB (with all its threads) before it is copied into Arrow, so
 * while it is copied it is held twice; read chunk by chunk from a stream instead, it took three times as long.
 */
export async function runToArrow(connection: DuckDBConnection, sql: string, what: string): Promise<Table> {
  let result;
  try {
    result = await connection.run(sql);
    return await resultToTable(result);
  } catch (e) {
    throw asDataError(e, what);
  }
}

/** DuckDB reports bad SQL, bad casts and bad files as plain Errors; for the user they are data errors. */
export function asDataError(e: unknown, what: string, file?: string): Error {
  if (e instanceof DataError) return e;
  if (e instanceof Error && /^(Binder|Parser|Conversion|Invalid Input|IO|Catalog|Out of Range|Not implemented|Constraint|Invalid) Error/.test(e.message)) {
    return new DataError(`${what}: ${firstLines(e.message)}`, file);
  }
  return e instanceof Error ? e : new Error(String(e));
}

/** DuckDB appends a caret diagram and hints over several lines; the first lines carry the meaning. */
const firstLines = (message: string): string => message.split('\n').filter((l) => l.trim() !== '').slice(0, 3).join('\n');
