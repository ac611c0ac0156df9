import { resolve } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import type { ColumnType } from '../../../compiler/spec/columns.js';
import { describeIdx, hex32, IdxFormatError, isGzipMagic, parseIdxHeader, type IdxDtype, type IdxHeader } from '../idx-header.js';
import { readAt, withFile, type OpenFile } from './file-bytes.js';
import type { InspectedColumn } from './file-schema.js';
import { corrupt, SourceError } from './source-error.js';

/** Compressed bytes inflated to find the header; a header is at most 1 KiB, this is ample even for dense data. */
const GZIP_HEAD_BYTES = 4096;

export interface IdxFileInfo {
  path: string;
  bytes: number;
  header: IdxHeader;
}

export interface IdxInspection {
  files: { path: string; bytes: number; rows: number }[];
  columns: InspectedColumn[];
  rows: number;
}

/**
 * The `image` and `label` columns of an IDX source, from the headers alone. Raw files are also checked for
 * the exact size the header implies; gzip files against the uncompressed size in their trailer.
 */
export function inspectIdx(imagesPath: string, labelsPath?: string): IdxInspection {
  const images = readIdxHeaderSync(imagesPath);
  const count = images.header.dims[0] ?? 0;
  const columns: InspectedColumn[] = [{ name: 'image', type: imageColumnType(images.header), nullable: false }];
  const files = [{ path: images.path, bytes: images.bytes, rows: count }];
  if (labelsPath !== undefined) {
    const labels = readIdxHeaderSync(labelsPath);
    const h = labels.header;
    if (h.dims.length !== 1) {
      throw corrupt(labels.path, `labels must be a 1-d IDX file (magic 0x00000801), this one is ${describeIdx(h)} (magic ${hex32(h.magic)}); are images and labels swapped?`);
    }
    if (h.dtype === 'float32' || h.dtype === 'float64') throw corrupt(labels.path, `labels must be integers, this file holds ${h.dtype}`);
    if (h.dims[0] !== count) {
      throw new SourceError('corrupt', images.path, `${images.path} has ${count} images but ${labels.path} has ${h.dims[0]} labels`);
    }
    columns.push({ name: 'label', type: 'int32', nullable: false });
    files.push({ path: labels.path, bytes: labels.bytes, rows: h.dims[0] ?? 0 });
  }
  return { files, columns, rows: count };
}

/** Reads and validates one IDX header without reading the data. Throws `corrupt` naming the file. */
export function readIdxHeaderSync(pathOrRelative: string): IdxFileInfo {
  const path = resolve(pathOrRelative);
  return withFile(path, (file) => {
    const start = readAt(file, 0, GZIP_HEAD_BYTES);
    try {
      const header = isGzipMagic(start) ? gzipHeader(file, start) : rawHeader(file, start);
      return { path, bytes: file.size, header };
    } catch (e) {
      // Its message already starts with the path, like every corrupt-file message.
      if (e instanceof IdxFormatError) throw new SourceError('corrupt', path, e.message);
      throw e;
    }
  });
}

function rawHeader(file: OpenFile, start: Uint8Array): IdxHeader {
  const header = parseIdxHeader(start, file.path);
  const expected = header.headerBytes + header.dataBytes;
  if (file.size !== expected) {
    throw corrupt(
      file.path,
      `${file.size < expected ? 'truncated' : 'too long'}: the header (${describeIdx(header)}) implies ${expected} bytes ` +
        `(${header.headerBytes} header + ${header.dataBytes} data), the file has ${file.size}`,
    );
  }
  return header;
}

function gzipHeader(file: OpenFile, start: Uint8Array): IdxHeader {
  let inflated: Buffer;
  try {
    // A sync flush inflates what these bytes hold without demanding the rest of the stream.
    inflated = gunzipSync(start, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch (e) {
    throw corrupt(file.path, `starts like gzip but cannot be inflated (${(e as Error).message})`);
  }
  const header = parseIdxHeader(inflated, file.path);
  // Gzip ends with the uncompressed size mod 2^32: a cheap way to see a cut-off download without inflating it.
  if (file.size > 18) {
    const trailer = readAt(file, file.size - 4, 4);
    const recorded = new DataView(trailer.buffer, trailer.byteOffset, 4).getUint32(0, true);
    const expected = (header.headerBytes + header.dataBytes) % 2 ** 32;
    if (recorded !== expected) {
      throw corrupt(
        file.path,
        `truncated or damaged gzip: the header (${describeIdx(header)}) implies ${expected} uncompressed bytes, ` +
          `the gzip trailer records ${recorded}`,
      );
    }
  }
  return header;
}

/** Tensor columns hold uint8, int32 or float32: wider IDX types map onto the nearest. A 1-d file is a scalar column. */
function imageColumnType(h: IdxHeader): ColumnType {
  if (h.dims.length === 1) return h.dtype;
  const dtype: Record<IdxDtype, 'uint8' | 'int32' | 'float32'> = {
    uint8: 'uint8',
    int8: 'int32',
    int16: 'int32',
    int32: 'int32',
    float32: 'float32',
    float64: 'float32',
  };
  return { tensor: dtype[h.dtype], shape: h.dims.slice(1) };
}
