import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { RunFinished, TrialFinished, UnitFinished } from '../../runtime/events/types.js';
import { plannedBytes, startRun, writeSpec } from './run-fixture.js';

test('parallelism: model trains each trial on a 2-stage pipeline over both workers, to the metrics of a 1-stage run', async () => {
  const spec = writeSpec({ parallelism: '{ strategy: model, stages: 2, microbatches: 4 }', units: [16], epochs: 2 });
  const run = startRun([spec, '--run-dir', join(dirname(spec), 'two')]);
  assert.equal(await run.done, 0, run.stderr());
  const units = run.events.filter((e): e is UnitFinished => e.type === 'unit_finished' && e.status === 'completed');
  assert.equal(units.length, 2);
  for (const u of units) {
    assert.deepEqual(u.workers, ['w0', 'w1']);
    assert.equal(u.partition, 'all');
    assert.equal(u.examples, 4800);
    assert.ok(u.bytes_moved! > 0);
  }
  const finished = run.events.at(-1) as RunFinished;
  assert.equal(finished.status, 'completed');
  assert.ok(finished.best && finished.best.objective! > 0.5);
  // The planner counts the activations at the runtime's cut and the checkpoint parts: what the workers moved.
  const two = plannedBytes(join(dirname(spec), 'two'), 'model');
  assert.ok(Math.abs(finished.bytes_moved / two - 1) < 0.01, `measured ${finished.bytes_moved} B, planned ${two} B`);

  // One worker: the pipeline is cut into one stage (said in a warning), and trains the same model.
  const one = startRun([spec, '--run-dir', join(dirname(spec), 'one'), '--workers', '1']);
  assert.equal(await one.done, 0, one.stderr());
  assert.ok(one.events.some((e) => e.type === 'log' && e.level === 'warn' && /2 pipeline stages planned but 1 worker/.test(e.message)));
  // One stage sends no activations; the plan knows the runtime cuts no more stages than workers.
  const oneBytes = (one.events.at(-1) as RunFinished).bytes_moved;
  const planned = plannedBytes(join(dirname(spec), 'one'), 'model');
  assert.ok(Math.abs(oneBytes / planned - 1) < 0.01, `one worker: measured ${oneBytes} B, planned ${planned} B`);
  const trial = (events: typeof run.events) => events.find((e): e is TrialFinished => e.type === 'trial_finished')!;
  for (const [name, value] of Object.entries(trial(run.events).metrics)) {
    assert.ok(Math.abs(value - trial(one.events).metrics[name]!) < 1e-4, `${name}: ${value} on 2 stages, ${trial(one.events).metrics[name]} on 1`);
  }
});
