import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers.js';
import type { RunEvent, RunFinished, WorkerUp } from '../../runtime/events/types.js';
import { checkHopperInvariants, finalOf, readEvents, startRun, writeSpec } from './run-fixture.js';

const runDirOf = (events: readonly RunEvent[]) => (events.find((e) => e.type === 'run_started') as { run_dir: string }).run_dir;

test('a hopper grid on 2 workers: events keep the invariants, the run directory holds what it promises', async () => {
  const spec = writeSpec({ parallelism: '{ strategy: hopper, partitions: 2 }' });
  const run = startRun([spec, '--run-dir', join(dirname(spec), 'run-a')]);
  assert.equal(await run.done, 0, run.stderr());
  const events = run.events;
  checkHopperInvariants(events, 2, 2, 2);
  const types = new Set(events.map((e) => e.type));
  for (const t of ['run_started', 'worker_up', 'node_started', 'node_finished', 'trial_started', 'unit_started', 'unit_finished', 'epoch_finished', 'trial_finished', 'run_finished']) assert.ok(types.has(t as RunEvent['type']), `no ${t} event`);
  const finished = events.at(-1) as RunFinished;
  assert.equal(finished.type, 'run_finished');
  assert.equal(finished.status, 'completed');
  assert.ok(finished.best && finished.best.objective !== null && finished.best.objective > 0.5, JSON.stringify(finished.best));
  const dir = finished.run_dir;
  for (const f of ['spec.yaml', 'plan.json', 'events.ndjson', 'trials.csv', 'trials.parquet', 'best-model/model.json', 'best-model/weights.bin', 'evaluations/test_metrics.json']) assert.ok(existsSync(join(dir, f)), `${f} missing`);
  // The file holds the same records as stdout.
  assert.deepEqual(readEvents(dir), events);
  const evaluation = JSON.parse(readFileSync(join(dir, 'evaluations/test_metrics.json'), 'utf8')) as { metrics: { accuracy: number } };
  assert.ok(evaluation.metrics.accuracy > 0.5);
  const csv = readFileSync(join(dir, 'trials.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 1 + 2 * 2);
  assert.match(csv[0]!, /param_units,param_lr,epoch,seconds,loss,accuracy,val_loss,val_accuracy/);
  // Trial metrics are the same in a second run on one worker (same 2 partitions): the seed fixes the order
  // each model visits the partitions, so neither timing nor the worker count changes them.
  const again = startRun([spec, '--run-dir', join(dirname(spec), 'run-b'), '--workers', '1']);
  assert.equal(await again.done, 0, again.stderr());
  assert.deepEqual(finalOf(again.events), finalOf(events));
  // And replaying the first run's visit order gives them too.
  const replay = startRun([spec, '--run-dir', join(dirname(spec), 'run-c'), '--replay', dir]);
  assert.equal(await replay.done, 0, replay.stderr());
  assert.deepEqual(finalOf(replay.events), finalOf(events));
});

test('kill -9 of a worker mid-run: its unit runs again elsewhere and every unit is trained exactly once', async () => {
  const spec = writeSpec({ epochs: 3 });
  const run = startRun([spec, '--run-dir', join(dirname(spec), 'run')]);
  const victim = (await run.when((e) => e.type === 'worker_up' && e.worker === 'w1')) as WorkerUp;
  await run.when((e) => e.type === 'unit_started' && e.worker === 'w1');
  process.kill(victim.pid, 'SIGKILL');
  assert.equal(await run.done, 0, run.stderr());
  const events = run.events;
  assert.ok(events.some((e) => e.type === 'worker_down' && e.worker === 'w1' && e.reason === 'crashed'));
  assert.ok(events.some((e) => e.type === 'unit_finished' && e.worker === 'w1' && e.status === 'lost'));
  checkHopperInvariants(events, 2, 3, 2);
  // Every unit after the loss ran on the survivor.
  const lostAt = events.findIndex((e) => e.type === 'worker_down');
  assert.ok(events.slice(lostAt).every((e) => e.type !== 'unit_started' || e.worker === 'w0'));
  assert.equal((events.at(-1) as RunFinished).status, 'completed');
});

test('kill -9 of the driver, then --resume: the run finishes, no unit twice, same metrics as an uninterrupted run', async () => {
  const spec = writeSpec({ epochs: 3 });
  const dir = join(dirname(spec), 'run');
  const run = startRun([spec, '--run-dir', dir]);
  let finishedUnits = 0;
  await run.when((e) => e.type === 'unit_finished' && e.status === 'completed' && ++finishedUnits === 5);
  run.child.kill('SIGKILL');
  await run.done;
  const resumed = startRun(['--resume', dir]);
  assert.equal(await resumed.done, 0, resumed.stderr());
  const events = readEvents(dir);
  assert.equal(events.filter((e) => e.type === 'run_started').length, 2);
  assert.ok(events.some((e) => e.type === 'run_started' && e.resumed === true));
  checkHopperInvariants(events, 2, 3, 2);
  const reference = startRun([spec, '--run-dir', join(dirname(spec), 'reference')]);
  assert.equal(await reference.done, 0, reference.stderr());
  assert.deepEqual(finalOf(events), finalOf(reference.events));
  // A finished run has nothing left to resume.
  const again = runCli(['run', '--resume', dir]);
  assert.equal(again.status, 0);
  assert.match(again.stderr, /already finished/);
});

test('task parallelism trains the same grid: one worker per trial, whole epochs per unit', async () => {
  const spec = writeSpec({ parallelism: 'task' });
  const run = startRun([spec, '--run-dir', join(dirname(spec), 'run')]);
  assert.equal(await run.done, 0, run.stderr());
  const units = run.events.filter((e) => e.type === 'unit_finished' && e.status === 'completed');
  assert.equal(units.length, 2 * 2);
  assert.ok(units.every((e) => e.type === 'unit_finished' && e.partition === 'all'));
  const trials = run.events.filter((e) => e.type === 'trial_finished');
  assert.equal(trials.length, 2);
});

test('usage and input errors: clear messages, no stack traces', () => {
  const noSpec = runCli(['run']);
  assert.equal(noSpec.status, 2);
  assert.match(noSpec.stderr, /needs a spec file/);
  const notRun = runCli(['run', '--resume', '/nonexistent/run']);
  assert.equal(notRun.status, 1);
  assert.match(notRun.stderr, /not a run directory/);
  assert.doesNotMatch(notRun.stderr, /\n\s+at /);
});

test('Ctrl-C stops gracefully (running units finish and checkpoint, exit 130) and --resume finishes the run', async () => {
  const spec = writeSpec({ epochs: 3 });
  const dir = join(dirname(spec), 'run');
  const run = startRun([spec, '--run-dir', dir]);
  await run.when((e) => e.type === 'unit_finished' && e.status === 'completed');
  run.child.kill('SIGINT');
  assert.equal(await run.done, 130, run.stderr());
  const stopped = readEvents(dir);
  const last = stopped.at(-1) as RunFinished;
  assert.equal(last.type, 'run_finished');
  assert.equal(last.status, 'interrupted');
  // Nothing was left in flight: every unit handed out was finished.
  const startedUnits = stopped.filter((e) => e.type === 'unit_started').length;
  assert.equal(stopped.filter((e) => e.type === 'unit_finished').length, startedUnits);
  const resumed = startRun(['--resume', dir]);
  assert.equal(await resumed.done, 0, resumed.stderr());
  checkHopperInvariants(readEvents(dir), 2, 3, 2);
});

test('a second Ctrl-C aborts at once, still ends the record with run_finished, and --resume trains the lost units again', async () => {
  const spec = writeSpec({ epochs: 3 });
  const dir = join(dirname(spec), 'run');
  const run = startRun([spec, '--run-dir', dir]);
  await run.when((e) => e.type === 'unit_started');
  run.child.kill('SIGINT');
  await run.when((e) => e.type === 'log' && e.message.startsWith('stopping'));
  run.child.kill('SIGINT');
  assert.equal(await run.done, 130, run.stderr());
  const aborted = readEvents(dir);
  const last = aborted.at(-1) as RunFinished;
  assert.equal(last.type, 'run_finished');
  assert.equal(last.status, 'interrupted');
  assert.match(last.error ?? '', /aborted/);
  const resumed = startRun(['--resume', dir]);
  assert.equal(await resumed.done, 0, resumed.stderr());
  checkHopperInvariants(readEvents(dir), 2, 3, 2);
});

test('lineage cache: a re-run reuses unchanged relational steps, a changed step and what follows are recomputed; --no-cache recomputes all', async () => {
  const spec = writeSpec({ epochs: 1, units: [16] });
  const first = startRun([spec, '--run-dir', join(dirname(spec), 'r1')]);
  assert.equal(await first.done, 0, first.stderr());
  const statusOf = (events: readonly RunEvent[]) => Object.fromEntries(events.flatMap((e) => (e.type === 'node_finished' ? [[e.node, e.status]] : [])));
  assert.ok(Object.values(statusOf(first.events)).every((s) => s === 'completed'));
  const second = startRun([spec, '--run-dir', join(dirname(spec), 'r2')]);
  assert.equal(await second.done, 0, second.stderr());
  const s2 = statusOf(second.events);
  for (const n of ['train_raw', 'test_raw', 'scaled', 'split', 'test_scaled']) assert.equal(s2[n], 'cached', `${n} ${s2[n]}`);
  assert.equal(s2.search, 'completed');
  assert.deepEqual(finalOf(second.events), finalOf(first.events));
  // Change the split: the sources and the transform stay cached, the split is recomputed.
  writeFileSync(spec, readFileSync(spec, 'utf8').replace('fractions: { train: 0.8, validation: 0.2 }', 'fractions: { train: 0.7, validation: 0.3 }'));
  const third = startRun([spec, '--run-dir', join(dirname(spec), 'r3')]);
  assert.equal(await third.done, 0, third.stderr());
  const s3 = statusOf(third.events);
  assert.equal(s3.scaled, 'cached');
  assert.equal(s3.split, 'completed');
  const fourth = startRun([spec, '--run-dir', join(dirname(spec), 'r4'), '--no-cache']);
  assert.equal(await fourth.done, 0, fourth.stderr());
  assert.ok(Object.values(statusOf(fourth.events)).every((s) => s === 'completed'));
});
