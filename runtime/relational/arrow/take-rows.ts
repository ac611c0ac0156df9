/**
 * Gathers rows by index: the core of filter, split and anything else that keeps some rows. Fixed-width
 * values, booleans, strings and tensors are copied straight between typed arrays; other types go through
 * Arrow's builders, one value at a time, which is slower but keeps every type working.
 */
import { DataType, makeBuilder, makeData, Table, Vector, type Data, type RecordBatch } from 'apache-arrow';
import { makeBatch, makeTable } from './table-parts.js';

/** Rows picked from a column's chunks: for output row i, chunk `chunk[i]` (all 0 when there is one chunk) row `row[i]`. */
export interface RowPicks {
  chunk: Uint32Array | undefined;
  row: Uint32Array;
}

/** Global row indexes (into the whole table) as per-chunk picks. */
export function picksFor(chunkLengths: readonly number[], indexes: ArrayLike<number>): RowPicks {
  const n = indexes.length;
  if (chunkLengths.length <= 1) return { chunk: undefined, row: Uint32Array.from(indexes) };
  const starts = new Float64Array(chunkLengths.length + 1);
  chunkLengths.forEach((len, i) => (starts[i + 1] = starts[i]! + len));
  const chunk = new Uint32Array(n);
  const row = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const g = indexes[i]!;
    // Binary search for the last chunk starting at or before g.
    let lo = 0;
    let hi = chunkLengths.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= g) lo = mid;
      else hi = mid - 1;
    }
    chunk[i] = lo;
    row[i] = g - starts[lo]!;
  }
  return { chunk, row };
}

/** The table's rows at `indexes` (global, in the order given), as a table of one batch. */
export function takeRows(table: Table, indexes: ArrayLike<number>): Table {
  const picks = picksFor(table.batches.map((b) => b.numRows), indexes);
  const fields = table.schema.fields;
  const columns = fields.map((_, c) => takeColumn(table.batches.map((b: RecordBatch) => b.data.children[c] as Data), picks));
  return makeTable(table.schema, [makeBatch(fields, columns, indexes.length, table.schema)]);
}

const isValid = (data: Data, row: number): boolean => {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return true;
  const bit = data.offset + row;
  return ((bitmap[bit >> 3]! >> (bit & 7)) & 1) === 1;
};

/** One column's picked rows as one chunk. */
export function takeColumn(chunks: readonly Data[], picks: RowPicks): Data {
  const first = chunks[0];
  if (!first) throw new Error('a column with no chunks');
  const type = first.type;
  const n = picks.row.length;
  const chunkAt = (i: number): Data => chunks[picks.chunk ? picks.chunk[i]! : 0]!;

  const anyNulls = chunks.some((c) => c.nullCount > 0);
  let nullBitmap: Uint8Array | undefined;
  let nullCount = 0;
  if (anyNulls) {
    nullBitmap = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < n; i++) {
      if (isValid(chunkAt(i), picks.row[i]!)) nullBitmap[i >> 3]! |= 1 << (i & 7);
      else nullCount++;
    }
  }
  const validity = nullBitmap ? { nullBitmap, nullCount } : { nullCount: 0 };

  if (DataType.isNull(type)) return makeData({ type, length: n });
  if (DataType.isBool(type)) {
    const out = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < n; i++) {
      const d = chunkAt(i);
      const bit = d.offset + picks.row[i]!;
      if ((d.values[bit >> 3]! >> (bit & 7)) & 1) out[i >> 3]! |= 1 << (i & 7);
    }
    return makeData({ type, length: n, data: out, ...validity });
  }
  if (DataType.isUtf8(type) || DataType.isBinary(type)) return takeVariableWidth(chunks, picks, chunkAt, validity);
  if (DataType.isFixedSizeList(type)) return takeFixedSizeList(chunks, picks, chunkAt, validity);
  if (DataType.isDictionary(type) && chunks.every((c) => c.dictionary === first.dictionary)) {
    const indexes = takeFixedWidth(chunks, picks, chunkAt);
    return makeData({ type, length: n, data: indexes as never, dictionary: first.dictionary, ...validity });
  }
  if (isFixedWidth(type)) {
    return makeData({ type, length: n, data: takeFixedWidth(chunks, picks, chunkAt) as never, ...validity } as never);
  }
  return takeWithBuilder(chunks, picks);
}

