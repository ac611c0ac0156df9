import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { ROOT, runCli, scratchDir } from '../helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const invalid = (name: string) => join(ROOT, 'golden-tests', 'invalid', name, 'input.yaml');

test('README quickstart command runs', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const line = readme.split('\n').find((l) => l.includes('npx dlc '));
  assert.ok(line, 'README names a quickstart command');
  const args = line.slice(line.indexOf('npx dlc ') + 'npx dlc '.length).split('#')[0]!.trim().split(/\s+/);
  assert.deepEqual(args.slice(0, 2), ['run', 'specs/quickstart.yaml']);
  const r = runCli(args, { timeoutMs: 240_000 });
  assert.equal(r.status, 0, r.stderr);
  const dir = /^run directory: (.+)$/m.exec(r.stderr)?.[1];
  assert.ok(dir, r.stderr);
  const runDir = resolve(ROOT, dir);
  try {
    assert.match(r.stderr, /done in .*best: search trial \d/);
    assert.ok(existsSync(join(runDir, 'best-model', 'model.json')));
    assert.ok(existsSync(join(ROOT, 'out', 'quickstart-model', 'model.json')), 'the spec exports the best model');
    const evaluation = JSON.parse(readFileSync(join(runDir, 'evaluations', 'test_metrics.json'), 'utf8')) as { metrics: { accuracy: number } };
    assert.ok(evaluation.metrics.accuracy > 0.75, `test accuracy ${evaluation.metrics.accuracy}`);
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
});

test('--version and --help', () => {
  const v = runCli(['--version']);
  assert.equal(v.status, 0);
  assert.equal(v.stdout.trim(), pkg.version);
  const h = runCli(['--help']);
  assert.equal(h.status, 0);
  for (const c of ['run', 'lint', 'plan', 'schema', 'help']) assert.match(h.stdout, new RegExp(`^  ${c}\\b`, 'm'));
  const bare = runCli([]);
  assert.equal(bare.status, 2, 'no command is a usage error');
  assert.match(bare.stdout, /Usage: dlc <command>/);
  for (const c of ['lint', 'plan', 'run', 'schema']) {
    const a = runCli(['help', c]);
    const b = runCli([c, '--help']);
    assert.equal(a.status, 0);
    assert.equal(a.stdout, b.stdout);
    assert.match(a.stdout, new RegExp(`Usage: dlc ${c}`));
  }
});

test('usage errors exit 2 with a hint and no stack', () => {
  const r = runCli(['lnt', 'specs']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'lnt' \(did you mean 'lint'\?\)/);
  const f = runCli(['lint', 'specs', '--formt', 'json']);
  assert.equal(f.status, 2);
  assert.match(f.stderr, /unknown option '--formt' \(did you mean 'format'\?\)/);
  const bad = runCli(['lint', 'specs', '--format', 'xml']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--format must be pretty, json, github or sarif/);
  const missing = runCli(['lint', 'no/such/dir']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no such file or directory: no\/such\/dir/);
  const extra = runCli(['plan', 'a.yaml', 'b.yaml']);
  assert.equal(extra.status, 2);
  for (const x of [r, f, bad, missing, extra]) assert.doesNotMatch(x.stderr, /\n\s+at /);
});

test('lint of the examples directory is clean', () => {
  const r = runCli(['lint', 'specs']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /5 specs checked, no problems/);
});

test('lint of a directory with an invalid spec fails and names it', () => {
  const dir = scratchDir('dlc-lint-');
  writeFileSync(join(dir, 'good.yaml'), 'dlc: 1\nname: good\n');
  writeFileSync(join(dir, 'bad.yaml'), 'dlc: 1\nname: bad\nsteps:\n  a: { op: transform, from: nowhere }\n');
  writeFileSync(join(dir, 'fragment.yaml'), 'vars: { x: 1 }\n');
  const r = runCli(['lint', dir]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /bad\.yaml:4:29: error DLC309/);
  assert.doesNotMatch(r.stdout, /fragment\.yaml/);
});

test('--format github writes workflow commands', () => {
  const r = runCli(['lint', invalid('unknown-ref'), '--format', 'github']);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^::error file=golden-tests\/invalid\/unknown-ref\/input\.yaml,line=19,col=11,endLine=19,endColumn=16,title=DLC309::steps\.parts\.from: no source or step named 'claen'/m);
});

test('--format sarif writes a SARIF 2.1.0 log', () => {
  const r = runCli(['lint', invalid('unknown-column-filter'), '--format', 'sarif']);
  assert.equal(r.status, 1);
  const log = JSON.parse(r.stdout) as { version: string; runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
  assert.equal(log.version, '2.1.0');
  const result = log.runs[0]!.results[0]!;
  assert.equal(result.ruleId, 'DLC401');
  assert.equal(result.locations[0]!.physicalLocation.region.startLine, 16);
});

test('colour only when asked, never with NO_COLOR', () => {
  const plain = runCli(['lint', invalid('unknown-ref')]);
  assert.doesNotMatch(plain.stdout, /\x1b\[/);
  const forced = runCli(['lint', invalid('unknown-ref')], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
  assert.match(forced.stdout, /\x1b\[/);
  const both = runCli(['lint', invalid('unknown-ref')], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
  assert.doesNotMatch(both.stdout, /\x1b\[/);
});

test('--max-warnings turns warnings into a failure', () => {
  const spec = invalid('unused-hp-strict');
  assert.equal(runCli(['lint', spec]).status, 0);
  const r = runCli(['lint', spec, '--max-warnings', '0']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /1 warnings, more than --max-warnings 0|warnings, more than --max-warnings 0/);
  assert.equal(runCli(['lint', spec, '--max-warnings', 'x']).status, 2);
});

test('plan --json, --dot and --explain', () => {
  const json = runCli(['plan', 'specs/tabular-join.yaml', '--json']);
  assert.equal(json.status, 0, json.stderr);
  const plan = JSON.parse(json.stdout) as { nodes: { id: string; decision?: { kind: string; strategy: string | null } }[]; waves: string[][] };
  assert.equal(plan.nodes.find((n) => n.id === 'enriched')?.decision?.kind, 'join');
  assert.deepEqual(plan.waves[0], ['orders', 'customers']);
  const dot = runCli(['plan', 'specs/tabular-join.yaml', '--dot']);
  assert.match(dot.stdout, /^digraph "shop-returns" \{/);
  assert.match(dot.stdout, /"split" -> "classifier" \[label="train"\];/);
  const both = runCli(['plan', 'specs/tabular-join.yaml', '--dot', '--json']);
  assert.equal(both.status, 2);
});

test('plan of an unreadable spec is DLC100; more workers than cores is DLC500', () => {
  const r = runCli(['plan', 'specs']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /error DLC100 cannot read/);
  const w = runCli(['plan', 'specs/quickstart.yaml', '--workers', '512']);
  assert.equal(w.status, 0);
  assert.match(w.stderr, /info DLC500 resources\.workers: 512 local workers on a machine with \d+ cores/);
  assert.match(w.stdout, /512 workers \(flag\)/);
});

test('run treats missing data as an error; lint as a warning', () => {
  const spec = invalid('source-missing-at-lint');
  const lint = runCli(['lint', spec]);
  assert.equal(lint.status, 0);
  assert.match(lint.stdout, /warning DLC410/);
  const run = runCli(['run', spec]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /error DLC410/);
});
