/**
 * A column computed elsewhere (by DuckDB, in its own chunk sizes) re-cut to a table's batch boundaries, so
 * it can sit next to the table's other columns: slices where a batch falls within one chunk, a copy of the
 * rows only where a batch spans two.
 */
import { makeBuilder, type Data, type DataType } from 'apache-arrow';
import { takeColumn } from './take-rows.js';

/** A column chunk of no rows, of any type. */
export const emptyData = (type: DataType): Data => makeBuilder({ type }).finish().flush();

export function alignChunks(chunks: readonly Data[], batchLengths: readonly number[], type: DataType): Data[] {
  const starts: number[] = [];
  let total = 0;
  for (const c of chunks) {
    starts.push(total);
    total += c.length;
  }
  const expected = batchLengths.reduce((a, b) => a + b, 0);
  if (total !== expected) throw new Error(`a computed column has ${total} rows for a table of ${expected}`);
  const out: Data[] = [];
  let at = 0;
  let k = 0;
  for (const length of batchLengths) {
    if (length === 0) {
      out.push(emptyData(type));
      continue;
    }
    while (k < chunks.length - 1 && starts[k]! + chunks[k]!.length <= at) k++;
    const chunk = chunks[k];
    if (chunk && at - starts[k]! + length <= chunk.length) {
      out.push(chunk.slice(at - starts[k]!, length));
    } else {
      const row = new Uint32Array(length);
      const chunkOf = new Uint32Array(length);
      let j = k;
      for (let i = 0; i < length; i++) {
        while (at + i >= starts[j]! + chunks[j]!.length) j++;
        chunkOf[i] = j;
        row[i] = at + i - starts[j]!;
      }
      out.push(takeColumn(chunks, { chunk: chunkOf, row }));
    }
    at += length;
  }
  return out;
}
