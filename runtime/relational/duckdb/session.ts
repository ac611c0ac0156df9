/**
 * One in-memory DuckDB per process, opened on first use: reading CSV, JSON lines and Parquet, and evaluating
 * SQL (filter, derive, cast, sql steps). DuckDB is loaded only then, so pipelines that never need it (IDX,
 * Arrow, normalize, split) never pay for it, and `dlc lint` never loads it at all.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import type { RelationalContext } from '../types.js';
import { quoteString } from './sql-text.js';

export type DuckDBApi = typeof import('@duckdb/node-api');
export type DuckDBBindings = typeof import('@duckdb/node-bindings');

interface Session {
  api: DuckDBApi;
  /** The native bindings under @duckdb/node-api, for reading and writing vectors' raw memory. */
  bindings: DuckDBBindings;
  instance: DuckDBInstance;
}

let session: Promise<Session> | undefined;

async function open(): Promise<Session> {
  const api = await import('@duckdb/node-api');
  const loaded = await import('@duckdb/node-bindings');
  // A CommonJS package: its exports arrive as the default export under ESM.
  const bindings = (loaded as { default?: DuckDBBindings }).default ?? loaded;
  // Row order matters to every step (a filter keeps the input's order), so it is asked for explicitly.
  const instance = await api.DuckDBInstance.create(':memory:', { preserve_insertion_order: 'true' });
  return { api, bindings, instance };
}

export const duckdb = (): Promise<Session> => (session ??= open());

let tableCounter = 0;
/** A fresh name for a temporary table, unique within the process. */
export const scratchName = (hint: string): string => `__dlc_${hint.replace(/[^a-z0-9_]/gi, '_')}_${process.pid}_${++tableCounter}`;

/**
 * A connection for one step; DuckDB's thread count follows the step's worker allowance and it spills into
 * the step's scratch directory (both are settings of the whole database, so the latest step's win). The connection
 * is closed afterwards and the temporary tables created on it go with it.
 */
export async function withConnection<T>(ctx: Pick<RelationalContext, 'workers'> & Partial<Pick<RelationalContext, 'workDir'>>, fn: (connection: DuckDBConnection, s: Session) => Promise<T>): Promise<T> {
  const s = await duckdb();
  const connection = await s.instance.connect();
  try {
    await connection.run(`SET threads TO ${Math.max(1, Math.floor(ctx.workers || 1))}`);
    // Left alone, an in-memory DuckDB spills to `.tmp` under the shell's working directory.
    if (ctx.workDir) await connection.run(`SET temp_directory TO ${quoteString(join(ctx.workDir, 'duckdb-spill'))}`);
    return await fn(connection, s);
  } finally {
    connection.closeSync();
  }
}
