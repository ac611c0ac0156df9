import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

test('parallelism: model with more stages than workers hosts several per worker, spilling the idle ones, to the metrics of one worker training the whole model', async () => {
  // Flatten, 25,120, 792 and 250 weights: at 460 kB a worker the memory estimator needs 3 stages, and 2 do not fit.
  const layers = `        - flatten: {}
        - dense: { units: "\${hp.units}", activation: relu }
        - dense: { units: 24, activation: relu }
        - dense: { units: 10, activation: softmax }`;
  const spec = writeSpec({ parallelism: '{ strategy: model, microbatches: 4 }', units: [32], epochs: 2, layers, memoryPerWorker: '460000' });
  const run = startRun([spec, '--run-dir', join(dirname(spec), 'spill')]);
  assert.equal(await run.done, 0, run.stderr());
  assert.ok(run.events.some((e) => e.type === 'log' && e.level === 'warn' && /3 pipeline stages planned but 2 workers alive, and the model needs 3 stages to fit a worker's memory: each worker hosts up to 2 stages/.test(e.message)), 'the spill is said');
  const units = run.events.filter((e): e is UnitFinished => e.type === 'unit_finished' && e.status === 'completed');
  assert.equal(units.length, 2);
  for (const u of units) {
    assert.deepEqual(u.workers, ['w0', 'w1']);
    assert.ok(u.bytes_spilled! > 0, 'stage state copied to host memory and back');
  }
  const finished = run.events.at(-1) as RunFinished;
  assert.equal(finished.status, 'completed');
  // The planner places the stages as the runtime does and follows its swap schedule.
  const dir = join(dirname(spec), 'spill');
  const planned = plannedBytes(dir, 'model');
  assert.ok(Math.abs(finished.bytes_moved / planned - 1) < 0.01, `measured ${finished.bytes_moved} B, planned ${planned} B`);
  const plannedSpill = plannedSpillBytes(dir);
  const spilled = units.reduce((n, u) => n + u.bytes_spilled!, 0);
  assert.ok(Math.abs(spilled / plannedSpill - 1) < 0.01, `spilled ${spilled} B, planned ${plannedSpill} B`);

  // One worker with room for the whole model trains it in one piece, to the same metrics.
  const whole = writeSpec({ parallelism: '{ strategy: model, microbatches: 4 }', units: [32], epochs: 2, layers });
  const one = startRun([whole, '--run-dir', join(dirname(whole), 'one'), '--workers', '1']);
  assert.equal(await one.done, 0, one.stderr());
  assert.ok(one.events.some((e) => e.type === 'log' && e.level === 'warn' && /cut into 1 stage \(the whole model fits a worker\)/.test(e.message)));
  assert.ok(one.events.filter((e): e is UnitFinished => e.type === 'unit_finished').every((u) => u.bytes_spilled === undefined));
  const trial = (events: typeof run.events) => events.find((e): e is TrialFinished => e.type === 'trial_finished')!;
  for (const [name, value] of Object.entries(trial(run.events).metrics)) {
    assert.ok(Math.abs(value - trial(one.events).metrics[name]!) < 1e-4, `${name}: ${value} spilling 3 stages on 2 workers, ${trial(one.events).metrics[name]} on 1`);
  }
});

function plannedSpillBytes(runDir: string): number {
  const plan = JSON.parse(readFileSync(join(runDir, 'plan.json'), 'utf8')) as { nodes: { op: string; decision?: { alternatives: { strategy: string; spill_bytes?: number }[] } }[] };
  const bytes = plan.nodes.find((n) => n.op === 'train')?.decision?.alternatives.find((a) => a.strategy === 'model')?.spill_bytes;
  assert.equal(typeof bytes, 'number', 'the plan estimates the bytes spilled');
  return bytes!;
}
