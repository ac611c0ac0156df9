import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { RunFinished, TrialFinished, TrialStarted } from '../../runtime/events/types.js';
import { readEvents, startRun, writeSpec } from './run-fixture.js';

const outcomes = (events: readonly { type: string }[]) =>
  (events.filter((e) => e.type === 'trial_finished') as TrialFinished[])
    .sort((a, b) => a.trial - b.trial)
    .map((e) => ({ trial: e.trial, status: e.status, rung: e.rung, epochs: e.epochs, metrics: e.metrics }));

test('ASHA under model hopping: kill -9 mid-search and --resume end as an uninterrupted run', async () => {
  const spec = writeSpec({
    epochs: 4,
    search: `      algorithm: asha
      trials: 4
      grace_period: 1
      reduction_factor: 2
      space:
        units: { choice: [8, 16, 32] }
        lr: { loguniform: [0.0003, 0.03] }
      objective: { metric: val_accuracy, mode: max }`,
  });
  const dir = join(dirname(spec), 'run');
  const run = startRun([spec, '--run-dir', dir]);
  let units = 0;
  await run.when((e) => e.type === 'unit_finished' && e.status === 'completed' && ++units === 7);
  run.child.kill('SIGKILL');
  await run.done;
  const resumed = startRun(['--resume', dir]);
  assert.equal(await resumed.done, 0, resumed.stderr());
  const events = readEvents(dir);
  const reference = startRun([spec, '--run-dir', join(dirname(spec), 'reference')]);
  assert.equal(await reference.done, 0, reference.stderr());
  assert.deepEqual(outcomes(events), outcomes(reference.events));
  const statuses = new Set(outcomes(events).map((o) => o.status));
  assert.ok(statuses.has('promoted') && statuses.has('completed'), [...statuses].join(', '));
  // The trials table carries status, rung and lineage.
  const csv = readFileSync(join(dir, 'trials.csv'), 'utf8').split('\n')[0]!;
  for (const column of ['status', 'stopped_by', 'parent', 'rung']) assert.ok(csv.split(',').includes(column), csv);
});

test('PBT with task parallelism: an exploited trial starts from a copy of the donor checkpoint with new values', async () => {
  const spec = writeSpec({
    parallelism: 'task',
    epochs: 2,
    search: `      algorithm: pbt
      trials: 2
      interval: 1
      quantile: 0.5
      space:
        units: { choice: [8, 16] }
        lr: { loguniform: [0.0003, 0.03] }
      objective: { metric: val_accuracy, mode: max }`,
  });
  const run = startRun([spec, '--run-dir', join(dirname(spec), 'run')]);
  assert.equal(await run.done, 0, run.stderr());
  const exploit = run.events.find((e): e is TrialStarted => e.type === 'trial_started' && e.inherit === 'exploit');
  assert.ok(exploit, 'no exploit');
  const donor = run.events.find((e): e is TrialFinished => e.type === 'trial_finished' && e.trial === exploit.parent)!;
  assert.equal(exploit.params.units, donor.params.units, 'units shape the weights and stay');
  assert.notEqual(exploit.params.lr, donor.params.lr, 'the learning rate is explored');
  const first = run.events.find((e) => e.type === 'unit_started' && e.trial === exploit.trial);
  assert.equal(first && first.type === 'unit_started' ? first.epoch : undefined, 1, 'it continues at the donor\'s epoch');
  const finished = run.events.at(-1) as RunFinished;
  assert.equal(finished.status, 'completed');
});
