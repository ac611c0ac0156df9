/**
 * NumPy's .npy format (version 1.0), so external trainers read partitions with nothing but numpy
 * (`numpy.load`): Debian ships numpy with PyTorch but no Arrow or Parquet reader for Python.
 */
import { writeFile, rename } from 'node:fs/promises';

export function npyBytes(values: Float32Array | Int32Array, shape: readonly number[]): Buffer {
  const descr = values instanceof Float32Array ? '<f4' : '<i4';
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}

/** Writes atomically: a trainer never sees a half-written array. */
export async function writeNpy(path: string, values: Float32Array | Int32Array, shape: readonly number[]): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, npyBytes(values, shape));
  await rename(temp, path);
}
