import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { readIdx, readIdxFile, IdxFormatError } from '../../../runtime/data/idx.js';
import { idxBytes, makeTempDir } from './fixtures.js';

const dir = makeTempDir('idx-reader');
after(() => dir.remove());

test('readIdx: raw and gzip images with labels, labels as Int32Array', async () => {
  const pixels = Array.from({ length: 4 * 3 * 2 }, (_, i) => (i * 37) % 256);
  for (const gzip of [false, true]) {
    const images = dir.write(`imgs${gzip ? '.gz' : ''}`, idxBytes('uint8', [4, 3, 2], pixels, { gzip }));
    const labels = dir.write(`lbls${gzip ? '.gz' : ''}`, idxBytes('uint8', [4], [9, 0, 0, 3], { gzip }));
    const data = await readIdx(images, labels);
    assert.deepEqual(data.shape, [4, 3, 2]);
    assert.equal(data.dtype, 'uint8');
    assert.ok(data.images instanceof Uint8Array);
    assert.deepEqual([...data.images], pixels);
    assert.ok(data.labels instanceof Int32Array);
    assert.deepEqual([...data.labels!], [9, 0, 0, 3]);
  }
});

test('readIdxFile: multi-byte types are decoded from big-endian', async () => {
  const cases = [
    ['int8', Int8Array, [-128, -1, 0, 127]],
    ['int16', Int16Array, [-32768, -2, 258, 32767]],
    ['int32', Int32Array, [-2147483648, -3, 16909060, 2147483647]],
    ['float32', Float32Array, [-1.5, 0, 0.25, 65536.5]],
    ['float64', Float64Array, [-1e-300, 0, Math.PI, 1e300]],
  ] as const;
  for (const [dtype, Type, values] of cases) {
    const file = dir.write(`typed-${dtype}.gz`, idxBytes(dtype, [2, 2], [...values], { gzip: true }));
    const t = await readIdxFile(file);
    assert.equal(t.dtype, dtype);
    assert.deepEqual(t.shape, [2, 2]);
    assert.ok(t.data instanceof Type, dtype);
    assert.deepEqual([...t.data], [...values], dtype);
  }
});

test('readIdxFile: a large gzip file arrives across many stream chunks', async () => {
  const n = 3000;
  const values = Array.from({ length: n * 784 }, (_, i) => (i * 7919) % 251);
  const file = dir.write('large.gz', idxBytes('uint8', [n, 28, 28], values, { gzip: true }));
  const t = await readIdxFile(file);
  assert.equal(t.data.length, n * 784);
  assert.equal(t.data[n * 784 - 1], values[n * 784 - 1]);
  assert.equal(t.data[123_457], values[123_457]);
});

async function rejects(promise: Promise<unknown>, file: string, ...fragments: string[]): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof IdxFormatError, String(e));
    assert.equal(e.file, file);
    assert.ok(e.message.includes(file), e.message);
    for (const f of fragments) assert.ok(e.message.includes(f), `"${f}" not in: ${e.message}`);
    return true;
  });
}

test('readIdx errors: wrong magic, truncated raw, trailing data, truncated gzip, missing file', async () => {
  const bad = dir.write('bad-magic', Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
  await rejects(readIdxFile(bad), bad, 'not an IDX file', '0x01020304');

  const good = idxBytes('uint8', [10, 4, 4]);
  const short = dir.write('short', good.subarray(0, good.length - 3));
  await rejects(readIdxFile(short), short, 'truncated', 'needs 160 data bytes', 'has 157');
  const long = dir.write('long', Buffer.concat([good, Buffer.alloc(3)]));
  await rejects(readIdxFile(long), long, 'more data than the header');
  const huge = dir.write('huge', Uint8Array.from([0, 0, 8, 3, 255, 255, 255, 255, 0, 0, 255, 255, 0, 0, 255, 255, 1, 2, 3]));
  await rejects(readIdxFile(huge), huge, 'more than can be loaded');
  const tiny = dir.write('tiny', Uint8Array.from([0, 0, 8]));
  await rejects(readIdxFile(tiny), tiny, 'too short for an IDX header');

  const gz = idxBytes('uint8', [500, 28, 28], Array.from({ length: 500 * 784 }, (_, i) => (i * 7919) % 251), { gzip: true });
  const cut = dir.write('cut.gz', gz.subarray(0, gz.length - 1000));
  await rejects(readIdxFile(cut), cut, 'gzip data is truncated or corrupt');

  const absent = `${dir.path}/absent.gz`;
  await rejects(readIdxFile(absent), absent, 'does not exist');
});

test('readIdx errors: labels count, shape and type', async () => {
  const images = dir.write('r-images', idxBytes('uint8', [3, 2, 2]));
  const fewer = dir.write('r-fewer', idxBytes('uint8', [2]));
  await rejects(readIdx(images, fewer), images, '3 images', `${fewer} has 2 labels`);
  const square = dir.write('r-square', idxBytes('uint8', [3, 2, 2]));
  await rejects(readIdx(images, square), square, 'labels must be 1-d');
  const floats = dir.write('r-floats', idxBytes('float64', [3]));
  await rejects(readIdx(images, floats), floats, 'labels must be integers');
});
