import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createNodeHost } from '../../../cli/node-host.js';
import { compile } from '../../../compiler/index.js';
import { tableToExamples } from '../../../runtime/data/examples.js';
import { readTableFile, writeTableFile } from '../../../runtime/data/table-file.js';
import { runRelationalNode } from '../../../runtime/relational/run-node.js';
import { ROOT } from '../../helpers.js';
import { makeTempDir } from '../data/fixtures.js';
import { assertColumns, context, nodeOf } from './fixtures.js';

const dir = makeTempDir('quickstart');
after(() => dir.remove());

test('quickstart: source → normalize → stratified split → partition files → examples, with the plan\'s columns', async () => {
  const r = compile({ file: join(ROOT, 'specs', 'quickstart.yaml'), host: createNodeHost(process.env), mode: 'plan', cores: availableParallelism() });
  assert.ok(r.ok && r.plan);
  const plan = r.plan;
  const ctx = context(dir, { seed: plan.seed, workers: plan.resources.workers });
  const run = async (id: string, inputs: Record<string, import('apache-arrow').Table>) => runRelationalNode(nodeOf(plan, id), inputs, ctx);

  const source = (await run('fashion_train', {})).default!;
  assertColumns(source, nodeOf(plan, 'fashion_train').outputs.default?.columns);
  assert.equal(source.numRows, 6000);
  const scaled = (await run('scaled', { from: source })).default!;
  assertColumns(scaled, nodeOf(plan, 'scaled').outputs.default?.columns);
  const parts = await run('split', { from: scaled });
  assert.deepEqual(Object.keys(parts), ['train', 'validation']);
  assertColumns(parts.train!, nodeOf(plan, 'split').outputs.train?.columns);
  assert.equal(parts.train!.numRows + parts.validation!.numRows, 6000);
  assert.ok(Math.abs(parts.validation!.numRows - 600) <= 10, `validation has ${parts.validation!.numRows} rows`);

  const file = join(dir.path, 'train.arrow');
  await writeTableFile(file, parts.train!);
  const ex = tableToExamples(readTableFile(file), { features: ['image'], label: 'label' });
  assert.equal(ex.features.length, parts.train!.numRows * 784);
  assert.ok(ex.features.every((v) => v >= 0 && v <= 1));
  const perClass = new Array<number>(10).fill(0);
  for (const l of ex.labels) perClass[l]!++;
  const validationPerClass = new Array<number>(10).fill(0);
  for (const l of parts.validation!.getChild('label')!) validationPerClass[l as number]!++;
  for (let k = 0; k < 10; k++) {
    const share = validationPerClass[k]! / (validationPerClass[k]! + perClass[k]!);
    assert.ok(Math.abs(share - 0.1) < 0.01, `class ${k}: validation share ${share}`);
  }
});
