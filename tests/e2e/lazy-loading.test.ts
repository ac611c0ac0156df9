import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT, runCli, scratchDir } from '../helpers.js';
import { writeFixtureRun } from '../unit/reporters/run-fixture.js';

/**
 * `dlc --help` and `dlc lint` must start fast: nothing that only running a pipeline needs (TensorFlow.js,
 * the terminal UI, DuckDB, the cluster queue, and the model-module checker unless a spec has a module model)
 * may be loaded. The real CLI runs under a hook (tests/fixtures/record-modules.mjs) that records every
 * module the process loads.
 */
const HEAVY = ['@tensorflow/', 'ink/', 'react/', '@duckdb/', 'bullmq/', 'ts-morph/'];
const HOOK = pathToFileURL(join(ROOT, 'tests', 'fixtures', 'record-modules.mjs')).href;

const tmp = scratchDir('dlc-lazy-');
after(() => rmSync(tmp, { recursive: true, force: true }));

let runs = 0;
/** Runs the CLI and returns the distinct module URLs it loaded. */
function loadedModules(args: string[]): string[] {
  const out = join(tmp, `modules-${runs++}.txt`);
  const r = runCli(args, { nodeArgs: ['--import', HOOK], env: { DLC_RECORD_MODULES: out } });
  assert.equal(r.status, 0, `dlc ${args.join(' ')} exited ${r.status}\n${r.stdout}${r.stderr}`);
  return [...new Set(readFileSync(out, 'utf8').split('\n').filter(Boolean))].sort();
}

function assertNothingHeavy(urls: string[], what: string): void {
  const heavy = urls.filter((u) => HEAVY.some((h) => u.includes(`/node_modules/${h}`)));
  assert.deepEqual(heavy, [], `${what} loaded modules it does not need`);
}

test('dlc --help loads none of the heavy packages', () => {
  const urls = loadedModules(['--help']);
  assert.ok(urls.some((u) => u.endsWith('/dist/cli/main.js')), 'the recorder saw the CLI itself');
  assertNothingHeavy(urls, 'dlc --help');
});

test('dlc lint specs/quickstart.yaml loads none of the heavy packages', () => {
  const urls = loadedModules(['lint', 'specs/quickstart.yaml']);
  assert.ok(urls.some((u) => u.endsWith('/dist/compiler/phases/1-parse/common-subset.js')), 'the recorder saw the spec reader');
  assertNothingHeavy(urls, 'dlc lint specs/quickstart.yaml');
  // Plain specs are read by the common-subset composer: the yaml library is not even loaded.
  assert.deepEqual(urls.filter((u) => u.includes('/node_modules/yaml/')), [], 'the yaml library was loaded for a plain spec');
});

test('dlc lint of a spec outside the common YAML subset loads the yaml library, and nothing heavy', () => {
  // The same spec behind a document-start marker, which only the yaml library reads.
  const text = readFileSync(join(ROOT, 'specs', 'quickstart.yaml'), 'utf8').replace('data: ./data/fashion-mnist-small', `data: ${join(ROOT, 'specs', 'data', 'fashion-mnist-small')}`);
  const file = join(tmp, 'marked.yaml');
  writeFileSync(file, `---\n${text}`);
  const urls = loadedModules(['lint', file]);
  assert.ok(urls.some((u) => u.includes('/node_modules/yaml/')), 'the recorder saw the YAML parser');
  assertNothingHeavy(urls, 'dlc lint of a spec with a document marker');
});

test('dlc lint specs/tabular-join.yaml loads none of the heavy packages', () => {
  const urls = loadedModules(['lint', 'specs/tabular-join.yaml']);
  // The data inspector is loaded with require(); seeing its modules shows that graph is recorded too.
  assert.ok(urls.some((u) => u.endsWith('/dist/runtime/data/inspect/csv.js')), 'the recorder saw the CSV inspector');
  assertNothingHeavy(urls, 'dlc lint specs/tabular-join.yaml');
});

test('dlc lint never samples join keys or reads a calibration; dlc plan does both, still without heavy packages', () => {
  const sketching = (u: string) => u.endsWith('/dist/runtime/data/inspect/key-sketch.js') || u.includes('/dist/runtime/data/sketches/') || u.endsWith('/dist/runtime/calibrate/cache.js');
  const lint = loadedModules(['lint', 'specs/tabular-join.yaml']);
  assert.deepEqual(lint.filter(sketching), []);
  const plan = loadedModules(['plan', 'specs/tabular-join.yaml']);
  assert.equal(plan.filter(sketching).length, 4, 'the key sampler, the two sketches and the calibration cache');
  assertNothingHeavy(plan, 'dlc plan specs/tabular-join.yaml');
});

test('dlc runs, dlc show and dlc report read run directories without the terminal UI or TensorFlow.js', () => {
  const run = join(tmp, 'runs', '20260301-100000-quickstart');
  writeFixtureRun(run);
  const heavy = [...HEAVY, 'playwright-core/'];
  for (const args of [['runs', tmp], ['show', run], ['report', run, '-o', join(tmp, 'r.html')]]) {
    const urls = loadedModules(args);
    assert.ok(urls.some((u) => u.includes('/dist/runtime/reporters/')), `dlc ${args[0]} loaded its reporter`);
    assert.deepEqual(urls.filter((u) => heavy.some((h) => u.includes(`/node_modules/${h}`))), [], `dlc ${args[0]} loaded modules it does not need`);
  }
});

test('dlc lint of a spec with a module: model loads the TypeScript checker, and still no engine', () => {
  const dir = join(tmp, 'module-model');
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(join(dir, 'models', 'net.ts'), 'export interface Hp { units: number }\nexport function build(hp: Hp): unknown { return hp; }\n');
  writeFileSync(
    join(dir, 'pipeline.yaml'),
    [
      'dlc: 1',
      'name: lazy',
      'sources: { rows: { format: csv, path: ./rows.csv } }',
      'steps:',
      '  search:',
      '    op: train',
      '    data: { train: rows }',
      '    features: [x]',
      '    label: y',
      '    model: { input_shape: [1], module: ./models/net.ts, export: build }',
      '    loss: sparse_categorical_crossentropy',
      '    search: { algorithm: grid, space: { units: { choice: [4] } }, objective: { metric: loss, mode: min } }',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'rows.csv'), 'x,y\n1,0\n2,1\n');
  const urls = loadedModules(['lint', join(dir, 'pipeline.yaml')]);
  assert.ok(urls.some((u) => u.includes('/node_modules/ts-morph/')), 'the factory was type-checked');
  const heavy = urls.filter((u) => HEAVY.filter((h) => h !== 'ts-morph/').some((h) => u.includes(`/node_modules/${h}`)));
  assert.deepEqual(heavy, []);
});
