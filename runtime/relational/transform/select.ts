/** `select`: the columns to keep, in the order given. */
import type { Table } from 'apache-arrow';
import { fieldIndex } from '../arrow/table-parts.js';
import { DataError } from '../types.js';

export function selectColumns(table: Table, names: readonly string[], step: string): Table {
  const indexes = names.map((name) => {
    const i = fieldIndex(table, name);
    if (i < 0) throw new DataError(`step ${step}: select: no column '${name}' in the input (columns: ${table.schema.fields.map((f) => f.name).join(', ')})`);
    return i;
  });
  return table.selectAt(indexes);
}
