/**
 * The IDX header (the format of the MNIST files): two zero bytes, a data-type byte, a dimension count, then
 * one big-endian uint32 per dimension. Shared by `dlc lint`'s inspector, which reads only this header, and
 * the loader, which reads the data after it, so both agree on what a valid file is.
 */

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** Data-type byte → element type and size; the IDX format defines exactly these six. */
const IDX_DTYPES: ReadonlyMap<number, { dtype: IdxDtype; itemSize: number }> = new Map([
  [0x08, { dtype: 'uint8', itemSize: 1 }],
  [0x09, { dtype: 'int8', itemSize: 1 }],
  [0x0b, { dtype: 'int16', itemSize: 2 }],
  [0x0c, { dtype: 'int32', itemSize: 4 }],
  [0x0d, { dtype: 'float32', itemSize: 4 }],
  [0x0e, { dtype: 'float64', itemSize: 8 }],
]);

export interface IdxHeader {
  /** The four magic bytes as one number, e.g. 0x00000803 for 3-d uint8 images. */
  magic: number;
  dtype: IdxDtype;
  itemSize: number;
  dims: number[];
  /** Bytes before the data: 4 + 4 per dimension. */
  headerBytes: number;
  /** Bytes of data the header promises: product(dims) × itemSize. */
  dataBytes: number;
}

/** A file that is not a well-formed IDX file; the message names the file. */
export class IdxFormatError extends Error {
  constructor(readonly file: string, message: string) {
    super(message);
    this.name = 'IdxFormatError';
  }
}

export const hex32 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** Bytes needed before the header can be parsed: the magic, then the dims it announces. */
export function idxHeaderLength(bytes: Uint8Array): number | undefined {
  const ndims = bytes[3];
  return ndims === undefined ? undefined : 4 + 4 * ndims;
}

/**
 * Parses the header at the start of `bytes` (the decompressed start of the file). Throws IdxFormatError
 * when the magic is wrong or the bytes end before the header does.
 */
export function parseIdxHeader(bytes: Uint8Array, file: string): IdxHeader {
  if (bytes.length < 4) throw new IdxFormatError(file, `${file}: truncated: ${bytes.length} bytes, too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const kind = IDX_DTYPES.get(bytes[2] ?? -1);
  const ndims = bytes[3] ?? 0;
  if (bytes[0] !== 0 || bytes[1] !== 0 || kind === undefined || ndims === 0) {
    throw new IdxFormatError(
      file,
      `${file}: not an IDX file: magic number ${hex32(magic)} (expected 0x000008NN for uint8 data with NN dimensions, ` +
        `e.g. 0x00000803 for images, 0x00000801 for labels)`,
    );
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new IdxFormatError(file, `${file}: truncated: the IDX header announces ${ndims} dimensions but the file ends after ${bytes.length} bytes`);
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const dataBytes = dims.reduce((a, b) => a * b, 1) * kind.itemSize;
  return { magic, dtype: kind.dtype, itemSize: kind.itemSize, dims, headerBytes, dataBytes };
}

/** Gzip streams start with 1f 8b. Decided by content, not name: some downloads keep `.gz` after being inflated. */
export const isGzipMagic = (bytes: Uint8Array): boolean => bytes[0] === 0x1f && bytes[1] === 0x8b;

/** How the header shape reads in a message: `60000×28×28 uint8`. */
export const describeIdx = (h: IdxHeader): string => `${h.dims.join('×')} ${h.dtype}`;
