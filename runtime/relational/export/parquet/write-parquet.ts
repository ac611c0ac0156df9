/**
 * A Parquet file from an Arrow table, written here rather than through DuckDB: copying the table into
 * DuckDB (an appender, one chunk of 2048 rows at a time) and having DuckDB encode it took most of a
 * pipeline's time (8M joined rows: about 2.5 s to copy in, 3–4 s to write). Here every column of a row
 * group is one data page (v1), nullable columns with their definition levels bit-packed straight from the
 * Arrow validity bitmap. Values are dictionary-encoded where a row group's column has few distinct values
 * (dictionary.ts; a column that once has too many is PLAIN for the rest of the file), else PLAIN:
 * fixed-width columns without nulls are taken from the Arrow buffers as they are. Pages are written as
 * they are, or snappy-compressed when the export asks for it (codec.ts). Any Parquet reader reads them.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Data, RecordBatch, Table } from 'apache-arrow';
import { Physical, type ParquetColumn, parquetColumnFor } from './columns.js';
import { type DictionaryChunk, dictionaryEncode } from './dictionary.js';
import { encodeStruct, i64, list, struct, type ThriftStruct } from './thrift.js';
import { CODEC, concatBytes, UNCOMPRESSED, type PageCodec } from './codec.js';

/** Rows per row group, at most (a batch smaller than this is a row group of its own). */
export const ROW_GROUP_ROWS = 1 << 17;

const MAGIC = new TextEncoder().encode('PAR1');
const Encoding = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const;
const DATA_PAGE = 0;
const DICTIONARY_PAGE = 2;
const REQUIRED = 0;
const OPTIONAL = 1;

/** The table's columns as this writer writes them, or undefined when one of them has a type it does not handle. */
export function parquetColumns(table: Table): ParquetColumn[] | undefined {
  const columns = table.schema.fields.map((f) => parquetColumnFor(f));
  if (!columns.every((c) => c !== undefined)) return undefined;
  // A column the schema calls non-nullable that holds a null anyway is written as optional, not corrupted.
  return columns.map((c, i) => (c.optional || !table.batches.some((b) => (b.data.children[i]?.nullCount ?? 0) > 0) ? c : { ...c, optional: true }));
}

/** Definition levels of rows [from, from + count): one RLE run of 1s without nulls, else the validity bits. */
function definitionLevels(data: Data, from: number, count: number): Uint8Array {
  const bitmap = data.nullBitmap;
  let body: number[];
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) body = [...varint(count * 2), 1];
  else {
    const groups = Math.ceil(count / 8);
    const bits = new Uint8Array(groups);
    const start = data.offset + from;
    if ((start & 7) === 0) bits.set(bitmap.subarray(start >> 3, (start >> 3) + groups));
    else for (let i = 0; i < count; i++) if ((bitmap[(start + i) >> 3]! >> ((start + i) & 7)) & 1) bits[i >> 3]! |= 1 << (i & 7);
    // Bits past the last row may be set in the bitmap; the reader stops at the page's value count.
    body = [...varint(groups * 2 + 1), ...bits];
  }
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setInt32(0, body.length, true);
  out.set(body, 4);
  return out;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

interface ChunkMeta {
  column: ParquetColumn;
  offset: number;
  /** Bytes in the file (compressed) and before compression, page headers included. */
  bytes: number;
  uncompressed: number;
  rows: number;
  /** Where the data page starts when a dictionary page comes first. */
  dataOffset?: number;
}

/** Bytes per PLAIN value of the physical types a dictionary may encode; BOOLEAN is not one. */
const DICTIONARY_WIDTH: Record<number, 0 | 4 | 8> = { [Physical.INT32]: 4, [Physical.FLOAT]: 4, [Physical.INT64]: 8, [Physical.DOUBLE]: 8, [Physical.BYTE_ARRAY]: 0 };

/**
 * Rows a row group needs before too many distinct values in it turn the dictionary off for the rest of the
 * file. A small group (a join's output can end a batch after a few hundred rows) says little: 700 of 1,000
 * dimension keys in 1,500 rows once left a 1,000-value column PLAIN for the rest of an 8M-row file.
 */
