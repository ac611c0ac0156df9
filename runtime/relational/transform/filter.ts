/** `filter`: keeps the rows where a SQL boolean expression is true (DuckDB evaluates it; null drops the row, as WHERE does). */
import type { Table } from 'apache-arrow';
import { takeRows } from '../arrow/take-rows.js';
import type { RelationalContext } from '../types.js';
import { rowsWhere } from './sql-columns.js';

export async function filterRows(table: Table, condition: string, ctx: RelationalContext, step: string): Promise<Table> {
  const rows = await rowsWhere(table, condition, ctx, `step ${step}: filter`);
  if (rows.length === table.numRows) return table;
  return takeRows(table, rows);
}
