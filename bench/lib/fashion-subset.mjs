// The first N training images and labels of an IDX data set (Fashion-MNIST), gzip-compressed into a
// directory: a subset bigger than the shipped 6,000 for the benchmarks whose units must be long enough
// that per-unit costs are a small share.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

export function writeFashionSubset(sourceDir, outDir, count) {
  for (const name of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']) {
    const bytes = gunzipSync(readFileSync(join(sourceDir, name)));
    const dims = bytes[3];
    const header = 4 + 4 * dims;
    const total = bytes.readUInt32BE(4);
    if (count > total) throw new Error(`a subset of ${count} items was asked for, but ${join(sourceDir, name)} holds ${total}`);
    let itemBytes = 1;
    for (let d = 1; d < dims; d++) itemBytes *= bytes.readUInt32BE(4 + 4 * d);
    const out = Buffer.from(bytes.subarray(0, header + count * itemBytes));
    out.writeUInt32BE(count, 4);
    writeFileSync(join(outDir, name), gzipSync(out, { level: 1 }));
  }
}
