/**
 * The `sql` step: one SELECT over the named inputs, run by DuckDB with each input registered under its
 * alias. Anything but exactly one SELECT (or WITH ... SELECT) is refused before it runs, so a query can
 * never change anything. With a declared `schema:` the result is cast to it (its columns picked by name, in
 * its order), since that is what later steps were checked against.
 */
import type { Table } from 'apache-arrow';
import type { SqlStep } from '../../../compiler/spec/types.js';
import { asDataError, runToArrow } from '../duckdb/query.js';
import { registerTable } from '../duckdb/register-table.js';
import { withConnection } from '../duckdb/session.js';
import { quoteIdent } from '../duckdb/sql-text.js';
import { sqlType } from '../duckdb/sql-types.js';
import { DataError, type RelationalContext } from '../types.js';

export async function runSql(id: string, config: SqlStep, inputs: Record<string, Table>, ctx: RelationalContext): Promise<Table> {
  const what = `step ${id}: sql`;
  const query = config.query.trim().replace(/;\s*$/, '');
  return withConnection(ctx, async (connection, { api }) => {
    for (const alias of Object.keys(config.inputs)) {
      const t = inputs[`inputs.${alias}`] ?? inputs[alias];
      if (!t) throw new Error(`step ${id}: input '${alias}' was not given`);
      await registerTable(connection, alias, t);
    }
    try {
      const statements = await connection.extractStatements(query);
      if (statements.count !== 1) throw new DataError(`${what}: the query must be one SELECT statement, it has ${statements.count}`);
      const prepared = await statements.prepare(0);
      if (prepared.statementType !== api.StatementType.SELECT) throw new DataError(`${what}: the query must be a SELECT statement`);
    } catch (e) {
      throw asDataError(e, what);
    }
    const sql = config.schema
      ? `SELECT ${Object.entries(config.schema).map(([name, type]) => `CAST(q.${quoteIdent(name)} AS ${sqlType(type)}) AS ${quoteIdent(name)}`).join(', ')} FROM (${query}) AS q`
      : query;
    return runToArrow(connection, sql, what);
  });
}
