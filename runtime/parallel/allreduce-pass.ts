/**
 * Synchronous data parallelism (Horovod): per global mini-batch of B examples each member computes the
 * gradients of its slice (B/p examples of its own shard), the count-weighted gradients and the counts are
 * summed with one ring all-reduce, and every member applies the same mean gradient with its own copy of the
 * optimizer. Same inputs, same arithmetic: the members' weights and optimizer states stay bit-identical, and
 * equal (to rounding in the sums) to one worker training on the same mini-batches.
 *
 * The member with the fewest examples may run out a step early; it then contributes nothing (count 0)
 * until the others finish, so every step's mean is over exactly the examples that took part.
 */
import { ringAllReduce } from './collectives.js';
import { BatchFeed, groupRows, rowsOf, totalsFor, trainableLayout, type GroupPassInput, type GroupPassOutcome } from './group-pass.js';
import { applyMeanGradient, sliceGradients } from './local-step.js';
import { batchCount, sliceOf } from './shards.js';
import { deriveSeed } from '../training/seeds.js';

export async function allReducePass(input: GroupPassInput): Promise<GroupPassOutcome> {
  const { tf, trainer, mesh } = input;
  const { variables, layout } = trainableLayout(trainer);
  const { totals } = totalsFor(tf, trainer);
  const slices = Array.from({ length: mesh.size }, (_, r) => sliceOf(input.batchSize, r, mesh.size));
  const rows = await groupRows(mesh, rowsOf(input.data, trainer.inputShape));
  const steps = Math.max(...rows.map((n, r) => batchCount(n, slices[r]!)));
  const feed = new BatchFeed(input.data, trainer.inputShape, slices[mesh.rank]!, input.shuffle, input.shuffleSeed);
  const dropoutSeed = deriveSeed(trainer.seed, 'member', mesh.rank);
  // The gradient sum, then the example count in the last place.
  const vector = new Float32Array(layout.total + 1);

  for (let step = 0; step < steps; step++) {
    const batch = await feed.next();
    if (batch) {
      totals.add(sliceGradients(tf, trainer, variables, layout, batch, dropoutSeed, vector), batch.count);
      vector[layout.total] = batch.count;
    } else {
      vector.fill(0);
    }
    await ringAllReduce(mesh, vector);
    const count = vector[layout.total]!;
    if (count > 0) applyMeanGradient(tf, trainer, variables, layout, vector, count);
  }
  return { stats: totals.read(), steps };
}
