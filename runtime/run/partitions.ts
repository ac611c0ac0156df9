/**
 * Cuts a train step's data into the partitions model hopping moves models between: contiguous slices of
 * near-equal size (the split before it already ordered rows at random), each written as an Arrow IPC file.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Table } from 'apache-arrow';
import { writeTableFile } from '../data/table-file.js';
import { DataError } from '../relational/types.js';

export async function splitIntoPartitions(table: Table, count: number, dir: string): Promise<string[]> {
  if (table.numRows < count) throw new DataError(`the training data has ${table.numRows} rows, fewer than the ${count} partitions to cut it into`);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const begin = Math.floor((i * table.numRows) / count);
    const end = Math.floor(((i + 1) * table.numRows) / count);
    const file = join(dir, `part-${String(i).padStart(4, '0')}.arrow`);
    await writeTableFile(file, table.slice(begin, end));
    files.push(file);
  }
  return files;
}
