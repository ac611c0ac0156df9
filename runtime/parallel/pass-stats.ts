/**
 * Loss and metric statistics of a pass that several members share. Each member sums its own batches'
 * statistics (the sufficient statistics runtime/training/metrics.ts defines: they add across batches), the
 * members' sums are all-reduced, and every member computes the metrics from the totals: a data-parallel
 * epoch's accuracy or AUC is exact over all its examples, as a single worker's would be.
 *
 * A pass's statistics travel as one vector: [examples, loss × examples, ...each metric's statistics].
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from '../engine/index.js';
import { batchesOf, type ExampleArrays } from '../training/batches.js';
import type { PassMetrics } from '../training/train-unit.js';
import type { Trainer } from '../training/trainer.js';
import { ringAllReduce } from './collectives.js';
import { batchTensors, withRegularization } from './local-step.js';
import type { Mesh } from './mesh.js';

/** Length of each metric's statistics vector, found on one made-up example (a member may have no batches). */
export function statWidths(tf: Tf, trainer: Trainer): number[] {
  const outputs = trainer.outputShape.reduce((a, b) => a * b, 1);
  return tf.tidy(() => {
    const yPred = tf.fill([1, ...trainer.outputShape], 0.5);
    const yTrue = trainer.loss.labels(trainer.loss.sparseLabels ? new Int32Array(1) : new Float32Array(outputs), 1, trainer.outputShape);
    return trainer.metrics.map((m) => m.stats(yTrue, yPred).size);
  });
}

/** Sums of a member's batches' statistics, kept as tensors until read. */
export class StatTotals {
  private sums: Tensor[] | undefined;
  private examples = 0;

  constructor(
    private readonly tf: Tf,
    private readonly widths: readonly number[],
  ) {}

  /** Adds one batch's [loss × count, ...metric statistics]; takes ownership of them. */
  add(stats: Tensor[], count: number): void {
    this.examples += count;
    if (this.sums === undefined) {
      this.sums = stats;
      return;
    }
    const previous = this.sums;
    this.sums = previous.map((s, i) => this.tf.add(s, stats[i]!));
    this.tf.dispose([...previous, ...stats]);
  }

  /** The statistics vector (zeros for a member that saw no examples); releases the tensors. */
  read(): Float32Array {
    const out = new Float32Array(2 + this.widths.reduce((a, b) => a + b, 0));
    out[0] = this.examples;
    const sums = this.sums;
    this.sums = undefined;
    if (sums === undefined) return out;
    try {
      let at = 1;
      for (const s of sums) {
        const values = s.dataSync();
        out.set(values, at);
        at += values.length;
      }
    } finally {
      this.tf.dispose(sums);
    }
    return out;
  }
}

/** The metrics of a statistics vector (already summed over members). */
export function metricsOf(trainer: Trainer, widths: readonly number[], sums: Float32Array): PassMetrics {
  const examples = sums[0]!;
  const metrics: PassMetrics = { loss: examples > 0 ? sums[1]! / examples : NaN };
  let at = 2;
  trainer.metrics.forEach((m, i) => {
    metrics[m.name] = m.result(sums.subarray(at, at + widths[i]!));
    at += widths[i]!;
  });
  return metrics;
}

/** All-reduces the members' statistics vectors; every member gets the pass's metrics and example count. */
export async function combinePass(mesh: Mesh, trainer: Trainer, widths: readonly number[], local: Float32Array): Promise<{ metrics: PassMetrics; examples: number }> {
  const sums = local.slice();
  await ringAllReduce(mesh, sums);
  return { metrics: metricsOf(trainer, widths, sums), examples: sums[0]! };
}

/** Rows `[begin, end)` of each chunk that are this member's share: the chunks cut into `size` near-equal slices. */
export function shareOf(chunk: ExampleArrays & { rows: number }, rank: number, size: number): ExampleArrays {
  const begin = Math.floor((rank * chunk.rows) / size);
  const end = Math.floor(((rank + 1) * chunk.rows) / size);
  const fw = chunk.rows > 0 ? chunk.features.length / chunk.rows : 0;
  const lw = chunk.rows > 0 ? chunk.labels.length / chunk.rows : 0;
  return { features: chunk.features.subarray(begin * fw, end * fw), labels: chunk.labels.subarray(begin * lw, end * lw) };
}

/** Inference-mode statistics of `chunks` (this member's share of held-out data), as a statistics vector. */
export async function evaluationStats(tf: Tf, trainer: Trainer, widths: readonly number[], chunks: readonly ExampleArrays[]): Promise<Float32Array> {
  const totals = new StatTotals(tf, widths);
  const nonEmpty = chunks.filter((c) => c.features.length > 0);
  for await (const batch of batchesOf(nonEmpty, trainer.inputShape, { batchSize: 256, shuffle: false })) {
    const { x, y } = batchTensors(tf, trainer, batch);
    try {
      totals.add(
        tf.tidy(() => {
          const predictions = trainer.model.apply(x, { training: false }) as Tensor;
          const value = withRegularization(tf, trainer.model, trainer.loss.compute(y, predictions));
          return [tf.mul(value, batch.count), ...trainer.metrics.map((m) => m.stats(y, predictions))];
        }),
        batch.count,
      );
    } finally {
      tf.dispose([x, y]);
    }
  }
  return totals.read();
}
