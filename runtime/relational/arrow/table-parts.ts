/**
 * Building tables column by column. A table is a list of record batches sharing one schema; relational
 * steps mostly work one batch at a time and rebuild the table from the batches' new columns.
 */
import { Field, makeData, RecordBatch, Schema, Struct, Table, type Data } from 'apache-arrow';

export function makeBatch(fields: readonly Field[], columns: readonly Data[], length: number, schema = new Schema([...fields])): RecordBatch {
  columns.forEach((c, i) => {
    if (c.length !== length) throw new Error(`column ${fields[i]?.name} has ${c.length} rows in a batch of ${length}`);
  });
  return new RecordBatch(schema, makeData({ type: new Struct([...fields]), length, nullCount: 0, children: [...columns] }));
}

/** A table from batches; with no batches it still has the schema, so column names and types survive an empty result. */
export function makeTable(schema: Schema, batches: readonly RecordBatch[]): Table {
  return new Table(schema, [...batches]);
}

/** A table of one batch. */
export function tableOf(fields: readonly Field[], columns: readonly Data[], length: number, metadata?: Map<string, string>): Table {
  const schema = new Schema([...fields], metadata ?? null);
  return makeTable(schema, [makeBatch(fields, columns, length, schema)]);
}

/** The columns of one batch, in schema order. */
export const batchColumns = (batch: RecordBatch): Data[] => batch.data.children as Data[];

/** Rebuilds each batch with new columns (same row counts); `fields` is the new schema. */
export function mapBatches(table: Table, fields: readonly Field[], columnsOf: (batch: RecordBatch, index: number) => Data[]): Table {
  const schema = new Schema([...fields], table.schema.metadata);
  return makeTable(schema, table.batches.map((b, i) => makeBatch(fields, columnsOf(b, i), b.numRows, schema)));
}

/** Every chunk of one column, by column index. */
export const columnChunks = (table: Table, index: number): Data[] => table.batches.map((b) => b.data.children[index] as Data);

export function fieldIndex(table: Table, name: string): number {
  return table.schema.fields.findIndex((f) => f.name === name);
}
