import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT, runCli, scratchDir } from '../helpers.js';

/**
 * `dlc init`: every template gives a project that lints clean and runs at once, through the real CLI, in
 * a directory of its own. Runs are short (a few seconds of training each); the pytorch-trainer template runs
 * where a python3 with PyTorch is installed (Debian's python3-torch, as in CI).
 */
const tmp = scratchDir('dlc-init-');
after(() => rmSync(tmp, { recursive: true, force: true }));
// Compiled model modules are cached under $XDG_CACHE_HOME when no node_modules surrounds the project.
const env = { XDG_CACHE_HOME: join(tmp, 'cache') };
const dlc = (args: string[], cwd = tmp, timeoutMs?: number) => runCli(args, { cwd, env, ...(timeoutMs ? { timeoutMs } : {}) });
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

function init(template: string, dir = template): string {
  const r = dlc(['init', dir, '--template', template]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`created ${dir} from the ${template} template`));
  return join(tmp, dir);
}

function lintsClean(project: string): void {
  const pretty = dlc(['lint'], project);
  assert.equal(pretty.status, 0, pretty.stdout + pretty.stderr);
  assert.equal(pretty.stdout, '1 spec checked, no problems\n');
  // What the project's CI workflow runs: no annotations.
  const github = dlc(['lint', '--format', 'github'], project);
  assert.equal(github.status, 0);
  assert.equal(github.stdout, '');
}

function runs(project: string): { status: number | null; stdout: string; stderr: string } {
  return dlc(['run', 'pipeline.yaml', '--plain'], project, 180_000);
}

test('dlc init --list names every template with a description', () => {
  const r = dlc(['init', '--list']);
  assert.equal(r.status, 0);
  for (const name of ['image-classification', 'pytorch-trainer', 'tabular-join', 'typescript-model']) assert.match(r.stdout, new RegExp(`^${name} +\\S`, 'm'));
});

test('image-classification: init, lint clean, run, the best model exported', () => {
  const project = init('image-classification');
  for (const f of ['pipeline.yaml', 'README.md', 'package.json', '.gitignore', '.github/workflows/dlc.yml', 'data/fashion-mnist/README.md', 'data/fashion-mnist/train-images-idx3-ubyte.gz']) assert.ok(existsSync(join(project, f)), `${f} missing`);
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
  assert.equal(manifest.name, 'image-classification');
  assert.deepEqual(manifest.dependencies, { [pkg.name]: `^${pkg.version}` });
  assert.match(readFileSync(join(project, '.github/workflows/dlc.yml'), 'utf8'), /run: npx dlc lint --format github/);
  assert.match(readFileSync(join(project, 'pipeline.yaml'), 'utf8'), /^name: image-classification$/m);
  lintsClean(project);
  const r = runs(project);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.ok(existsSync(join(project, 'out/best-model/model.json')));
});

test('typescript-model: the generated factory agrees with the space, lints clean and trains through dlc run', () => {
  const project = init('typescript-model');
  const code = readFileSync(join(project, 'models/classifier.ts'), 'utf8');
  assert.match(code, /export interface Hyperparameters \{\n(?:.*\n)*? {2}units: number;\n(?:.*\n)*? {2}activation: 'relu' \| 'tanh';\n(?:.*\n)*? {2}batch_norm: boolean;\n/);
  assert.match(code, /^export function buildModel\(hp: Hyperparameters, ctx: ModelContext\): tfl\.LayersModel \{$/m);
  assert.match(code, /^import type \* as tfl from '@tensorflow\/tfjs-layers';$/m);
  lintsClean(project);
  const r = runs(project);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /search trial \d+ finished: val_accuracy/);
  assert.ok(existsSync(join(project, 'out/best-model/model.json')), 'the factory-built model is exported');

  // The lint check catches an edit to either side.
  const spec = join(project, 'pipeline.yaml');
  writeFileSync(spec, readFileSync(spec, 'utf8').replace('activation: { choice: [relu, tanh] }', 'activation: { choice: [relu, selu] }'));
  const bad = dlc(['lint', '--format', 'github'], project);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /^::error file=pipeline\.yaml,line=\d+,.*DLC424/m);
});

