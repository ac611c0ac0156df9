import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Field, Int32, makeData, Utf8, vectorFromArray } from 'apache-arrow';
import { readTableFile, readTableFileBatches, writeTableFile } from '../../../runtime/data/table-file.js';
import { makeBatch, makeTable, tableOf } from '../../../runtime/relational/arrow/table-parts.js';
import { DataError } from '../../../runtime/relational/types.js';
import { ROOT } from '../../helpers.js';
import { rowsOf, tensorTable } from '../relational/fixtures.js';
import { makeTempDir } from './fixtures.js';

const dir = makeTempDir('table-file');
after(() => dir.remove());

const sample = () => {
  const n = 4;
  return tensorTable('image', 'float32', [2, 3], Float32Array.from({ length: n * 6 }, (_, i) => i / 7), [
    { field: new Field('label', new Int32(), false), data: makeData({ type: new Int32(), length: n, data: Int32Array.from([3, 1, 4, 1]), nullCount: 0 }) },
    { field: new Field('name', new Utf8(), true), data: vectorFromArray(['a', null, 'ccc', ''], new Utf8()).data[0]! },
  ]);
};

test('writeTableFile then readTableFile gives the same table, tensor shape metadata included; no temporary left', async () => {
  const path = join(dir.path, 'part-0.arrow');
  const table = sample();
  await writeTableFile(path, table);
  const back = readTableFile(path);
  assert.deepEqual(rowsOf(back), rowsOf(table));
  assert.equal(back.schema.fields[0]!.metadata.get('dlc.shape'), '[2,3]');
  assert.deepEqual(readdirSync(dir.path).filter((f) => f.startsWith('.')), []);
  // Overwriting replaces the file whole.
  await writeTableFile(path, table.slice(0, 1));
  assert.equal(readTableFile(path).numRows, 1);
});

test('readTableFileBatches streams the batches of a file; an empty table keeps its schema', async () => {
  const t = sample();
  const fields = t.schema.fields;
  const b = t.batches[0]!;
  const twice = makeTable(t.schema, [b, makeBatch(fields, b.data.children as never, b.numRows, t.schema)]);
  const path = join(dir.path, 'two.arrow');
  await writeTableFile(path, twice);
  const seen = [];
  for await (const batch of readTableFileBatches(path)) seen.push(batch.numRows);
  assert.deepEqual(seen, [4, 4]);
  const empty = join(dir.path, 'empty.arrow');
  await writeTableFile(empty, tableOf(fields, fields.map((f) => makeData({ type: f.type, length: 0, nullCount: 0 } as never)), 0));
  const e = readTableFile(empty);
  assert.equal(e.numRows, 0);
  assert.deepEqual(e.schema.fields.map((f) => f.name), ['image', 'label', 'name']);
});

function assertDataError(fn: () => unknown, file: string, fragment: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.equal(e.file, file);
    assert.ok(e.message.includes(file), e.message);
    assert.match(e.message, fragment);
    return true;
  });
}

test('readTableFile: truncated, damaged, foreign and missing files are DataErrors naming the file', async () => {
  const path = join(dir.path, 'whole.arrow');
  await writeTableFile(path, sample());
  const bytes = readFileSync(path);
  const cut = dir.write('cut.arrow', bytes.subarray(0, bytes.length - 20));
  assertDataError(() => readTableFile(cut), cut, /truncated/);
  const half = dir.write('half.arrow', bytes.subarray(0, bytes.length >> 1));
  assertDataError(() => readTableFile(half), half, /truncated/);
  const foreign = dir.write('foreign.arrow', 'a,b\n1,2\n');
  assertDataError(() => readTableFile(foreign), foreign, /not an Arrow IPC file/);
  const footer = Buffer.from(bytes);
  footer.writeInt32LE(bytes.length * 2, bytes.length - 10);
  const badFooter = dir.write('footer.arrow', footer);
  assertDataError(() => readTableFile(badFooter), badFooter, /footer length/);
  assertDataError(() => readTableFile(join(dir.path, 'nope.arrow')), join(dir.path, 'nope.arrow'), /does not exist/);
  await assert.rejects(writeTableFile(join(dir.path, 'no-such-dir', 'x.arrow'), sample()), (e: unknown) => e instanceof DataError && /does not exist/.test(e.message));
});

test('a writer killed mid-write leaves the old file or none, never a half file under the real name', async () => {
  const path = join(dir.path, 'crash.arrow');
  writeFileSync(join(dir.path, 'writer.mjs'), `
    import { writeTableFile } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'runtime', 'data', 'table-file.js')).href)};
    import { tableOf } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'runtime', 'relational', 'arrow', 'table-parts.js')).href)};
    import { Field, Float64, makeData } from ${JSON.stringify(import.meta.resolve('apache-arrow'))};
    const n = 8_000_000;
    const data = makeData({ type: new Float64(), length: n, data: new Float64Array(n).fill(1.5), nullCount: 0 });
    const table = tableOf([new Field('x', new Float64(), false)], [data], n);
    process.stdout.write('writing\\n');
    for (;;) await writeTableFile(${JSON.stringify(path)}, table);
  `);
  for (let round = 0; round < 3; round++) {
    const child = spawn(process.execPath, [join(dir.path, 'writer.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    await new Promise((r) => setTimeout(r, 30 + 40 * round));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    if (existsSync(path)) assert.equal(readTableFile(path).numRows, 8_000_000);
  }
});