const GIVE_UP_ROWS = ROW_GROUP_ROWS / 4;

/**
 * A column chunk's values dictionary-encoded, when it has at most a quarter as many distinct values as
 * non-null ones and that makes it smaller; undefined otherwise (calling `onTooMany` when it has more in a
 * row group of at least GIVE_UP_ROWS rows).
 */
function tryDictionary(column: ParquetColumn, plain: Uint8Array[], data: Data, from: number, rows: number, onTooMany: () => void): DictionaryChunk | undefined {
  const width = DICTIONARY_WIDTH[column.physical];
  if (width === undefined) return undefined;
  let count = rows;
  if (column.optional && data.nullCount > 0) {
    const bitmap = data.nullBitmap;
    if (bitmap && bitmap.length > 0) {
      count = 0;
      for (let i = data.offset + from, end = i + rows; i < end; i++) count += (bitmap[i >> 3]! >> (i & 7)) & 1;
    }
  }
  if (count < 16) return undefined;
  const bytes = plain.length === 1 ? plain[0]! : concatBytes(plain);
  const dict = dictionaryEncode(bytes, count, width, Math.floor(count / 4));
  if (dict === undefined) {
    if (count >= GIVE_UP_ROWS) onTooMany();
    return undefined;
  }
  return dict.dictionary.byteLength + dict.indices.byteLength < bytes.byteLength ? dict : undefined;
}


/** A column chunk encoded, before compression: an optional dictionary page and the data page. */
interface EncodedChunk {
  column: ParquetColumn;
  rows: number;
  dictionary?: { entries: number; parts: Uint8Array[]; size: number };
  data: { parts: Uint8Array[]; size: number; encoding: number };
}

/**
 * Row groups encoded ahead of the one being written while pages compress, at most. Uncompressed pages are
 * written at once: holding encoded groups back made a large export measurably slower here.
 */
const AHEAD = 4;

const sizeOf = (parts: readonly Uint8Array[]): number => parts.reduce((a, b) => a + b.byteLength, 0);

/**
 * Writes `table` to `path` (which the caller renames into place once it is complete). With compression the
 * next row groups are encoded while earlier ones compress (on the thread pool, see codec.ts); each is
 * written, in order, as soon as it is ready. Writes are synchronous: awaiting thousands of asynchronous
 * writes, each a round trip through the thread pool, made the export of an 8M-row join 0.5–0.9 s slower.
 */
