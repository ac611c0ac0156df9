import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { inspectSource } from '../../../runtime/data/inspect/index.js';
import { assertOk, assertProblem, idxBytes, makeTempDir } from './fixtures.js';

const dir = makeTempDir('idx');
after(() => dir.remove());

for (const gzip of [false, true]) {
  const ext = gzip ? '.gz' : '';
  test(`idx${gzip ? ' gzip' : ' raw'}: image and label columns and the row count from the headers`, () => {
    const images = dir.write(`images-idx3-ubyte${ext}`, idxBytes('uint8', [7, 28, 28], undefined, { gzip }));
    const labels = dir.write(`labels-idx1-ubyte${ext}`, idxBytes('uint8', [7], [0, 1, 2, 3, 4, 5, 6], { gzip }));
    const stats = assertOk(inspectSource({ format: 'idx', images, labels }));
    assert.deepEqual(stats.schema, [
      { name: 'image', type: { tensor: 'uint8', shape: [28, 28] } },
      { name: 'label', type: 'int32' },
    ]);
    assert.equal(stats.rows, 7);
    assert.equal(stats.schemaFrom, 'idx header');
    assert.deepEqual(stats.files.map((f) => [f.path, f.rows]), [[images, 7], [labels, 7]]);
    assert.equal(stats.bytes, stats.files[0]!.bytes + stats.files[1]!.bytes);
  });
}

test('idx: images without labels; other element types map to the tensor types', () => {
  const f32 = dir.write('f32-idx3', idxBytes('float32', [2, 3, 4]));
  assert.deepEqual(assertOk(inspectSource({ format: 'idx', images: f32 })).schema, [{ name: 'image', type: { tensor: 'float32', shape: [3, 4] } }]);
  const i16 = dir.write('i16-idx2', idxBytes('int16', [2, 5]));
  assert.deepEqual(assertOk(inspectSource({ format: 'idx', images: i16 })).schema?.[0]?.type, { tensor: 'int32', shape: [5] });
  const labelsAsImages = dir.write('scalar-idx1', idxBytes('uint8', [4]));
  assert.deepEqual(assertOk(inspectSource({ format: 'idx', images: labelsAsImages })).schema?.[0]?.type, 'uint8');
});

test('idx: gzip is recognised by its magic bytes whatever the name, and a .gz name holding raw data is read as raw', () => {
  const gz = dir.write('no-extension', idxBytes('uint8', [2, 2, 2], undefined, { gzip: true }));
  assert.equal(assertOk(inspectSource({ format: 'idx', images: gz })).rows, 2);
  const raw = dir.write('inflated-by-browser.gz', idxBytes('uint8', [3, 2, 2]));
  assert.equal(assertOk(inspectSource({ format: 'idx', images: raw })).rows, 3);
});

test('idx corrupt: wrong magic number, raw and gzip', () => {
  const png = dir.write('picture.png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
  assertProblem(inspectSource({ format: 'idx', images: png }), 'corrupt', png, 'not an IDX file', 'magic number 0x89504e47');
  const badType = Uint8Array.from(idxBytes('uint8', [1, 2, 2]));
  badType[2] = 0x07;
  const file = dir.write('bad-type-idx3-ubyte.gz', gzipSync(badType));
  assertProblem(inspectSource({ format: 'idx', images: file }), 'corrupt', file, 'not an IDX file', '0x00000703');
});

test('idx corrupt: raw file size does not match the header (expected vs actual)', () => {
  const good = idxBytes('uint8', [10, 28, 28]);
  const short = dir.write('short-idx3-ubyte', good.subarray(0, good.length - 100));
  assertProblem(inspectSource({ format: 'idx', images: short }), 'corrupt', short, 'truncated', `implies ${good.length} bytes`, `has ${good.length - 100}`);
  const long = dir.write('long-idx3-ubyte', Buffer.concat([good, Buffer.alloc(5)]));
  assertProblem(inspectSource({ format: 'idx', images: long }), 'corrupt', long, 'too long', `has ${good.length + 5}`);
  const headerOnly = dir.write('header-cut-idx3-ubyte', good.subarray(0, 10));
  assertProblem(inspectSource({ format: 'idx', images: headerOnly }), 'corrupt', headerOnly, 'truncated', '3 dimensions');
});

test('idx corrupt: a truncated gzip file (trailer size disagrees with the header)', () => {
  const gz = idxBytes('uint8', [200, 28, 28], Array.from({ length: 200 * 784 }, (_, i) => (i * 7919) % 251), { gzip: true });
  const file = dir.write('cut-idx3-ubyte.gz', gz.subarray(0, Math.floor(gz.length / 2)));
  assertProblem(inspectSource({ format: 'idx', images: file }), 'corrupt', file, 'truncated or damaged gzip', `implies ${16 + 200 * 784}`);
  const garbage = dir.write('garbage.gz', Uint8Array.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
  assertProblem(inspectSource({ format: 'idx', images: garbage }), 'corrupt', garbage, 'cannot be inflated');
});

test('idx corrupt: images and labels counts disagree, naming both files', () => {
  const images = dir.write('count-images', idxBytes('uint8', [5, 2, 2]));
  const labels = dir.write('count-labels', idxBytes('uint8', [4]));
  const p = assertProblem(inspectSource({ format: 'idx', images, labels }), 'corrupt', images, '5 images', '4 labels');
  assert.ok(p.message.includes(labels));
});

test('idx corrupt: labels that are not 1-d integers (swapped files, float labels)', () => {
  const images = dir.write('swap-images', idxBytes('uint8', [3]));
  const labels = dir.write('swap-labels', idxBytes('uint8', [3, 2, 2]));
  assertProblem(inspectSource({ format: 'idx', images, labels }), 'corrupt', labels, 'must be a 1-d', 'swapped');
  const floatLabels = dir.write('float-labels', idxBytes('float32', [3]));
  const realImages = dir.write('real-images', idxBytes('uint8', [3, 2, 2]));
  assertProblem(inspectSource({ format: 'idx', images: realImages, labels: floatLabels }), 'corrupt', floatLabels, 'must be integers');
});

test('idx missing: an absent images or labels file', () => {
  const images = dir.write('present-images', idxBytes('uint8', [1, 2, 2]));
  const absent = `${dir.path}/absent-labels.gz`;
  assertProblem(inspectSource({ format: 'idx', images, labels: absent }), 'missing', absent, 'does not exist');
  assertProblem(inspectSource({ format: 'idx', images: `${dir.path}/absent-images` }), 'missing', `${dir.path}/absent-images`);
  assertProblem(inspectSource({ format: 'idx', images: dir.path }), 'missing', dir.path, 'is a directory');
});
