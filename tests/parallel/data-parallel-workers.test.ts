// Data parallelism through real worker processes: two workers all-reducing the gradients of a global
// mini-batch B train the same model as one worker with batch B on the same mini-batches; a synchronous
// parameter server does the same arithmetic through a star; model averaging, asynchronous and
// bounded-staleness training all learn, and bounded staleness keeps its bound.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { LocalPool } from '../../runtime/backends/local/pool.js';
import { rootCause, runOnGroup } from '../../runtime/run/group-tasks.js';
import type { DataSync, TrainDataParallelResult, TrainUnitResult, TrialSetup } from '../../runtime/worker/protocol.js';
import { checkpointValues, dataset, largestDifference, mlpSetup, pick, range, scratch, startPool, writeRows } from './fixture.js';

let pool: LocalPool;
let dir: string;
let groups = 0;

before(async () => {
  pool = await startPool(2);
  dir = scratch();
});
after(async () => {
  await pool.shutdown(5_000);
});

interface GroupRun {
  setup: TrialSetup;
  trial: number;
  epoch: number;
  sync: DataSync;
  shards: string[][];
  batchSize: number;
  checkpointIn: string | null;
  checkpointOut: string;
  shuffle?: boolean;
  staleness?: number;
  validation?: string[];
}

async function trainGroup(o: GroupRun): Promise<TrainDataParallelResult[]> {
  const workers = pool.alive().slice(0, o.shards.length);
  const endpoints = workers.map((w) => pool.peers.endpoint(w));
  const id = `test-${groups++}`;
  const outcomes = await runOnGroup(pool, workers, id, (rank) => ({
        type: 'train_data_parallel',
        setup: o.setup,
        trial: o.trial,
        epoch: o.epoch,
        group: { id, rank, endpoints },
        sync: o.sync,
        ...(o.staleness !== undefined ? { staleness: o.staleness } : {}),
        data: o.shards[rank]!,
        ...(o.validation ? { validation: o.validation } : {}),
        checkpointIn: o.checkpointIn,
        checkpointOut: o.checkpointOut,
        batchSize: o.batchSize,
        shuffleSeed: 100 + o.epoch * 10 + rank,
        shuffle: o.shuffle ?? true,
      }));
  if (outcomes.some((x) => x.status === 'rejected')) throw rootCause(outcomes);
  return outcomes.map((x) => (x as PromiseFulfilledResult<TrainDataParallelResult>).value);
}

test('all-reduce on 2 workers with global batch B gives the weights of 1 worker with batch B (and so does a synchronous parameter server)', async (t) => {
  const B = 16;
  const rows = dataset(96, 1);
  // Worker r's slice of step j is rows j·8.. of its shard; one worker's batch j is both slices together.
  const shards = [await writeRows(join(dir, 'eq-0.arrow'), pick(rows, range(0, 48))), await writeRows(join(dir, 'eq-1.arrow'), pick(rows, range(48, 96)))];
  const together = range(0, 6).flatMap((j) => [...range(j * 8, j * 8 + 8), ...range(48 + j * 8, 48 + j * 8 + 8)]);
  const single = await writeRows(join(dir, 'eq-single.arrow'), pick(rows, together));

  const results: Record<string, { metrics: Record<string, number>; checkpoint: string }[]> = {};
  for (const sync of ['allreduce', 'parameter_server'] as const) {
    const setup = mlpSetup(`eq-${sync}`);
    results[sync] = [];
    let checkpointIn: string | null = null;
    for (let epoch = 0; epoch < 2; epoch++) {
      const checkpointOut = join(dir, `eq-${sync}-e${epoch}.ckpt`);
      const members = await trainGroup({ setup, trial: 0, epoch, sync, shards: [[shards[0]!], [shards[1]!]], batchSize: B, checkpointIn, checkpointOut, shuffle: false });
      assert.deepEqual(members[0]!.metrics, members[1]!.metrics, 'every member reports the group metrics');
      assert.equal(members[0]!.examples, 96);
      assert.equal(members[0]!.steps, 6);
      results[sync]!.push({ metrics: members[0]!.metrics, checkpoint: checkpointOut });
      checkpointIn = checkpointOut;
    }
  }
  const reference: { metrics: Record<string, number>; checkpoint: string }[] = [];
  let checkpointIn: string | null = null;
  for (let epoch = 0; epoch < 2; epoch++) {
    const checkpointOut = join(dir, `eq-ref-e${epoch}.ckpt`);
    const r = (await pool.run('w0', { type: 'train_unit', setup: mlpSetup('eq-ref'), trial: 0, epoch, partition: 'all', data: [single], checkpointIn, checkpointOut, batchSize: B, shuffleSeed: 0, shuffle: false })) as TrainUnitResult;
    reference.push({ metrics: r.metrics, checkpoint: checkpointOut });
    checkpointIn = checkpointOut;
  }

  for (const sync of ['allreduce', 'parameter_server']) {
    for (let epoch = 0; epoch < 2; epoch++) {
      const got = await checkpointValues(results[sync]![epoch]!.checkpoint);
      const want = await checkpointValues(reference[epoch]!.checkpoint);
      const weights = largestDifference(got.weights, want.weights);
      assert.ok(weights < 1e-5, `${sync} epoch ${epoch}: weights differ by ${weights}`);
      t.diagnostic(`${sync}, epoch ${epoch + 1}: largest weight difference from one worker ${weights.toExponential(2)}`);
      assert.equal(got.iterations, want.iterations);
      assert.ok(largestDifference(got.slots, want.slots) < 1e-5, `${sync} epoch ${epoch}: optimizer state differs`);
      assert.ok(Math.abs(results[sync]![epoch]!.metrics.loss! - reference[epoch]!.metrics.loss!) < 1e-5, `${sync} epoch ${epoch} loss`);
      assert.equal(results[sync]![epoch]!.metrics.accuracy, reference[epoch]!.metrics.accuracy);
    }
  }
});

