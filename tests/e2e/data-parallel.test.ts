import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { RunEvent, RunFinished, TrialFinished, UnitFinished, WorkerUp } from '../../runtime/events/types.js';
import { plannedBytes, readEvents, startRun, writeSpec } from './run-fixture.js';

const completedUnits = (events: readonly RunEvent[]) => events.filter((e): e is UnitFinished => e.type === 'unit_finished' && e.status === 'completed');

test('parallelism: data trains one trial at a time on both workers; units are epochs on the group; bytes add up', async () => {
  const spec = writeSpec({ parallelism: 'data', units: [16, 32], epochs: 2 });
  const run = startRun([spec, '--run-dir', join(dirname(spec), 'run')]);
  assert.equal(await run.done, 0, run.stderr());
  const events = run.events;
  assert.ok(!events.some((e) => e.type === 'log' && e.level === 'warn'), 'no fallback warning');
  const units = completedUnits(events);
  assert.equal(units.length, 2 * 2);
  for (const u of units) {
    assert.equal(u.partition, 'all');
    assert.deepEqual(u.workers, ['w0', 'w1']);
    assert.equal(u.worker, 'w0');
    assert.equal(u.examples, 4800, 'an epoch of the group covers all the training rows');
    assert.ok(u.bytes_moved! > 0);
  }
  // One trial at a time: trial 1 starts after trial 0's last unit.
  const starts = events.filter((e) => e.type === 'unit_started').map((e) => (e as { trial: number }).trial);
  assert.deepEqual(starts, [0, 0, 1, 1]);
  const trials = events.filter((e): e is TrialFinished => e.type === 'trial_finished');
  assert.equal(trials.length, 2);
  for (const t of trials) assert.equal(t.bytes_moved, units.filter((u) => u.trial === t.trial).reduce((n, u) => n + u.bytes_moved!, 0));
  const finished = events.at(-1) as RunFinished;
  assert.equal(finished.status, 'completed');
  assert.equal(finished.bytes_moved, trials.reduce((n, t) => n + t.bytes_moved, 0));
  assert.ok(finished.best && finished.best.objective! > 0.5, JSON.stringify(finished.best));
  // The plan estimates every configuration at the largest (32 units): that trial moved what it planned.
  const perConfiguration = plannedBytes(join(dirname(spec), 'run'), 'data') / 2;
  const largest = trials.find((t) => t.params.units === 32)!;
  assert.ok(Math.abs(largest.bytes_moved / perConfiguration - 1) < 0.01, `measured ${largest.bytes_moved} B, planned ${perConfiguration} B`);

  // --replay of a data-parallel run: nothing to repeat, said so, and the same results from the seed.
  const replay = startRun([spec, '--run-dir', join(dirname(spec), 'run-replay'), '--replay', join(dirname(spec), 'run')]);
  assert.equal(await replay.done, 0, replay.stderr());
  assert.ok(replay.events.some((e) => e.type === 'log' && e.level === 'warn' && /no order to repeat/.test(e.message)));
  const finals = (es: typeof events) => es.flatMap((e) => (e.type === 'trial_finished' ? [[e.trial, e.metrics]] : []));
  assert.deepEqual(finals(replay.events), finals(events));
});

test('data parallelism survives kill -9 of a worker: the epoch runs again on the workers left', async () => {
  const spec = writeSpec({ parallelism: 'data', units: [16], epochs: 3 });
  const run = startRun([spec, '--run-dir', join(dirname(spec), 'run')]);
  const victim = (await run.when((e) => e.type === 'worker_up' && e.worker === 'w1')) as WorkerUp;
  await run.when((e) => e.type === 'unit_started' && e.epoch === 1);
  process.kill(victim.pid, 'SIGKILL');
  assert.equal(await run.done, 0, run.stderr());
  const events = run.events;
  assert.ok(events.some((e) => e.type === 'unit_finished' && e.status === 'lost'), 'the unit in flight was lost');
  const units = completedUnits(events);
  assert.deepEqual(units.map((u) => u.epoch), [0, 1, 2], 'every epoch trained once');
  assert.deepEqual(units.at(-1)!.workers, ['w0']);
  assert.equal((events.at(-1) as RunFinished).status, 'completed');
});

test('Ctrl-C ends a data-parallel run after the epoch in flight; --resume trains the rest', async () => {
  const spec = writeSpec({ parallelism: '{ strategy: data, sync: ssp, staleness: 2 }', units: [16], epochs: 3 });
  const dir = join(dirname(spec), 'run');
  const run = startRun([spec, '--run-dir', dir]);
  await run.when((e) => e.type === 'unit_finished' && e.status === 'completed');
  run.child.kill('SIGINT');
  assert.equal(await run.done, 130, run.stderr());
  const resumed = startRun(['--resume', dir]);
  assert.equal(await resumed.done, 0, resumed.stderr());
  const events = readEvents(dir);
  const units = completedUnits(events);
  assert.deepEqual(units.map((u) => u.epoch), [0, 1, 2]);
  for (const u of units) assert.ok(u.staleness && u.staleness.bound === 2 && u.staleness.max_clock_gap <= 2, JSON.stringify(u.staleness));
  assert.equal(events.filter((e) => e.type === 'trial_finished').length, 1);
});