const isFixedWidth = (t: DataType): boolean =>
  DataType.isInt(t) || DataType.isFloat(t) || DataType.isDate(t) || DataType.isTimestamp(t) || DataType.isTime(t) ||
  DataType.isDecimal(t) || DataType.isInterval(t) || DataType.isDuration(t) || DataType.isFixedSizeBinary(t) || DataType.isDictionary(t);

type AnyTyped = { length: number; subarray(a: number, b: number): AnyTyped; set(src: AnyTyped, at: number): void; [i: number]: number | bigint };

function takeFixedWidth(chunks: readonly Data[], picks: RowPicks, chunkAt: (i: number) => Data): AnyTyped {
  const first = chunks[0]!;
  const stride = first.stride;
  const n = picks.row.length;
  const Ctor = (first.values as unknown as { constructor: new (n: number) => AnyTyped }).constructor;
  const out = new Ctor(n * stride);
  if (stride === 1) {
    if (!picks.chunk) {
      const values = first.values as unknown as AnyTyped;
      const rows = picks.row;
      for (let i = 0; i < n; i++) out[i] = values[rows[i]!]!;
    } else {
      for (let i = 0; i < n; i++) out[i] = (chunkAt(i).values as unknown as AnyTyped)[picks.row[i]!]!;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const r = picks.row[i]!;
      out.set((chunkAt(i).values as unknown as AnyTyped).subarray(r * stride, (r + 1) * stride), i * stride);
    }
  }
  return out;
}

function takeVariableWidth(chunks: readonly Data[], picks: RowPicks, chunkAt: (i: number) => Data, validity: object): Data {
  const n = picks.row.length;
  const offsets = new Int32Array(n + 1);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const d = chunkAt(i);
    const r = picks.row[i]!;
    const o = d.valueOffsets as Int32Array;
    bytes += o[r + 1]! - o[r]!;
    offsets[i + 1] = bytes;
  }
  const out = new Uint8Array(bytes);
  for (let i = 0; i < n; i++) {
    const d = chunkAt(i);
    const r = picks.row[i]!;
    const o = d.valueOffsets as Int32Array;
    out.set((d.values as Uint8Array).subarray(o[r]!, o[r + 1]!), offsets[i]!);
  }
  return makeData({ type: chunks[0]!.type, length: n, valueOffsets: offsets, data: out, ...validity } as never);
}

function takeFixedSizeList(chunks: readonly Data[], picks: RowPicks, chunkAt: (i: number) => Data, validity: object): Data {
  const first = chunks[0]!;
  const type = first.type as DataType & { listSize: number };
  const size = type.listSize;
  const n = picks.row.length;
  const children = chunks.map((c) => c.children[0]!);
  const childType = children[0]!.type;
  let child: Data;
  if (isFixedWidth(childType) && children.every((c) => c.nullCount === 0)) {
    // Whole rows of tensor values copied as blocks.
    const stride = children[0]!.stride * size;
    const Ctor = (children[0]!.values as unknown as { constructor: new (n: number) => AnyTyped }).constructor;
    const out = new Ctor(n * stride);
    for (let i = 0; i < n; i++) {
      const r = picks.row[i]!;
      const values = chunkAt(i).children[0]!.values as unknown as AnyTyped;
      out.set(values.subarray(r * stride, (r + 1) * stride), i * stride);
    }
    child = makeData({ type: childType, length: n * size, data: out as never, nullCount: 0 } as never);
  } else {
    const row = new Uint32Array(n * size);
    const chunk = picks.chunk ? new Uint32Array(n * size) : undefined;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < size; k++) {
        row[i * size + k] = picks.row[i]! * size + k;
        if (chunk) chunk[i * size + k] = picks.chunk![i]!;
      }
    }
    child = takeColumn(children, { chunk, row });
  }
  return makeData({ type: first.type, length: n, child, ...validity } as never);
}

function takeWithBuilder(chunks: readonly Data[], picks: RowPicks): Data {
  const vectors = chunks.map((c) => new Vector([c]));
  const builder = makeBuilder({ type: chunks[0]!.type, nullValues: [null, undefined] });
  for (let i = 0; i < picks.row.length; i++) builder.append(vectors[picks.chunk ? picks.chunk[i]! : 0]!.get(picks.row[i]!));
  return builder.finish().flush();
}
