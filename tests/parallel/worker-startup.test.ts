// What a local worker starts before it says it is ready: the persistent trainers it was named at spawn
// (first, so a framework's import begins at once) and a TensorFlow.js engine only when the run may need one.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalPool } from '../../runtime/backends/local/pool.js';
import { workersNeedEngine } from '../../runtime/run/start-trainers.js';
import type { TrainUnitResult, TrialSetup } from '../../runtime/worker/protocol.js';
import { cpuSlots, dataset, mlpSetup, scratch, writeRows } from './fixture.js';

/** A persistent "trainer" that only says it started, by writing its pid to a file, then waits for requests. */
function markerTrainer(dir: string): TrialSetup {
  const model = { command: ['/bin/sh', '-c', 'echo $$ > started.txt; exec cat > /dev/null'], persistent: true };
  return { node: 'search', step: { model }, params: {}, seed: 1, features: ['x'], label: 'y', cwd: dir };
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(check(), what);
}

test('a worker of a run of external trainers starts them at spawn and no TensorFlow.js engine, yet starts one if a tfjs task comes', async () => {
  const dir = scratch();
  const pool = await LocalPool.start({ slots: cpuSlots(1), engine: 'none', trainers: [markerTrainer(dir)] });
  try {
    assert.equal(pool.workers[0]!.backend, 'none');
    assert.deepEqual(pool.workers[0]!.versions, {});
    // No task was sent: the trainer was started from what the worker was given at spawn.
    await eventually(() => existsSync(join(dir, 'started.txt')) && readFileSync(join(dir, 'started.txt'), 'utf8').trim() !== '', 'the persistent trainer started before any task');

    const data = await writeRows(join(dir, 'p0.arrow'), dataset(32, 5));
    const result = (await pool.run('w0', {
      type: 'train_unit',
      setup: mlpSetup('lazy'),
      trial: 0,
      epoch: 0,
      partition: 0,
      data: [data],
      checkpointIn: null,
      checkpointOut: join(dir, 'lazy.ckpt'),
      batchSize: 8,
      shuffleSeed: 0,
    })) as TrainUnitResult;
    assert.equal(result.examples, 32);
    assert.ok(Number.isFinite(result.metrics.loss), 'the engine started on demand and trained');
  } finally {
    await pool.shutdown();
  }
});

test('a worker starts its TensorFlow.js engine before it is ready unless told the run needs none', async () => {
  const pool = await LocalPool.start({ slots: cpuSlots(1) });
  try {
    assert.notEqual(pool.workers[0]!.backend, 'none');
    assert.ok(Object.keys(pool.workers[0]!.versions).length > 0);
  } finally {
    await pool.shutdown();
  }
});

test('workers need an engine as soon as one train step is a TensorFlow.js model', () => {
  const train = (model: Record<string, unknown>) => ({ id: 't', op: 'train', config: { model } });
  const command = { command: ['python3', 'train.py'] };
  assert.equal(workersNeedEngine({ nodes: [train(command), train(command)] } as never), false);
  assert.equal(workersNeedEngine({ nodes: [train(command), train({ layers: [] })] } as never), true);
  assert.equal(workersNeedEngine({ nodes: [train({ module: 'models/net.ts', export: 'build' })] } as never), true);
});
