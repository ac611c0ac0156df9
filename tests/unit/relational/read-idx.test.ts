import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { readSource } from '../../../runtime/relational/read-source.js';
import { tensorShape } from '../../../runtime/relational/arrow/tensor-field.js';
import { DataError } from '../../../runtime/relational/types.js';
import { idxBytes, makeTempDir } from '../data/fixtures.js';
import { assertColumns, compilePlan, context, nodeOf } from './fixtures.js';

const dir = makeTempDir('read-idx');
after(() => dir.remove());

const spec = (images: string, labels?: string) => `dlc: 1
name: t
sources:
  digits:
    format: idx
    images: ${images}
${labels ? `    labels: ${labels}\n` : ''}`;

test('idx source: image is a uint8 tensor column with its shape, label int32, as the plan says', async () => {
  const pixels = Array.from({ length: 5 * 3 * 2 }, (_, i) => (i * 31) % 256);
  for (const gzip of [false, true]) {
    const ext = gzip ? '.gz' : '';
    dir.write(`imgs${ext}`, idxBytes('uint8', [5, 3, 2], pixels, { gzip }));
    dir.write(`lbls${ext}`, idxBytes('uint8', [5], [4, 0, 9, 1, 1], { gzip }));
    const plan = compilePlan(dir, spec(`imgs${ext}`, `lbls${ext}`));
    const node = nodeOf(plan, 'digits');
    const table = await readSource(node, context(dir));
    assertColumns(table, node.outputs.default?.columns);
    assert.equal(table.numRows, 5);
    const image = table.schema.fields[0]!;
    assert.equal(image.metadata.get('dlc.shape'), '[3,2]');
    assert.deepEqual(tensorShape(image), [3, 2]);
    assert.deepEqual([...table.getChild('image')!.get(1)!], pixels.slice(6, 12));
    assert.deepEqual([...table.getChild('label')!], [4, 0, 9, 1, 1]);
  }
});

test('idx source without labels has only the image column', async () => {
  dir.write('only.idx', idxBytes('uint8', [2, 2, 2]));
  const node = nodeOf(compilePlan(dir, spec('only.idx')), 'digits');
  const table = await readSource(node, context(dir));
  assertColumns(table, node.outputs.default?.columns);
  assert.equal(table.numRows, 2);
});

async function rejectsNaming(p: Promise<unknown>, file: string, fragment: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.equal(e.file, file);
    assert.ok(e.message.includes(file), e.message);
    assert.ok(e.message.includes(fragment), `"${fragment}" not in: ${e.message}`);
    return true;
  });
}

test('idx source: wrong magic, size not matching the header, and a missing file are DataErrors naming the file', async () => {
  const good = idxBytes('uint8', [3, 2, 2]);
  const labels = dir.write('l3', idxBytes('uint8', [3], [1, 2, 3]));
  const node = (images: string) => ({ id: 'digits', kind: 'source' as const, op: 'source:idx', inputs: [], outputs: {}, config: { format: 'idx', images, labels } });

  const badMagic = Uint8Array.from(good);
  badMagic[2] = 0x42;
  await rejectsNaming(readSource(node(dir.write('magic', badMagic)), context(dir)), `${dir.path}/magic`, 'not an IDX file');
  await rejectsNaming(readSource(node(dir.write('short', good.subarray(0, good.length - 3))), context(dir)), `${dir.path}/short`, 'truncated');
  await rejectsNaming(readSource(node(dir.write('long', Uint8Array.from([...good, 0, 0]))), context(dir)), `${dir.path}/long`, 'more data than the header');
  await rejectsNaming(readSource(node(`${dir.path}/absent`), context(dir)), `${dir.path}/absent`, 'does not exist');
  const gz = idxBytes('uint8', [3, 2, 2], undefined, { gzip: true });
  await rejectsNaming(readSource(node(dir.write('cut.gz', gz.subarray(0, gz.length - 12))), context(dir)), `${dir.path}/cut.gz`, 'truncated');
  const fourLabels = dir.write('l4', idxBytes('uint8', [4], [1, 2, 3, 4]));
  await rejectsNaming(
    readSource({ ...node(dir.write('three', good)), config: { format: 'idx', images: `${dir.path}/three`, labels: fourLabels } }, context(dir)),
    `${dir.path}/three`,
    '4 labels',
  );
});
