// Spilling pipeline stages (Hydra) through real worker processes: more stages than workers, each worker
// hosting a consecutive run with only one stage on the device at a time, trains to the weights and
// optimizer state one worker reaches with the same mini-batches; the bytes each worker copies to host memory
// and back are what the planner's estimate of the same schedule says.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { checkpointOptimizerState } from '../../compiler/cost/checkpoint-size.js';
import { estimateLayersModel } from '../../compiler/cost/model-memory.js';
import { hostedStages, spillTraffic, stageStates } from '../../compiler/cost/stage-placement.js';
import type { LocalPool } from '../../runtime/backends/local/pool.js';
import { rootCause, runOnGroup } from '../../runtime/run/group-tasks.js';
import type { TrainPipelineResult, TrainUnitResult } from '../../runtime/worker/protocol.js';
import { checkpointValues, dataset, FEATURES, largestDifference, mlpSetup, scratch, startPool, writeRows } from './fixture.js';

let pool: LocalPool;
let dir: string;

before(async () => {
  pool = await startPool(2);
  dir = scratch();
});
after(async () => {
  await pool.shutdown(5_000);
});

const four = [{ dense: { units: 16, activation: 'relu' } }, { dense: { units: 12, activation: 'tanh' } }, { dense: { units: 10, activation: 'relu' } }, { dense: { units: 3, activation: 'softmax' } }];
const three = four.filter((_, i) => i !== 2);

const cases = [
  { stages: 4, layers: four, optimizer: { name: 'sgd', learning_rate: 0.1 } },
  { stages: 4, layers: four, optimizer: { name: 'adam', learning_rate: 0.01, global_clipnorm: 0.5 } },
  { stages: 3, layers: three, optimizer: { name: 'rmsprop', learning_rate: 0.01, clipvalue: 0.2 } },
];

for (const c of cases) {
  const label = `${c.stages} stages, ${c.optimizer.name}`;
  test(`${label} on 2 workers, spilling, train the weights 1 worker trains`, async (t) => {
    const data = await writeRows(join(dir, 'train.arrow'), dataset(120, 8));
    const validation = await writeRows(join(dir, 'val.arrow'), dataset(50, 9));
    const setup = mlpSetup(`spill-${label}`, c.optimizer, c.layers);
    const reference = mlpSetup(`ref-${label}`, c.optimizer, c.layers);
    const hosted = hostedStages(c.stages, 2);
    let pipeIn: string | null = null;
    let refIn: string | null = null;
    const spilled = [0, 0];
    const loaded = [0, 0];
    const epochs = 2;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const pipeOut = join(dir, `${label}-pipe-e${epoch}.ckpt`);
      const id = `spill-${label}-${epoch}`;
      const endpoints = ['w0', 'w1'].map((w) => pool.peers.endpoint(w));
      const outcomes = await runOnGroup(pool, ['w0', 'w1'], id, (rank) => ({
        type: 'train_pipeline',
        setup,
        trial: 0,
        epoch,
        group: { id, rank, endpoints },
        stages: c.stages,
        microbatches: 4,
        data: [data],
        validation: [validation],
        checkpointIn: pipeIn,
        checkpointOut: pipeOut,
        batchSize: 16,
        shuffleSeed: epoch,
      }));
      if (outcomes.some((o) => o.status === 'rejected')) throw rootCause(outcomes);
      const results = outcomes.map((o) => (o as PromiseFulfilledResult<TrainPipelineResult>).value);
      results.forEach((r, w) => {
        assert.equal(r.stagesHosted ?? 1, hosted[w]);
        spilled[w]! += r.bytesSpilled ?? 0;
        loaded[w]! += r.bytesLoaded ?? 0;
      });
      const last = results.at(-1)!;
      assert.equal(last.steps, 8);

      const refOut = join(dir, `${label}-ref-e${epoch}.ckpt`);
      const single = (await pool.run('w0', { type: 'train_unit', setup: reference, trial: 0, epoch, partition: 'all', data: [data], validation: [validation], checkpointIn: refIn, checkpointOut: refOut, batchSize: 16, shuffleSeed: epoch })) as TrainUnitResult;
      const got = await checkpointValues(pipeOut);
      const want = await checkpointValues(refOut);
      const difference = largestDifference(got.weights, want.weights);
      t.diagnostic(`epoch ${epoch + 1}: largest weight difference from one worker ${difference.toExponential(2)}; spilled ${spilled.join(' + ')} B, loaded ${loaded.join(' + ')} B`);
      assert.ok(difference < 1e-5, `epoch ${epoch}: weights differ by ${difference}`);
      assert.equal(got.iterations, want.iterations);
      assert.ok(largestDifference(got.slots, want.slots) < 1e-5, `epoch ${epoch}: optimizer state`);
      assert.ok(Math.abs(last.metrics!.loss! - single.metrics.loss!) < 1e-5, `training loss ${last.metrics!.loss} vs ${single.metrics.loss}`);
      assert.ok(Math.abs(last.validation!.loss! - single.validation!.loss!) < 1e-5, `validation loss`);
      assert.equal(last.validation!.accuracy, single.validation!.accuracy);
      pipeIn = pipeOut;
      refIn = refOut;
    }
    // The planner's estimate follows the same schedule.
    const estimate = estimateLayersModel([FEATURES.length], c.layers as never, (_l, _a, v) => v);
    assert.ok(estimate.ok);
    const state = checkpointOptimizerState(c.optimizer.name);
    const states = stageStates(estimate.model, c.stages, state.slots, state.scalars);
    const planned = spillTraffic({ states, hosted, configurations: 1, epochs, steps: 8, scoringBatches: 1, deferredGradients: 'global_clipnorm' in c.optimizer });
    const measured = { spilled: spilled[0]! + spilled[1]!, loaded: loaded[0]! + loaded[1]! };
    t.diagnostic(`spilled ${measured.spilled} B (planned ${planned.spilled}), loaded ${measured.loaded} B (planned ${planned.loaded})`);
    assert.ok(planned.spilled > 0);
    const tolerance = 1e-9;
    assert.ok(Math.abs(measured.spilled / planned.spilled - 1) < tolerance, `spilled ${measured.spilled} B, planned ${planned.spilled} B`);
    assert.ok(Math.abs(measured.loaded / planned.loaded - 1) < tolerance, `loaded ${measured.loaded} B, planned ${planned.loaded} B`);
  });
}