test('tabular-join: init, lint clean, run', () => {
  const project = init('tabular-join');
  assert.ok(existsSync(join(project, 'data/shop/orders.csv')));
  lintsClean(project);
  const r = runs(project);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.ok(existsSync(join(project, 'out/features.parquet')));
});

// Runs where a python3 with PyTorch exists (Debian's python3-torch, which CI installs); the template calls
// `python3` from PATH, so Debian's is put first when it is the one with torch.
const torchPython = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0);
test('pytorch-trainer: init, lint clean, run', { skip: torchPython === undefined ? 'no python3 with torch and numpy (apt-get install python3-torch)' : false }, () => {
  const project = init('pytorch-trainer');
  assert.match(readFileSync(join(project, 'pipeline.yaml'), 'utf8'), /command: \[python3, train\.py\]/);
  lintsClean(project);
  const python = spawnSync('python3', ['-m', 'py_compile', join(project, 'train.py')], { encoding: 'utf8' });
  if (python.error === undefined) assert.equal(python.status, 0, python.stderr);
  const path = torchPython === '/usr/bin/python3' ? `/usr/bin:${process.env.PATH ?? ''}` : (process.env.PATH ?? '');
  const r = runCli(['run', 'pipeline.yaml', '--plain'], { cwd: project, env: { ...env, PATH: path }, timeoutMs: 180_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /done in .*best: classifier trial \d+/);
});

test('init never overwrites: non-empty needs --force, identical files are kept, a differing file stops everything', () => {
  const dir = join(tmp, 'mine');
  mkdirSync(dir);
  writeFileSync(join(dir, 'notes.txt'), 'mine\n');
  const refused = dlc(['init', 'mine', '-t', 'tabular-join']);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /mine is not empty\nnothing was written; use --force/);
  assert.ok(!existsSync(join(dir, 'pipeline.yaml')));

  assert.equal(dlc(['init', 'mine', '-t', 'tabular-join', '--force']).status, 0);
  assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine\n');
  const again = dlc(['init', 'mine', '-t', 'tabular-join', '--force']);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /kept \d+ files already identical to the template's/);

  writeFileSync(join(dir, 'pipeline.yaml'), 'dlc: 1\nname: changed\n');
  unlinkSync(join(dir, 'README.md'));
  const clash = dlc(['init', 'mine', '-t', 'tabular-join', '--force']);
  assert.equal(clash.status, 1);
  assert.match(clash.stderr, /a file differs from the template's and would be overwritten:\n {2}pipeline\.yaml\nnothing was written/);
  assert.equal(readFileSync(join(dir, 'pipeline.yaml'), 'utf8'), 'dlc: 1\nname: changed\n');
  assert.ok(!existsSync(join(dir, 'README.md')), 'nothing was written, not even the missing files');
  const plain = dlc(['init', 'mine', '-t', 'tabular-join']);
  assert.equal(plain.status, 1);
  assert.match(plain.stderr, /these files would clash with the template's:\n {2}pipeline\.yaml\n/);
});

test('usage errors exit 2 with a hint', () => {
  const unknown = dlc(['init', 'x', '--template', 'tabular-joins']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no template 'tabular-joins' \(did you mean 'tabular-join'\?\)/);
  const noTemplate = dlc(['init', 'x']);
  assert.equal(noTemplate.status, 2);
  assert.match(noTemplate.stderr, /--template NAME\n {2}templates: image-classification, pytorch-trainer, tabular-join, typescript-model/);
  assert.equal(dlc(['init']).status, 2);
  assert.equal(dlc(['init', 'x', '--list']).status, 2);
  writeFileSync(join(tmp, 'a-file'), '');
  const file = dlc(['init', 'a-file', '-t', 'tabular-join']);
  assert.equal(file.status, 1);
  assert.match(file.stderr, /a-file exists and is not a directory/);
  assert.ok(!existsSync(join(tmp, 'x')));
});
