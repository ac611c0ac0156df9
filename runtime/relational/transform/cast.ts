/**
 * `cast: {column: type}`: scalar casts are DuckDB's CAST (text parsed as numbers and dates, floats rounded
 * to integers, out-of-range values an error, exactly as in SQL); casts from or to a tensor type change the
 * element type or the shape (same number of elements) in place. Columns keep their position.
 */
import { DataType, type Data, type Table } from 'apache-arrow';
import type { ColumnType } from '../../../compiler/spec/columns.js';
import { alignChunks } from '../arrow/align-chunks.js';
import { castColumn } from '../arrow/cast-column.js';
import { columnChunks, fieldIndex, mapBatches } from '../arrow/table-parts.js';
import { quoteIdent } from '../duckdb/sql-text.js';
import { sqlType } from '../duckdb/sql-types.js';
import { DataError, type RelationalContext } from '../types.js';
import { evaluate } from './sql-columns.js';

export async function castColumns(table: Table, cast: Record<string, ColumnType>, ctx: RelationalContext, step: string): Promise<Table> {
  const entries = Object.entries(cast).map(([name, type]) => {
    const index = fieldIndex(table, name);
    if (index < 0) throw new DataError(`step ${step}: cast: no column '${name}' in the input`);
    return { name, type, index };
  });
  const replaced = new Map<number, { field: import('apache-arrow').Field; chunks: Data[] }>();
  const lengths = table.batches.map((b) => b.numRows);
  const inSql = entries.filter((e) => typeof e.type === 'string' && !DataType.isFixedSizeList(table.schema.fields[e.index]!.type));
  if (inSql.length > 0) {
    const columns = await evaluate(table, inSql.map((e) => ({ name: e.name, sql: `CAST(${quoteIdent(e.name)} AS ${sqlType(e.type)})` })), ctx, `step ${step}: cast`);
    inSql.forEach((e, i) => replaced.set(e.index, { field: columns[i]!.field, chunks: alignChunks(columns[i]!.chunks, lengths, columns[i]!.field.type) }));
  }
  for (const e of entries) {
    if (inSql.includes(e)) continue;
    const field = table.schema.fields[e.index]!;
    replaced.set(e.index, castColumn(field, columnChunks(table, e.index), e.type, `step ${step}: cast`));
  }
  const fields = table.schema.fields.map((f, i) => replaced.get(i)?.field ?? f);
  return mapBatches(table, fields, (batch, b) => batch.data.children.map((c, i) => replaced.get(i)?.chunks[b] ?? (c as Data)));
}
