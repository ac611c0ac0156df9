/**
 * Splits a table into record batches by its key's hash, the way a co-located join expects partitions
 * placed: batch i holds exactly the rows whose key hash names partition i (partitionOf). Whatever writes
 * partition files that later meet in a `strategy: colocated` join can use it; both inputs must then be
 * written with the same partition count and the same key column types (the hash is of the key's bits).
 * Rows with a null key go to partition 0: they match nothing anywhere.
 */
import { DataType, makeData, RecordBatch, Struct, Table } from 'apache-arrow';
import { DataError } from '../types.js';
import { columnOf, dataFromLayout } from './arrow-layout.js';
import { gatherLayout } from './gather.js';
import { hashKeys, partitionOf } from './hash.js';
import { decodeColumn } from './key-types.js';
import { normalizeKeys } from './keys.js';
import { plainAlloc } from './layout.js';

export function partitionByKeyHash(table: Table, on: string[], partitions: number): Table {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError('partitions is a positive integer');
  const fields = table.schema.fields;
  const cols = fields.map((f, i) => columnOf(table.getChildAt(i)!, f, false));
  const keyAt = on.map((k) => {
    const i = fields.findIndex((f) => f.name === k);
    if (i < 0) throw new DataError(`key '${k}' is not a column of the table`);
    return i;
  });
  const keyCols = keyAt.map((i) => (cols[i]!.dictionary ? decodeColumn(cols[i]!, plainAlloc) : cols[i]!));
  const keys = normalizeKeys(
    keyCols.map((c) => c.layout),
    keyCols.map((c, column) => ({ column, float: DataType.isFloat(c.type) })),
    0,
    table.numRows,
  );
  const hashes = hashKeys(keys);
  const counts = new Int32Array(partitions + 1);
  const ids = new Int32Array(table.numRows);
  for (let i = 0; i < ids.length; i++) {
    ids[i] = keys.nulls !== null && keys.nulls[i] !== 0 ? 0 : partitionOf(hashes[i]!, partitions);
    counts[ids[i]! + 1]!++;
  }
  for (let p = 0; p < partitions; p++) counts[p + 1]! += counts[p]!;
  const order = new Int32Array(ids.length);
  const fill = counts.slice(0, partitions);
  for (let i = 0; i < ids.length; i++) order[fill[ids[i]!]!++] = i;
  const type = new Struct(fields);
  const batches = Array.from({ length: partitions }, (_, p) => {
    const from = counts[p]!;
    const to = counts[p + 1]!;
    const children = cols.map((c) => dataFromLayout(gatherLayout(c.layout, order, from, to, plainAlloc), c.type, c.dictionary));
    return new RecordBatch(table.schema, makeData({ type, length: to - from, nullCount: 0, children }));
  });
  return new Table(table.schema, batches);
}
