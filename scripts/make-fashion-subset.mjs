#!/usr/bin/env node
// Cuts the small Fashion-MNIST subset that ships with dlc for the quickstart: the first 6,000 training and
// the first 1,000 test examples, in the original IDX format, gzip-compressed.
//
//   node scripts/make-fashion-subset.mjs [sourceDir] [outDir]
//
// sourceDir defaults to /usr/share/datasets/fashion-mnist (Debian: apt-get install dataset-fashion-mnist),
// outDir to specs/data/fashion-mnist-small. The output depends only on the source data: items are taken in
// file order, and gzip is written with level 9 and no timestamp or file name, so a rerun gives the same bytes
// with the same zlib. Plain Node on purpose: it runs before anything is built.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const outDir = process.argv[3] ?? join(root, 'specs', 'data', 'fashion-mnist-small');

const SUBSETS = [
  { prefix: 'train', count: 6000 },
  { prefix: 't10k', count: 1000 },
];

/** The IDX header: 0x00, 0x00, data type (0x08 = uint8), number of dims, then big-endian uint32 dims. */
function parseHeader(bytes, file) {
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) throw new Error(`${file}: not a uint8 IDX file`);
  const ndims = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const headerBytes = 4 + 4 * ndims;
  const expected = headerBytes + dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) throw new Error(`${file}: ${bytes.length} bytes, the header implies ${expected}`);
  return { dims, headerBytes };
}

/** The first `count` items of an IDX file, with the header's first dimension rewritten to match. */
function firstItems(bytes, file, count) {
  const { dims, headerBytes } = parseHeader(bytes, file);
  if (dims[0] < count) throw new Error(`${file} has only ${dims[0]} items, ${count} requested`);
  const itemBytes = dims.slice(1).reduce((a, b) => a * b, 1);
  const out = new Uint8Array(headerBytes + count * itemBytes);
  out.set(bytes.subarray(0, headerBytes + count * itemBytes));
  new DataView(out.buffer).setUint32(4, count, false);
  return out;
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

mkdirSync(outDir, { recursive: true });
for (const { prefix, count } of SUBSETS) {
  const labelCounts = new Array(10).fill(0);
  for (const kind of ['images-idx3', 'labels-idx1']) {
    const name = `${prefix}-${kind}-ubyte.gz`;
    const source = join(sourceDir, name);
    const subset = firstItems(gunzipSync(readFileSync(source)), source, count);
    if (kind === 'labels-idx1') for (const label of subset.subarray(8)) labelCounts[label]++;
    // Node's gzip header carries no mtime and no name, so the bytes depend on the data alone.
    const gz = gzipSync(subset, { level: 9 });
    writeFileSync(join(outDir, name), gz);
    console.log(`${name}: ${count} items, ${gz.length} bytes gzip, sha256 of the uncompressed IDX ${sha256(subset)}`);
  }
  console.log(`${prefix} label counts (0-9): ${labelCounts.join(' ')}`);
}