test('model averaging, asynchronous and bounded-staleness (SSP) training each lower the loss; SSP never exceeds its bound', async (t) => {
  const rows = dataset(640, 2, 1.2);
  const shards = [[await writeRows(join(dir, 'v-0.arrow'), pick(rows, range(0, 320)))], [await writeRows(join(dir, 'v-1.arrow'), pick(rows, range(320, 640)))]];
  const validation = [await writeRows(join(dir, 'v-val.arrow'), dataset(200, 3, 1.2))];
  for (const [sync, staleness] of [['average', undefined], ['async', undefined], ['ssp', 1]] as const) {
    const setup = mlpSetup(`v-${sync}`, { name: 'sgd', learning_rate: 0.05 });
    let checkpointIn: string | null = null;
    const losses: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      const checkpointOut = join(dir, `v-${sync}-e${epoch}.ckpt`);
      const members = await trainGroup({ setup, trial: 0, epoch, sync, shards, batchSize: 16, checkpointIn, checkpointOut, validation, ...(staleness !== undefined ? { staleness } : {}) });
      const lead = members[0]!;
      assert.ok(lead.validation && Number.isFinite(lead.validation.loss), `${sync}: validation measured`);
      losses.push(lead.validation!.loss!);
      assert.equal(lead.examples, 640);
      if (sync === 'ssp') {
        assert.ok(lead.staleness, 'the server reports staleness');
        assert.equal(lead.staleness!.bound, 1);
        assert.ok(lead.staleness!.maxClockGap <= 1, `SSP let a member run ${lead.staleness!.maxClockGap} steps ahead of the slowest (bound 1)`);
        assert.equal(lead.staleness!.updates, 80, 'one update per pushed slice: 2 members × 320 examples / 8');
      }
      if (sync === 'async') assert.equal(lead.staleness!.bound, null);
      if (lead.staleness) t.diagnostic(`${sync} epoch ${epoch + 1}: widest clock gap ${lead.staleness.maxClockGap}, largest version lag ${lead.staleness.maxVersionLag}`);
      if (sync !== 'average') assert.ok(lead.bytesSent > 0 && members[1]!.bytesSent > 0);
      checkpointIn = checkpointOut;
    }
    assert.ok(losses[2]! < losses[0]!, `${sync}: validation loss falls over 3 epochs (${losses.map((l) => l.toFixed(4)).join(' → ')})`);
    t.diagnostic(`${sync}: validation loss ${losses.map((l) => l.toFixed(4)).join(' → ')}`);
  }
});

test('a member that fails makes the whole group fail instead of hanging', async () => {
  const rows = dataset(64, 4);
  const good = await writeRows(join(dir, 'f-0.arrow'), pick(rows, range(0, 32)));
  const setup = mlpSetup('fail');
  const id = `fail-${groups++}`;
  const outcome = await runOnGroup(pool, ['w0', 'w1'], id, (rank) => ({
        type: 'train_data_parallel',
        setup,
        trial: 0,
        epoch: 0,
        group: { id, rank, endpoints: ['w0', 'w1'].map((x) => pool.peers.endpoint(x)) },
        sync: 'allreduce',
        data: rank === 0 ? [good] : [join(dir, 'missing.arrow')],
        checkpointIn: null,
        checkpointOut: join(dir, 'f.ckpt'),
        batchSize: 8,
        shuffleSeed: 1,
      }));
  assert.ok(outcome.every((o) => o.status === 'rejected'));
  assert.match(String(rootCause(outcome)), /missing\.arrow/);
});
