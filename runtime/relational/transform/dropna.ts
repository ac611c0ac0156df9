/** `dropna: true` (any column) or a list of columns: drops rows holding a null there, as `WHERE c IS NOT NULL`. */
import type { Table } from 'apache-arrow';
import { validReader } from '../arrow/numeric-values.js';
import { columnChunks, fieldIndex } from '../arrow/table-parts.js';
import { takeRows } from '../arrow/take-rows.js';
import { DataError } from '../types.js';

export function dropna(table: Table, spec: boolean | readonly string[], step: string): Table {
  if (spec === false) return table;
  const names = spec === true ? table.schema.fields.map((f) => f.name) : spec;
  const indexes = names.map((name) => {
    const i = fieldIndex(table, name);
    if (i < 0) throw new DataError(`step ${step}: dropna: no column '${name}' in the input`);
    return i;
  });
  const withNulls = indexes.filter((i) => columnChunks(table, i).some((c) => c.nullCount > 0));
  if (withNulls.length === 0) return table;
  const keep: number[] = [];
  let base = 0;
  for (const batch of table.batches) {
    const valid = withNulls.map((i) => validReader(batch.data.children[i]!));
    for (let r = 0; r < batch.numRows; r++) if (valid.every((v) => v(r))) keep.push(base + r);
    base += batch.numRows;
  }
  return takeRows(table, keep);
}
