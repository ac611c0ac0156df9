import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { RunEvent } from '../../../runtime/events/types.js';
import { PlainReporter } from '../../../runtime/reporters/plain.js';
import { selectReporter } from '../../../runtime/reporters/select-reporter.js';
import { fixtureEvents, T0 } from './run-fixture.js';

function linesOf(events: RunEvent[], color: boolean): string[] {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const r = new PlainReporter(out, { color, cwd: '/runs' });
  for (const e of events) r.emit(e);
  return text.split('\n').filter(Boolean);
}

test('plain lines: no escape sequences without colour, one line per thing that happened', () => {
  const lines = linesOf(fixtureEvents(), false);
  assert.ok(lines.every((l) => !l.includes('\u001b')), 'an escape sequence in plain output');
  assert.match(lines[0]!, /^dlc run quickstart {2}run 20260301-100000-quickstart {2}seed 2020$/);
  assert.ok(lines.includes('  search trial 3 finished: val_accuracy 0.7863'), lines.join('\n'));
  assert.match(lines.at(-2)!, /^done in \d+\.\ds; best: search trial 3 \(units=128 lr=0\.003\) val_accuracy 0\.7863, model in 20260301-100000-quickstart\/best-model$/);
  // Paths outside the working directory are shown whole, not as ../../x.
  assert.equal(lines.at(-1), 'run directory: 20260301-100000-quickstart');
  const coloured = linesOf(fixtureEvents(), true);
  assert.ok(coloured.some((l) => l.includes('\u001b[32m')));
});

test('node_progress: a line per quarter passed, or after half a minute, never one per event', () => {
  const at = (ms: number) => new Date(T0 + ms).toISOString();
  const events: RunEvent[] = [{ type: 'node_started', node: 'join', op: 'join', time: at(0) }];
  for (let i = 1; i <= 100; i++) events.push({ type: 'node_progress', node: 'join', done: i * 10, total: 1000, time: at(i * 100) });
  // Slow at the end: 40 s without passing a quarter still says where it is.
  events.push({ type: 'node_progress', node: 'join', done: 999, total: 1000, time: at(50_000) });
  events.push({ type: 'node_finished', node: 'join', op: 'join', status: 'completed', seconds: 50, time: at(50_001) });
  const lines = linesOf(events, false);
  assert.deepEqual(lines.slice(0, -1), ['  join: 250/1000 (25%)', '  join: 500/1000 (50%)', '  join: 750/1000 (75%)', '  join: 999/1000 (99%)']);
  assert.match(lines.at(-1)!, /^✓ join \(join\)/);
});

test('reporter choice: --json, --plain, a pipe, CI and TERM=dumb give lines; a terminal gets the UI', () => {
  const tty = { json: false, plain: false, stderrIsTTY: true, env: {} };
  assert.equal(selectReporter(tty), 'tui');
  assert.equal(selectReporter({ ...tty, json: true }), 'json');
  assert.equal(selectReporter({ ...tty, plain: true }), 'plain');
  assert.equal(selectReporter({ ...tty, stderrIsTTY: false }), 'plain');
  assert.equal(selectReporter({ ...tty, env: { CI: 'true' } }), 'plain');
  assert.equal(selectReporter({ ...tty, env: { CI: '0' } }), 'tui');
  assert.equal(selectReporter({ ...tty, env: { TERM: 'dumb' } }), 'plain');
});
