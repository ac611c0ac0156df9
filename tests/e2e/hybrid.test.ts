import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { RunFinished, TrialFinished, UnitFinished } from '../../runtime/events/types.js';
import { startRun, writeSpec } from './run-fixture.js';

test('parallelism: hybrid hops while at least p/2 trials train, then trains the survivor data-parallel on every worker', async () => {
  // 3 trials of 1, 2 and 5 epochs on 4 workers: once fewer than 2 train, the last one goes data-parallel.
  const spec = writeSpec({ parallelism: 'hybrid', units: [16], epochChoices: [1, 2, 5], workers: 4 });
  const run = startRun([spec, '--run-dir', join(dirname(spec), 'run')]);
  assert.equal(await run.done, 0, run.stderr());
  const events = run.events;
  assert.ok(events.some((e) => e.type === 'log' && /1 trial left training, fewer than half of the 4 workers: data parallelism from here/.test(e.message)));
  const units = events.filter((e): e is UnitFinished => e.type === 'unit_finished' && e.status === 'completed');
  const survivor = (events.find((e): e is TrialFinished => e.type === 'trial_finished' && e.epochs === 5))!.trial;
  const mine = units.filter((u) => u.trial === survivor);
  const grouped = mine.filter((u) => u.partition === 'all');
  assert.ok(grouped.length >= 1 && grouped.length <= 3, `${grouped.length} data-parallel epochs`);
  for (const u of grouped) assert.deepEqual(u.workers, ['w0', 'w1', 'w2', 'w3']);
  // Hopping first (4 partitions an epoch), then whole epochs on the group, each epoch exactly once.
  const hopped = mine.filter((u) => u.partition !== 'all');
  assert.equal(hopped.length, 4 * (5 - grouped.length));
  assert.deepEqual(grouped.map((u) => u.epoch), Array.from({ length: grouped.length }, (_, i) => 5 - grouped.length + i));
  assert.ok(units.filter((u) => u.trial !== survivor).every((u) => u.partition !== 'all'), 'the others only hopped');
  const trials = events.filter((e): e is TrialFinished => e.type === 'trial_finished');
  assert.deepEqual(trials.map((t) => t.epochs).sort(), [1, 2, 5]);
  const finished = events.at(-1) as RunFinished;
  assert.equal(finished.status, 'completed');
  assert.equal(finished.bytes_moved, trials.reduce((n, t) => n + t.bytes_moved, 0));
});
