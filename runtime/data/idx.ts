/**
 * Loads IDX files (MNIST, Fashion-MNIST) into typed arrays. Gzip is inflated as a stream straight into one
 * preallocated buffer sized from the header, so a 47 MB training set never exists twice in memory.
 */
import { createReadStream, closeSync, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { describeIdx, IdxFormatError, idxHeaderLength, isGzipMagic, parseIdxHeader, type IdxDtype, type IdxHeader } from './idx-header.js';

export { IdxFormatError, type IdxDtype } from './idx-header.js';

export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxTensor {
  dtype: IdxDtype;
  /** All dimensions, the first being the number of items. */
  shape: number[];
  data: IdxArray;
}

export interface IdxDataset {
  /** Pixel data, row-major, in the file's own element type (uint8 for MNIST-style images). */
  images: IdxArray;
  dtype: IdxDtype;
  /** `[count, ...imageShape]`, e.g. `[60000, 28, 28]`. */
  shape: number[];
  labels?: Int32Array;
}

/** Reads one IDX file, raw or gzip, checking that the data is exactly as long as the header says. */
export async function readIdxFile(path: string): Promise<IdxTensor> {
  const gzip = startsWithGzipMagic(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const gunzip = gzip ? createGunzip() : undefined;
  if (gunzip) {
    // pipe() does not forward read errors to the destination; without this a failing read would hang the loop.
    raw.on('error', (e) => gunzip.destroy(e));
    raw.pipe(gunzip);
  }
  const source: AsyncIterable<Buffer> = gunzip ?? raw;

  let head: Uint8Array = new Uint8Array(0);
  let header: IdxHeader | undefined;
  let out: Uint8Array = new Uint8Array(0);
  let written = 0;
  try {
    for await (const chunk of source) {
      let bytes: Uint8Array = chunk;
      if (!header) {
        head = concat(head, bytes);
        const need = idxHeaderLength(head);
        if (need === undefined || head.length < need) continue;
        header = parseIdxHeader(head, path);
        out = allocate(header, path);
        bytes = head.subarray(header.headerBytes);
      }
      if (written + bytes.length > out.length) {
        throw new IdxFormatError(path, `${path}: more data than the header (${describeIdx(header)}) says: expected ${out.length} data bytes`);
      }
      out.set(bytes, written);
      written += bytes.length;
    }
  } catch (e) {
    if (e instanceof IdxFormatError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new IdxFormatError(path, `${path} does not exist`);
    if (gzip && typeof err.code === 'string' && err.code.startsWith('Z_')) {
      throw new IdxFormatError(path, `${path}: gzip data is truncated or corrupt (${err.message})`);
    }
    throw new IdxFormatError(path, `${path}: cannot be read: ${err.message}`);
  } finally {
    raw.destroy();
    gunzip?.destroy();
  }
  // A file shorter than its own header: parsing what there is reports exactly how it falls short.
  header ??= parseIdxHeader(head, path);
  if (written !== header.dataBytes) {
    throw new IdxFormatError(
      path,
      `${path}: truncated: the header (${describeIdx(header)}) needs ${header.dataBytes} data bytes, the file has ${written}`,
    );
  }
  return { dtype: header.dtype, shape: header.dims, data: toTypedArray(out, header.dtype) };
}

/**
 * Reads an images file and, optionally, its labels. Labels must be a 1-d integer file with one label per
 * image; they come back as Int32Array whatever their stored width, since that is what training consumes.
 */
export async function readIdx(imagesPath: string, labelsPath?: string): Promise<IdxDataset> {
  const [images, labels] = await Promise.all([readIdxFile(imagesPath), labelsPath ? readIdxFile(labelsPath) : undefined]);
  const result: IdxDataset = { images: images.data, dtype: images.dtype, shape: images.shape };
  if (labels && labelsPath) {
    if (labels.shape.length !== 1) {
      throw new IdxFormatError(labelsPath, `${labelsPath}: labels must be 1-d, this file is ${labels.shape.join('×')} (are images and labels swapped?)`);
    }
    if (labels.dtype === 'float32' || labels.dtype === 'float64') {
      throw new IdxFormatError(labelsPath, `${labelsPath}: labels must be integers, this file holds ${labels.dtype}`);
    }
    if (labels.shape[0] !== images.shape[0]) {
      throw new IdxFormatError(
        imagesPath,
        `${imagesPath} has ${images.shape[0]} images but ${labelsPath} has ${labels.shape[0]} labels`,
      );
    }
    result.labels = labels.data instanceof Int32Array ? labels.data : Int32Array.from(labels.data as ArrayLike<number>);
  }
  return result;
}

function startsWithGzipMagic(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new IdxFormatError(path, `${path} does not exist`);
    throw new IdxFormatError(path, `${path}: cannot be read: ${err.message}`);
  }
  try {
    const magic = new Uint8Array(2);
    readSync(fd, magic, 0, 2, 0);
    return isGzipMagic(magic);
  } finally {
    closeSync(fd);
  }
}

/** A damaged header can promise terabytes; that is a bad file, not an out-of-memory crash. */
function allocate(header: IdxHeader, path: string): Uint8Array {
  try {
    return new Uint8Array(header.dataBytes);
  } catch {
    throw new IdxFormatError(path, `${path}: the header (${describeIdx(header)}) promises ${header.dataBytes} bytes of data, more than can be loaded`);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const c = new Uint8Array(a.length + b.length);
  c.set(a, 0);
  c.set(b, a.length);
  return c;
}

/** IDX stores multi-byte values big-endian; typed arrays use the host's order, so they are decoded one by one. */
function toTypedArray(bytes: Uint8Array, dtype: IdxDtype): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'uint8':
      return bytes;
    case 'int8':
      return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    case 'int16': {
      const a = new Int16Array(bytes.length / 2);
      for (let i = 0; i < a.length; i++) a[i] = view.getInt16(2 * i, false);
      return a;
    }
    case 'int32': {
      const a = new Int32Array(bytes.length / 4);
      for (let i = 0; i < a.length; i++) a[i] = view.getInt32(4 * i, false);
      return a;
    }
    case 'float32': {
      const a = new Float32Array(bytes.length / 4);
      for (let i = 0; i < a.length; i++) a[i] = view.getFloat32(4 * i, false);
      return a;
    }
    case 'float64': {
      const a = new Float64Array(bytes.length / 8);
      for (let i = 0; i < a.length; i++) a[i] = view.getFloat64(8 * i, false);
      return a;
    }
  }
}
