// Model parallelism through real worker processes: a dense model in 2 stages on 2 workers, 4 micro-batches
// per mini-batch, trains to the weights (and optimizer state) one worker reaches with the same mini-batches,
// epoch after epoch, keeping each stage in memory between epochs.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { LocalPool } from '../../runtime/backends/local/pool.js';
import { rootCause, runOnGroup } from '../../runtime/run/group-tasks.js';
import type { TrainPipelineResult, TrainUnitResult } from '../../runtime/worker/protocol.js';
import { checkpointValues, dataset, largestDifference, mlpSetup, scratch, startPool, writeRows } from './fixture.js';

let pool: LocalPool;
let dir: string;

before(async () => {
  pool = await startPool(2);
  dir = scratch();
});
after(async () => {
  await pool.shutdown(5_000);
});

const layers = [{ dense: { units: 16, activation: 'relu' } }, { dense: { units: 12, activation: 'tanh' } }, { dense: { units: 3, activation: 'softmax' } }];

test('2 stages × 4 micro-batches on 2 workers train the weights 1 worker trains', async (t) => {
  const data = await writeRows(join(dir, 'train.arrow'), dataset(120, 8));
  const validation = await writeRows(join(dir, 'val.arrow'), dataset(50, 9));
  for (const optimizer of [{ name: 'sgd', learning_rate: 0.1 }, { name: 'adam', learning_rate: 0.01, global_clipnorm: 0.5 }]) {
    const label = optimizer.name;
    const setup = mlpSetup(`pipe-${label}`, optimizer, layers);
    const reference = mlpSetup(`ref-${label}`, optimizer, layers);
    let pipeIn: string | null = null;
    let refIn: string | null = null;
    for (let epoch = 0; epoch < 2; epoch++) {
      const pipeOut = join(dir, `${label}-pipe-e${epoch}.ckpt`);
      const id = `pipe-${label}-${epoch}`;
      const endpoints = ['w0', 'w1'].map((w) => pool.peers.endpoint(w));
      const outcomes = await runOnGroup(pool, ['w0', 'w1'], id, (rank) => ({
        type: 'train_pipeline',
        setup,
        trial: 0,
        epoch,
        group: { id, rank, endpoints },
        microbatches: 4,
        data: [data],
        validation: [validation],
        checkpointIn: pipeIn,
        checkpointOut: pipeOut,
        batchSize: 16,
        shuffleSeed: epoch,
      }));
      if (outcomes.some((o) => o.status === 'rejected')) throw rootCause(outcomes);
      const [first, last] = outcomes.map((o) => (o as PromiseFulfilledResult<TrainPipelineResult>).value);
      assert.equal(first!.metrics, undefined);
      assert.equal(last!.steps, 8);
      assert.ok(first!.bytesSent > 0 && last!.bytesSent > 0, 'activations forward, gradients back');

      const refOut = join(dir, `${label}-ref-e${epoch}.ckpt`);
      const single = (await pool.run('w0', { type: 'train_unit', setup: reference, trial: 0, epoch, partition: 'all', data: [data], validation: [validation], checkpointIn: refIn, checkpointOut: refOut, batchSize: 16, shuffleSeed: epoch })) as TrainUnitResult;
      const got = await checkpointValues(pipeOut);
      const want = await checkpointValues(refOut);
      const difference = largestDifference(got.weights, want.weights);
      t.diagnostic(`${label}, epoch ${epoch + 1}: largest weight difference from one worker ${difference.toExponential(2)}`);
      assert.ok(difference < 1e-5, `${label} epoch ${epoch}: weights differ by ${difference}`);
      assert.equal(got.iterations, want.iterations);
      assert.ok(largestDifference(got.slots, want.slots) < 1e-5, `${label} epoch ${epoch}: optimizer state`);
      assert.ok(Math.abs(last!.metrics!.loss! - single.metrics.loss!) < 1e-5, `${label}: training loss ${last!.metrics!.loss} vs ${single.metrics.loss}`);
      assert.ok(Math.abs(last!.validation!.loss! - single.validation!.loss!) < 1e-5, `${label}: validation loss`);
      assert.equal(last!.validation!.accuracy, single.validation!.accuracy);
      pipeIn = pipeOut;
      refIn = refOut;
    }
  }
});
