/**
 * What every data-parallel variant shares: the member's view of its shard (a feed of batches), the group's
 * shard sizes, and the trainer's variables laid out as one flat vector.
 */
import type { Variable } from '@tensorflow/tfjs-core';
import type { Tf } from '../engine/index.js';
import { batchesOf, type Batch, type ExampleArrays } from '../training/batches.js';
import { elementsPerExample } from '../training/build-model.js';
import { trainableVariables, type Trainer } from '../training/trainer.js';
import { ringAllReduce } from './collectives.js';
import { layoutOf, type Layout } from './flat-values.js';
import type { Mesh } from './mesh.js';
import { StatTotals, statWidths } from './pass-stats.js';

export interface GroupPassInput {
  tf: Tf;
  trainer: Trainer;
  mesh: Mesh;
  /** This member's shard. */
  data: readonly ExampleArrays[];
  /** The global mini-batch: the examples one synchronous step combines from all members. */
  batchSize: number;
  shuffle: boolean;
  /** Seeds the order of this member's examples (differs per member and epoch). */
  shuffleSeed: number;
}

/** What a variant reports of its pass; metrics come from the group-wide statistics afterwards. */
export interface GroupPassOutcome {
  /** This member's training statistics vector (see pass-stats.ts). */
  stats: Float32Array;
  /** Optimizer steps this member took part in. */
  steps: number;
  staleness?: StalenessRecord;
}

/** What bounded-staleness training observed (parameter-server variants). */
export interface StalenessRecord {
  /** The bound the server enforced; null when none (asynchronous). */
  bound: number | null;
  /** The most clocks any member was ahead of the slowest when it was let start a step. */
  maxClockGap: number;
  /** The most server updates applied between a gradient's weights being read and the gradient applied. */
  maxVersionLag: number;
  /** Gradients the server applied. */
  updates: number;
}

/** The batches of a shard one at a time, as a step loop pulls them. */
export class BatchFeed {
  private readonly iterator: AsyncGenerator<Batch> | undefined;

  constructor(data: readonly ExampleArrays[], inputShape: readonly number[], batch: number, shuffle: boolean, seed: number) {
    const chunks = data.filter((c) => c.features.length > 0);
    this.iterator = batch > 0 && chunks.length > 0 ? batchesOf(chunks, inputShape, { batchSize: batch, shuffle, shuffleSeed: seed }) : undefined;
  }

  async next(): Promise<Batch | undefined> {
    if (!this.iterator) return undefined;
    const r = await this.iterator.next();
    return r.done ? undefined : r.value;
  }
}

/** Examples in a shard. */
export function rowsOf(data: readonly ExampleArrays[], inputShape: readonly number[]): number {
  const per = elementsPerExample(inputShape);
  return data.reduce((n, c) => n + c.features.length / per, 0);
}

/** Every member's shard size, in rank order (one small all-reduce). */
export async function groupRows(mesh: Mesh, rows: number): Promise<number[]> {
  const all = new Float32Array(mesh.size);
  all[mesh.rank] = rows;
  await ringAllReduce(mesh, all);
  return [...all];
}

/** The trainer's trainable variables and their flat layout. */
export function trainableLayout(trainer: Trainer): { variables: Variable[]; layout: Layout } {
  const variables = trainableVariables(trainer.model);
  return { variables, layout: layoutOf(variables.map((v) => v.shape)) };
}

/** A fresh accumulator of this trainer's statistics. */
export function totalsFor(tf: Tf, trainer: Trainer): { totals: StatTotals; widths: number[] } {
  const widths = statWidths(tf, trainer);
  return { totals: new StatTotals(tf, widths), widths };
}