export async function writeParquetFile(path: string, table: Table, columns: ParquetColumn[], createdBy: string, codec: PageCodec = UNCOMPRESSED): Promise<void> {
  const fd = openSync(path, 'w');
  try {
    let at = 0;
    const write = (buffers: readonly Uint8Array[]): void => {
      for (const b of buffers) {
        let done = 0;
        while (done < b.byteLength) done += writeSync(fd, b, done, b.byteLength - done);
        at += b.byteLength;
      }
    };
    write([MAGIC]);
    const dictionaryOn = columns.map(() => true);
    const groups: { rows: number; chunks: ChunkMeta[] }[] = [];
    type Pending = { rows: number; pages: Promise<{ e: EncodedChunk; dictionary: Uint8Array[] | undefined; data: Uint8Array[] }[]> };
    const queue: Pending[] = [];
    const flush = async (group: Pending): Promise<void> => {
      const chunks: ChunkMeta[] = [];
      for (const { e, dictionary, data } of await group.pages) {
        const offset = at;
        let raw = 0;
        if (e.dictionary && dictionary) {
          const header = encodeStruct(struct([1, DICTIONARY_PAGE], [2, e.dictionary.size], [3, sizeOf(dictionary)], [7, struct([1, e.dictionary.entries], [2, Encoding.PLAIN])]));
          raw += header.byteLength + e.dictionary.size;
          write([header, ...dictionary]);
        }
        const dataOffset = at;
        const header = encodeStruct(
          struct([1, DATA_PAGE], [2, e.data.size], [3, sizeOf(data)], [5, struct([1, e.rows], [2, e.data.encoding], [3, Encoding.RLE], [4, Encoding.RLE])]),
        );
        raw += header.byteLength + e.data.size;
        write([header, ...data]);
        chunks.push({ column: e.column, offset, bytes: at - offset, uncompressed: raw, rows: e.rows, ...(e.dictionary ? { dataOffset } : {}) });
      }
      groups.push({ rows: group.rows, chunks });
    };
    try {
      for (const batch of table.batches as RecordBatch[]) {
        for (let from = 0; from < batch.numRows; from += ROW_GROUP_ROWS) {
          const rows = Math.min(ROW_GROUP_ROWS, batch.numRows - from);
          const encoded = columns.map((column, c): EncodedChunk => {
            const data = batch.data.children[c] as Data;
            const levels = column.optional ? [definitionLevels(data, from, rows)] : [];
            const plain = column.values(data, from, rows);
            const dict = dictionaryOn[c] ? tryDictionary(column, plain, data, from, rows, () => (dictionaryOn[c] = false)) : undefined;
            const body = [...levels, ...(dict ? [dict.indices] : plain)];
            return {
              column,
              rows,
              ...(dict ? { dictionary: { entries: dict.entries, parts: [dict.dictionary], size: dict.dictionary.byteLength } } : {}),
              data: { parts: body, size: sizeOf(body), encoding: dict ? Encoding.RLE_DICTIONARY : Encoding.PLAIN },
            };
          });
          const pages = Promise.all(encoded.map(async (e) => ({ e, dictionary: e.dictionary ? await codec.encode(e.dictionary.parts) : undefined, data: await codec.encode(e.data.parts) })));
          // Awaited in turn by flush; handled now so a failure is not reported as unhandled meanwhile.
          pages.catch(() => undefined);
          queue.push({ rows, pages });
          if (queue.length > (codec === UNCOMPRESSED ? 0 : AHEAD)) await flush(queue.shift()!);
        }
      }
      while (queue.length > 0) await flush(queue.shift()!);
    } finally {
      // Pages still compressing when a write failed: their results are dropped.
      for (const q of queue) q.pages.catch(() => undefined);
    }
    const footer = encodeStruct(fileMetaData(table, columns, groups, createdBy, CODEC[codec.name]));
    const length = new Uint8Array(4);
    new DataView(length.buffer).setInt32(0, footer.byteLength, true);
    write([footer, length, MAGIC]);
  } finally {
    closeSync(fd);
  }
}

function fileMetaData(table: Table, columns: ParquetColumn[], groups: { rows: number; chunks: ChunkMeta[] }[], createdBy: string, codec: number): ThriftStruct {
  const schema = [
    struct([4, 'schema'], [5, columns.length]),
    ...columns.map((c) => struct([1, c.physical], [3, c.optional ? OPTIONAL : REQUIRED], [4, c.name], [6, c.converted])),
  ];
  const rowGroups = groups.map((g) =>
    struct(
      [1, list('struct', g.chunks.map((ch) => struct(
        [2, i64(ch.offset)],
        [3, struct(
          [1, ch.column.physical],
          [2, list('i32', [Encoding.PLAIN, ...(ch.column.optional ? [Encoding.RLE] : []), ...(ch.dataOffset !== undefined ? [Encoding.RLE_DICTIONARY] : [])])],
          [3, list('string', [ch.column.name])],
          [4, codec],
          [5, i64(ch.rows)],
          [6, i64(ch.uncompressed)],
          [7, i64(ch.bytes)],
          [9, i64(ch.dataOffset ?? ch.offset)],
          [11, ch.dataOffset !== undefined ? i64(ch.offset) : undefined],
        )],
      )))],
      [2, i64(g.chunks.reduce((a, ch) => a + ch.bytes, 0))],
      [3, i64(g.rows)],
    ),
  );
  return struct([1, 1], [2, list('struct', schema)], [3, i64(table.numRows)], [4, list('struct', rowGroups)], [6, createdBy]);
}
