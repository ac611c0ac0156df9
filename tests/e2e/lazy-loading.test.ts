import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT, runCli } from '../helpers.js';

/**
 * `dlc --help` and `dlc lint` must start fast: nothing that only running a pipeline needs (TensorFlow.js,
 * the terminal UI, DuckDB, the cluster queue, the model-module checker) may be loaded. The real CLI runs
 * under a hook (tests/fixtures/record-modules.mjs) that records every module the process loads.
 */
const HEAVY = ['@tensorflow/', 'ink/', 'react/', '@duckdb/', 'bullmq/', 'ts-morph/'];
const HOOK = pathToFileURL(join(ROOT, 'tests', 'fixtures', 'record-modules.mjs')).href;

const tmp = mkdtempSync(join(tmpdir(), 'dlc-lazy-'));
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
