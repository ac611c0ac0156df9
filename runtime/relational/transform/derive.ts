/**
 * `derive: {column: expression}`: each expression, evaluated by DuckDB with its own result type, becomes a
 * column; one that names an existing column replaces it. New and replaced columns go at the end, in the
 * order written, as the compiler's column analysis has it; each derive sees the ones before it.
 */
import type { Data, Table } from 'apache-arrow';
import { alignChunks } from '../arrow/align-chunks.js';
import { mapBatches } from '../arrow/table-parts.js';
import type { RelationalContext } from '../types.js';
import { evaluate } from './sql-columns.js';

export async function deriveColumns(table: Table, derive: Record<string, string>, ctx: RelationalContext, step: string): Promise<Table> {
  let t = table;
  for (const [name, sql] of Object.entries(derive)) {
    const [column] = await evaluate(t, [{ name, sql }], ctx, `step ${step}: derive ${name}`);
    const chunks = alignChunks(column!.chunks, t.batches.map((b) => b.numRows), column!.field.type);
    const keep = t.schema.fields.map((f, i) => [f, i] as const).filter(([f]) => f.name !== name);
    t = mapBatches(t, [...keep.map(([f]) => f), column!.field], (batch, b) => [...keep.map(([, i]) => batch.data.children[i] as Data), chunks[b]!]);
  }
  return t;
}
