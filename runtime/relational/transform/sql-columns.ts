/**
 * Evaluating SQL expressions over a table's rows with DuckDB, for filter, derive and cast. Only the columns
 * an expression reads are copied into DuckDB, plus a row number, so tensors and wide tables stay where they
 * are; results come back in row order (checked by the row number, which DuckDB's insertion order keeps).
 */
import { Field, Int32, makeData, Schema, type Data, type Table } from 'apache-arrow';
import { columnRefs, parseExpression } from '../../../compiler/sql/index.js';
import { makeBatch, makeTable } from '../arrow/table-parts.js';
import { queryTables } from '../duckdb/query.js';
import { quoteIdent } from '../duckdb/sql-text.js';
import type { RelationalContext } from '../types.js';

/** The table's columns an expression reads; every column when the expression cannot be parsed here. */
export function referencedColumns(table: Table, expressions: readonly string[]): string[] {
  const names = new Set(table.schema.fields.map((f) => f.name));
  const used = new Set<string>();
  for (const text of expressions) {
    const parsed = parseExpression(text);
    if (!parsed.ok) return [...names];
    // DuckDB matches names without regard to case, so a reference may be spelled differently from the column.
    for (const ref of columnRefs(parsed.ast)) {
      for (const n of names) if (n.toLowerCase() === ref.name.toLowerCase()) used.add(n);
    }
  }
  return table.schema.fields.map((f) => f.name).filter((n) => used.has(n));
}

/** A name for the row-number column that no column of the table has. */
function rowColumnName(table: Table): string {
  const taken = new Set(table.schema.fields.map((f) => f.name.toLowerCase()));
  let name = '__dlc_row';
  while (taken.has(name)) name = `_${name}`;
  return name;
}

/** The table's `columns` plus a row number, the input DuckDB sees. */
function withRowNumbers(table: Table, columns: readonly string[], rowName: string): Table {
  const indexes = columns.map((c) => table.schema.fields.findIndex((f) => f.name === c));
  const fields = [...indexes.map((i) => table.schema.fields[i]!), new Field(rowName, new Int32(), false)];
  const schema = new Schema(fields);
  let base = 0;
  const batches = table.batches.map((b) => {
    const rows = Int32Array.from({ length: b.numRows }, (_, i) => base + i);
    base += b.numRows;
    const columnsData = [...indexes.map((i) => b.data.children[i] as Data), makeData({ type: new Int32(), length: b.numRows, data: rows, nullCount: 0 })];
    return makeBatch(fields, columnsData, b.numRows, schema);
  });
  return makeTable(schema, batches);
}

/** Row numbers (ascending) of the rows where `condition` is true; null counts as false, as in WHERE. */
export async function rowsWhere(table: Table, condition: string, ctx: RelationalContext, what: string): Promise<Int32Array> {
  const rowName = rowColumnName(table);
  const input = withRowNumbers(table, referencedColumns(table, [condition]), rowName);
  const result = await queryTables(ctx, { t: { table: input } }, `SELECT ${quoteIdent(rowName)} FROM t WHERE (${condition})`, what);
  const rows = result.getChild(rowName)!.toArray() as Int32Array;
  return isAscending(rows) ? rows : rows.slice().sort();
}

/** Each `SELECT` expression evaluated on every row, as columns (in DuckDB's chunks), in row order. */
export async function evaluate(table: Table, expressions: readonly { name: string; sql: string }[], ctx: RelationalContext, what: string): Promise<{ field: Field; chunks: Data[] }[]> {
  const rowName = rowColumnName(table);
  const input = withRowNumbers(table, referencedColumns(table, expressions.map((e) => e.sql)), rowName);
  const select = [...expressions.map((e, i) => `(${e.sql}) AS c${i}`), quoteIdent(rowName)].join(', ');
  let result = await queryTables(ctx, { t: { table: input } }, `SELECT ${select} FROM t`, what);
  const rows = result.getChild(rowName)!.toArray() as Int32Array;
  if (!isAscending(rows)) {
    result = await queryTables(ctx, { t: { table: input } }, `SELECT ${select} FROM t ORDER BY ${quoteIdent(rowName)}`, what);
  }
  return expressions.map((e, i) => {
    const field = result.schema.fields[i]!;
    return { field: new Field(e.name, field.type, true, field.metadata), chunks: result.batches.map((b) => b.data.children[i] as Data) };
  });
}

function isAscending(a: Int32Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i]! < a[i - 1]!) return false;
  return true;
}
