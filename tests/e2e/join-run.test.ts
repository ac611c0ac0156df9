// `dlc run` of relational steps only: every join runs the plan's strategy and build side, its events say
// so, and a plan the real sizes would have changed is reported, not silently changed.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ExecutionPlan } from '../../compiler/phases/5-plan/plan-types.js';
import type { Log, NodeFinished, RunEvent } from '../../runtime/events/types.js';
import { startRun } from './run-fixture.js';
import { scratchDir } from '../helpers.js';

function writeData(dir: string): void {
  // facts: 3,000 rows, x from 0; users: 400 keys; cats: 5 rows.
  const facts = ['id,k,x,c', ...Array.from({ length: 3_000 }, (_, i) => `${i},${(i * 7) % 500},${i},${i % 5}`)];
  const users = ['k,name', ...Array.from({ length: 400 }, (_, i) => `${i},u${i}`)];
  const cats = ['c,label', ...Array.from({ length: 5 }, (_, i) => `${i},c${i}`)];
  writeFileSync(join(dir, 'facts.csv'), `${facts.join('\n')}\n`);
  writeFileSync(join(dir, 'users.csv'), `${users.join('\n')}\n`);
  writeFileSync(join(dir, 'cats.csv'), `${cats.join('\n')}\n`);
}

test('dlc run: each join runs the plan\'s decision; node_finished.join reports it with the check against the real sizes', async () => {
  const dir = scratchDir('dlc-join-run-');
  writeData(dir);
  // The filter keeps 10 of 3,000 rows, which the planner cannot know (it takes the upper bound): it builds
  // on users, while the rows that arrive make `recent` the smaller side.
  writeFileSync(
    join(dir, 'spec.yaml'),
    `dlc: 1
name: joins
resources: { workers: 2 }
sources:
  facts: { format: csv, path: ./facts.csv }
  users: { format: csv, path: ./users.csv }
  cats: { format: csv, path: ./cats.csv }
steps:
  recent: { op: transform, from: facts, filter: x < 10 }
  with_users: { op: join, left: recent, right: users, on: k }
  with_cats: { op: join, left: with_users, right: cats, on: c }
  out: { op: export, from: with_cats, path: ./out.csv }
`,
  );
  const run = startRun([join(dir, 'spec.yaml'), '--run-dir', join(dir, 'run'), '--no-cache']);
  assert.equal(await run.done, 0, run.stderr());
  const plan = JSON.parse(readFileSync(join(dir, 'run', 'plan.json'), 'utf8')) as ExecutionPlan;
  const finished = (id: string) => run.events.find((e): e is NodeFinished => e.type === 'node_finished' && e.node === id)!;
  for (const id of ['with_users', 'with_cats']) {
    const node = plan.nodes.find((n) => n.id === id)!;
    const report = finished(id).join!;
    assert.ok(report, `${id} reports its join`);
    assert.equal(report.chosen_by, 'plan');
    assert.equal(report.strategy, node.decision!.strategy, `${id} ran the plan's strategy`);
    assert.equal(report.build_side, node.decision!.settings.build_side, `${id} built on the plan's side`);
    assert.ok(report.check, `${id} was checked against the sizes it met`);
    assert.ok(report.phases.length > 0);
  }
  const first = finished('with_users').join!;
  assert.deepEqual([first.rows.left, first.rows.right, first.rows.output], [10, 400, 10]);
  assert.equal(first.check!.planned.left.rows, 3_000);
  assert.equal(first.check!.actual.left.rows, 10);
  assert.equal(first.build_side, 'right', 'the plan\'s build side, from its estimates');
  assert.equal(first.check!.build_side, 'left', 'the real sizes would build on the filtered side');
  assert.equal(first.check!.agrees, false);
  const warned = run.events.filter((e: RunEvent): e is Log => e.type === 'log' && e.level === 'warn' && e.message.startsWith('with_users: '));
  assert.equal(warned.length, 1, 'one warning says the plan would differ');
  assert.match(warned[0]!.message, /the join runs as planned/);
  assert.equal(readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n').length, 11);
});
