/**
 * One Arrow IPC file or stream, read by apache-arrow and conformed to the source's column types in
 * JavaScript (the inspector has already checked the file's structure, so a truncated file never gets here).
 */
import { readFileSync } from 'node:fs';
import { Schema, tableFromIPC, type Data, type Field, type Table } from 'apache-arrow';
import type { Column } from '../../../compiler/spec/columns.js';
import { castColumn } from '../arrow/cast-column.js';
import { makeBatch, makeTable } from '../arrow/table-parts.js';
import { DataError } from '../types.js';

export function readArrowFile(source: string, file: string, columns: readonly Column[]): Table {
  let table: Table;
  try {
    table = tableFromIPC(readFileSync(file));
  } catch (e) {
    throw new DataError(`source ${source}: ${file}: damaged Arrow IPC data (${(e as Error).message})`, file);
  }
  if (columns.length === 0) return table;
  const where = `source ${source}: ${file}`;
  const cast = columns.map((c) => {
    const index = table.schema.fields.findIndex((f) => f.name === c.name);
    if (index < 0) throw new DataError(`${where} has no column '${c.name}'`, file);
    return castColumn(table.schema.fields[index]!, table.batches.map((b) => b.data.children[index] as Data), c.type, where);
  });
  const fields: Field[] = cast.map((c) => c.field);
  const schema = new Schema(fields);
  return makeTable(schema, table.batches.map((b, i) => makeBatch(fields, cast.map((c) => c.chunks[i]!), b.numRows, schema)));
}
