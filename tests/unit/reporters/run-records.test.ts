import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { reportHtml } from '../../../runtime/reporters/html/report-html.js';
import { findRuns, resolveRun } from '../../../runtime/reporters/run-records/find-runs.js';
import { openRun } from '../../../runtime/reporters/run-records/open-run.js';
import { readRun } from '../../../runtime/reporters/run-records/read-run.js';
import { runsList } from '../../../runtime/reporters/text/runs-list.js';
import { showText } from '../../../runtime/reporters/text/show-text.js';
import { fixtureEvents, writeFixtureRun } from './run-fixture.js';
import { scratchDir } from '../../helpers.js';

const root = scratchDir('dlc-records-');
after(() => rmSync(root, { recursive: true, force: true }));

// A project: runs next to the spec (specs/runs), one under ./runs, and one stopped half way.
const done = join(root, 'specs', 'runs', '20260301-100000-quickstart');
const failed = join(root, 'runs', '20260302-090000-quickstart');
const stopped = join(root, 'specs', 'runs', '20260303-080000-quickstart');
writeFixtureRun(done);
writeFixtureRun(failed, { failing: [0, 1, 2, 3] });
const half = fixtureEvents({ runDir: stopped }).slice(0, 60);
writeFixtureRun(stopped);
writeFileSync(join(stopped, 'events.ndjson'), `${half.map((e) => JSON.stringify(e)).join('\n')}\n{"time":"2026-03-01T10:00:09.0`);
mkdirSync(join(root, 'specs', 'runs', 'not-a-run'), { recursive: true });
mkdirSync(join(root, 'node_modules', 'x', 'runs', 'r'), { recursive: true });
writeFileSync(join(root, 'node_modules', 'x', 'runs', 'r', 'plan.json'), '{}');

test('runs are found in DIR, DIR/runs and DIR/*/runs; a run directory names itself', () => {
  assert.deepEqual(findRuns(root).map((p) => p.slice(root.length + 1)).sort(), ['runs/20260302-090000-quickstart', 'specs/runs/20260301-100000-quickstart', 'specs/runs/20260303-080000-quickstart']);
  assert.deepEqual(findRuns(join(root, 'specs')).length, 2);
  assert.deepEqual(findRuns(done), [done]);
  assert.deepEqual(findRuns(join(root, 'nowhere')), []);
});

test('a run is named by path, id, a unique part of its id, or latest', () => {
  const startOf = (dir: string) => readRun(dir).startedAt ?? 0;
  assert.equal(resolveRun('specs/runs/20260301-100000-quickstart', root, startOf), done);
  assert.equal(resolveRun('20260302-090000-quickstart', root, startOf), failed);
  assert.equal(resolveRun('0302', root, startOf), failed);
  assert.throws(() => resolveRun('quickstart', root, startOf), /matches 3 runs/);
  assert.throws(() => resolveRun('nope', root, startOf), /no run 'nope'/);
  const latest = openRun(undefined, root);
  assert.ok('record' in latest);
  // All three fixtures start at the same time; the newest by start is one of them, deterministically chosen.
  assert.ok([done, failed, stopped].includes(latest.record.path));
  const missing = openRun(undefined, join(root, 'nowhere'));
  assert.ok('error' in missing && /no runs found/.test(missing.error));
});

test('read back: status, best objective, evaluations; a cut last line and an unfinished run', () => {
  const a = readRun(done);
  assert.equal(a.status, 'completed');
  assert.equal(a.best?.metric, 'val_accuracy');
  assert.equal(a.best?.trial, 3);
  assert.deepEqual(a.evaluations, { test_metrics: { loss: 0.458, accuracy: 0.83 } });
  const b = readRun(failed);
  assert.equal(b.status, 'completed');
  assert.equal(b.best, null);
  const c = readRun(stopped);
  assert.equal(c.status, 'unfinished');
  assert.ok(c.seconds !== null && c.seconds > 0);
  const lines = runsList([a, b, c], root);
  assert.match(lines[0]!, /^RUN +NAME +STARTED +STATUS +TIME +BEST$/);
  assert.match(lines[1]!, /^specs\/runs\/20260301-100000-quickstart +quickstart +2026-03-01 \d\d:00 +completed +\d+\.\ds +val_accuracy 0\.7863 \(trial 3\)$/);
  assert.match(lines[2]!, / – *$/);
  assert.match(lines[3]!, /unfinished/);
});

test('show: outcome, steps, trials best first, results, and how to continue an unfinished run', () => {
  const text = showText(readRun(done), root).join('\n');
  assert.match(text, /^quickstart {2}20260301-100000-quickstart$/m);
  assert.match(text, /^ {2}status {4}completed after \d+\.\ds$/m);
  assert.match(text, /^ {2}✓ split +split +0\.1s +train 5401, validation 599$/m);
  assert.match(text, /^ {2}★ +3 +128 +0\.003 +3 +completed +0\.7863/m);
  assert.match(text, /^best model +specs\/runs\/20260301-100000-quickstart\/best-model$/m);
  assert.match(text, /^test_metrics +loss 0\.4580 {2}accuracy 0\.8300$/m);
  const failedText = showText(readRun(failed), root).join('\n');
  assert.match(failedText, /trial 0: NaN loss/);
  assert.match(failedText, /warnings and errors/);
  assert.match(showText(readRun(stopped), root).join('\n'), /continue with: dlc run --resume specs\/runs\/20260303-080000-quickstart$/m);
});

test('the HTML report is one self-contained page with every chart and the plan decisions', () => {
  const html = reportHtml(readRun(done), { cwd: root, generatedAt: new Date(0) });
  assert.doesNotMatch(html, /<link|<script[^>]+src=|@import|url\(http|https?:\/\/(?!www\.w3\.org)/, 'the page must load nothing');
  for (const cls of ['chart curves', 'chart gantt', 'chart scatter', 'chart dag']) assert.ok(html.includes(`<svg class="${cls}"`), `no ${cls}`);
  assert.equal((html.match(/<svg class="chart curves"/g) ?? []).length, 4, 'one learning curve chart per metric');
  assert.equal((html.match(/<svg class="chart scatter"/g) ?? []).length, 2, 'one scatter per hyperparameter');
  assert.equal((html.match(/class="unit trial/g) ?? []).length, 24, 'one bar per unit');
  assert.match(html, /hopper is estimated 34% faster/);
  assert.match(html, /<td>no synchronous all-reduce on local workers<\/td>/);
  assert.match(html, /<td class="num nowrap">41\.50&nbsp;s<\/td>/);
  assert.match(html, /asked <b>auto<\/b>, chosen <b>hopper<\/b> <span class="muted">\(partitions 2\)<\/span>/);
  assert.match(html, /<code>rows<\/code><\/td><td class="num nowrap">5,401 rows<\/td><td class="nowrap">estimate<\/td><td class="muted">split\.train: 0\.9 of fashion_train<\/td>/);
  assert.match(html, /best model <code>[^<]*20260301-100000-quickstart\/best-model<\/code>/);
  // Text from the run is escaped.
  const tricky = readRun(failed);
  tricky.state = { ...tricky.state, log: [{ at: 0, level: 'error', message: '<script>alert(1)</script>' }] };
  assert.ok(reportHtml(tricky, { cwd: root }).includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});
