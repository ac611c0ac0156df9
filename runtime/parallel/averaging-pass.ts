/**
 * Model averaging: each member trains its own replica on its shard with the trial's batch size, as a lone
 * worker would, and at the end of every sub-epoch (`rounds` per epoch) the replicas are replaced by their
 * average, weighted by the examples each trained on in the round. The optimizer's accumulators are averaged
 * with the weights so the replicas leave every round identical and a checkpoint of one is a checkpoint of
 * all. One all-reduce of the model (and its optimizer state) per round instead of one of the gradients per
 * mini-batch: far fewer bytes, and the convergence Cerebro (Fig. 7) found poor.
 */
import { AVERAGING_ROUNDS } from '../../compiler/cost/runtime-facts.js';
import type { Tf } from '../engine/index.js';
import { captureOptimizerState, restoreOptimizerState, type OptimizerState } from '../training/optimizer-state.js';
import { deriveSeed } from '../training/seeds.js';
import type { Trainer } from '../training/trainer.js';
import { ringAllReduce } from './collectives.js';
import { assignFlat, flattenInto, layoutOf } from './flat-values.js';
import { BatchFeed, groupRows, rowsOf, totalsFor, trainableLayout, type GroupPassInput, type GroupPassOutcome } from './group-pass.js';
import { applyMeanGradient, sliceGradients } from './local-step.js';
import type { Mesh } from './mesh.js';
import { batchCount } from './shards.js';

/** Sub-epochs per epoch when the step does not say. */
export const DEFAULT_ROUNDS = AVERAGING_ROUNDS;

export async function averagingPass(input: GroupPassInput & { rounds: number }): Promise<GroupPassOutcome> {
  const { tf, trainer, mesh } = input;
  const { variables, layout } = trainableLayout(trainer);
  const { totals } = totalsFor(tf, trainer);
  const rows = await groupRows(mesh, rowsOf(input.data, trainer.inputShape));
  const batches = rows.map((n) => batchCount(n, input.batchSize));
  const mine = batches[mesh.rank]!;
  // Every member must have trained in every round, or its optimizer may lack the accumulators to average.
  const rounds = Math.max(1, Math.min(input.rounds, ...batches.filter((b) => b > 0)));
  const feed = new BatchFeed(input.data, trainer.inputShape, input.batchSize, input.shuffle, input.shuffleSeed);
  const dropoutSeed = deriveSeed(trainer.seed, 'member', mesh.rank);
  const gradient = new Float32Array(layout.total);
  let steps = 0;

  for (let round = 0; round < rounds; round++) {
    const end = Math.floor(((round + 1) * mine) / rounds);
    let examples = 0;
    for (; steps < end; steps++) {
      const batch = await feed.next();
      if (!batch) break;
      totals.add(sliceGradients(tf, trainer, variables, layout, batch, dropoutSeed, gradient), batch.count);
      applyMeanGradient(tf, trainer, variables, layout, gradient, batch.count);
      examples += batch.count;
    }
    await averageReplicas(tf, trainer, mesh, examples);
  }
  return { stats: totals.read(), steps };
}

/** Replaces every member's weights and optimizer state with their average weighted by `weight`. */
export async function averageReplicas(tf: Tf, trainer: Trainer, mesh: Mesh, weight: number): Promise<void> {
  const weights = trainer.model.weights.map((w) => w.read());
  const weightLayout = layoutOf(weights.map((w) => w.shape));
  const state = await captureOptimizerState(trainer.optimizer.optimizer);
  const slotValues = state.slots.reduce((n, s) => n + s.values.length, 0);
  const vector = new Float32Array(1 + weightLayout.total + slotValues + 1);
  vector[0] = 1;
  flattenInto(weights, weightLayout, vector, 1);
  let at = 1 + weightLayout.total;
  for (const s of state.slots) {
    vector.set(s.values, at);
    at += s.values.length;
  }
  vector[at] = state.iterations;
  for (let i = 0; i < vector.length; i++) vector[i]! *= weight;
  await ringAllReduce(mesh, vector);
  const total = vector[0]!;
  if (!(total > 0)) return;
  for (let i = 1; i < vector.length; i++) vector[i]! /= total;
  assignFlat(tf, weights as never, vector, weightLayout, 1);
  at = 1 + weightLayout.total;
  const averaged: OptimizerState = {
    className: state.className,
    iterations: Math.round(vector[vector.length - 1]!),
    slots: state.slots.map((s) => {
      const values = vector.slice(at, at + s.values.length);
      at += s.values.length;
      return { ...s, values };
    }),
  };
  await restoreOptimizerState(tf, trainer.optimizer.optimizer, averaged);
}

/** Averages weights no optimizer touches (batch normalisation's moving statistics) over the members. */
export async function averageNonTrainable(tf: Tf, trainer: Trainer, mesh: Mesh): Promise<void> {
  const weights = trainer.model.nonTrainableWeights.map((w) => w.read());
  if (weights.length === 0 || mesh.size === 1) return;
  const layout = layoutOf(weights.map((w) => w.shape));
  const vector = flattenInto(weights, layout, new Float32Array(layout.total));
  await ringAllReduce(mesh, vector);
  for (let i = 0; i < vector.length; i++) vector[i]! /= mesh.size;
  assignFlat(tf, weights as never, vector, layout);
}
