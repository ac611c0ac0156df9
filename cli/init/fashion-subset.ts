/**
 * The first examples of a gzipped IDX file, as a gzipped IDX file: how `dlc init` gives an image template
 * data of its own without shipping a second copy of the images in the template.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

export function firstIdxItems(gzipped: Buffer, count: number, file: string): Buffer {
  const bytes = gunzipSync(gzipped);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) throw new Error(`${file}: not a uint8 IDX file`);
  const dims = bytes[3]!;
  const header = 4 + 4 * dims;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sizes = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const items = sizes[0] ?? 0;
  if (items < count) throw new Error(`${file} has ${items} items, ${count} wanted`);
  const itemBytes = sizes.slice(1).reduce((a, b) => a * b, 1);
  const out = Buffer.from(bytes.subarray(0, header + count * itemBytes));
  out.writeUInt32BE(count, 4);
  // Node's gzip header has no time or name in it: the same data gives the same bytes.
  return gzipSync(out, { level: 9 });
}
