// The metadata module alone, not the package index: lint needs the footer parser, not the page decoders.
import { parquetMetadata, parquetSchema } from 'hyparquet/src/metadata.js';
import type { FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
import type { ColumnType } from '../../../compiler/spec/columns.js';
import { decodeMessage } from './arrow-ipc.js';
import { arrowColumnType, loadArrow } from './arrow-types.js';
import { readAt, readExactly, withFile, type OpenFile } from './file-bytes.js';
import type { FileInspection } from './file-schema.js';
import { corrupt } from './source-error.js';

const PAR1 = 0x31524150; // "PAR1" read as a little-endian uint32

/** Schema and row count of one Parquet file, from its footer: the last 8 bytes, then the metadata they locate. */
export function inspectParquetFile(path: string): FileInspection {
  return withFile(path, (file) => {
    const metadata = readFooter(file);
    const root = parquetSchema(metadata);
    const arrowTypes = arrowSchemaTypes(metadata, root, file.path);
    const columns = root.children.map((node) => ({
      name: node.element.name,
      type: arrowTypes.get(node.element.name) ?? parquetColumnType(node),
      nullable: node.element.repetition_type !== 'REQUIRED',
    }));
    const uncompressedBytes = metadata.row_groups.reduce((sum, g) => sum + g.columns.reduce((s, c) => s + Number(c.meta_data?.total_uncompressed_size ?? 0), 0), 0);
    return { columns, bytes: file.size, rows: Number(metadata.num_rows), ...(uncompressedBytes > 0 ? { uncompressedBytes } : {}) };
  });
}

/** The file metadata from the footer, checked for the magic bytes at both ends. */
export function readFooter(file: OpenFile): FileMetaData {
  if (file.size < 12) throw corrupt(file.path, `not a Parquet file: ${file.size} bytes is too small to hold one`);
  const head = readAt(file, 0, 4);
  if (u32(head, 0) !== PAR1) throw corrupt(file.path, 'not a Parquet file: it does not start with the magic bytes PAR1');
  const tail = readExactly(file, file.size - 8, 8, 'Parquet footer');
  if (u32(tail, 4) !== PAR1) {
    throw corrupt(file.path, 'truncated or damaged Parquet file: it starts with PAR1 but does not end with it (no footer)');
  }
  const metadataLength = u32(tail, 0);
  if (metadataLength > file.size - 12) {
    throw corrupt(file.path, `truncated or damaged Parquet file: the footer claims ${metadataLength} bytes of metadata in a ${file.size}-byte file`);
  }
  const footer = readExactly(file, file.size - 8 - metadataLength, metadataLength + 8, 'Parquet footer');
  try {
    return parquetMetadata(footer);
  } catch (e) {
    throw corrupt(file.path, `damaged Parquet footer: ${(e as Error).message}`);
  }
}

const u32 = (bytes: Uint8Array, offset: number): number => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, true);

/** Parquet physical type + annotations → our column type. */
function parquetColumnType(node: SchemaTree): ColumnType {
  const e = node.element;
  // Parquet has no fixed-size list: a list's length is only known from an embedded Arrow schema (above).
  // A REPEATED leaf is the legacy two-level list encoding: a list, not a scalar of its element type.
  if (node.children.length > 0 || e.type === undefined || e.repetition_type === 'REPEATED') return 'string';
  const logical = e.logical_type;
  if (logical?.type === 'DECIMAL' || e.converted_type === 'DECIMAL') return 'float64';
  if (logical?.type === 'DATE' || e.converted_type === 'DATE') return 'date';
  if (logical?.type === 'TIMESTAMP' || e.converted_type === 'TIMESTAMP_MILLIS' || e.converted_type === 'TIMESTAMP_MICROS') return 'timestamp';
  if (logical?.type === 'TIME' || e.converted_type === 'TIME_MILLIS' || e.converted_type === 'TIME_MICROS') return 'string';
  switch (e.type) {
    case 'BOOLEAN':
      return 'bool';
    case 'INT32':
      return int32Annotation(e);
    case 'INT64':
      return 'int64';
    case 'INT96':
      // Legacy Impala/Spark timestamps.
      return 'timestamp';
    case 'FLOAT':
      return 'float32';
    case 'DOUBLE':
      return 'float64';
    case 'FIXED_LEN_BYTE_ARRAY':
      return logical?.type === 'FLOAT16' ? 'float32' : 'string';
    case 'BYTE_ARRAY':
      // UTF8/STRING, ENUM, JSON and plain binary alike: text is the only column type that holds them.
      return 'string';
  }
}

/** INT32 carries 8- and 16-bit integers too, told apart by the INTEGER logical type or the older converted type. */
function int32Annotation(e: SchemaElement): ColumnType {
  const logical = e.logical_type;
  const [bits, signed] =
    logical?.type === 'INTEGER'
      ? [logical.bitWidth, logical.isSigned]
      : ({ INT_8: [8, true], INT_16: [16, true], UINT_8: [8, false], UINT_16: [16, false], UINT_32: [32, false] } as Record<string, [number, boolean]>)[
          e.converted_type ?? ''
        ] ?? [32, true];
  if (signed) return bits === 8 ? 'int8' : bits === 16 ? 'int16' : 'int32';
  return bits === 8 ? 'uint8' : bits === 16 ? 'int32' : 'int64';
}

/**
 * Writers that start from Arrow (pyarrow, arrow-rs, Spark with Arrow enabled) store the Arrow schema
 * under `ARROW:schema`. It is consulted only for list columns, where it is the one place that says a list
 * has a fixed size and so is a tensor; apache-arrow is loaded only then.
 */
function arrowSchemaTypes(metadata: FileMetaData, root: SchemaTree, path: string): Map<string, ColumnType> {
  const types = new Map<string, ColumnType>();
  const encoded = metadata.key_value_metadata?.find((kv) => kv.key === 'ARROW:schema')?.value;
  const lists = root.children.filter((c) => c.children.length > 0);
  if (!encoded || lists.length === 0) return types;
  let bytes: Uint8Array = Buffer.from(encoded, 'base64');
  // The value is an encapsulated IPC message: an optional continuation marker, a length, then the flatbuffer.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 8 && view.getInt32(0, true) === -1) bytes = bytes.subarray(8);
  else if (bytes.length >= 4) bytes = bytes.subarray(4);
  const runtime = loadArrow();
  let schema;
  try {
    const message = decodeMessage(bytes, path, runtime);
    if (!message.isSchema()) return types;
    schema = message.header();
  } catch {
    // A damaged hint is not a damaged file: the Parquet schema itself is still authoritative.
    return types;
  }
  for (const list of lists) {
    const field = schema.fields.find((f) => f.name === list.element.name);
    const type = field ? arrowColumnType(field.type, runtime) : undefined;
    if (type && typeof type !== 'string') types.set(list.element.name, type);
  }
  return types;
}
