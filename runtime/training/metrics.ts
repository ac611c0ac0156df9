/**
 * The spec's metrics as accumulators. Each batch yields a vector of sufficient statistics (correct and seen
 * counts, true and false positives, squared-error sums) that add across batches on the device; the metric
 * is computed once from the totals. So a pass's accuracy is exact over all its examples whatever the batch
 * sizes, precision and AUC are the whole pass's rather than an average of per-batch values (as Keras's
 * stateful metrics are), and nothing is read back to JavaScript per batch.
 */
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import type { Tf } from '../engine/index.js';
import { METRICS } from '../../compiler/spec/vocabulary.js';
import { classIdVector, oneHot, type LossSetup } from './losses.js';

export type MetricName = (typeof METRICS)[number];

export interface MetricSetup {
  name: MetricName;
  /** This batch's statistics, a float32 vector of fixed length; a pass's statistics are the batches' sum. */
  stats(yTrue: Tensor, yPred: Tensor): Tensor1D;
  /** The metric from summed statistics. */
  result(sums: ArrayLike<number>): number;
}

export class MetricSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricSpecError';
  }
}

/** k of top_k_accuracy (Keras's default). */
export const TOP_K = 5;
/** Thresholds of the AUC's ROC curve (Keras's default). */
export const AUC_THRESHOLDS = 200;

export function isMetricName(name: unknown): name is MetricName {
  return typeof name === 'string' && (METRICS as readonly string[]).includes(name);
}

/** Metric setups for `names`, interpreting labels as `loss` does. Duplicates are dropped. */
export function createMetrics(tf: Tf, names: readonly string[] | undefined, loss: LossSetup): MetricSetup[] {
  const unique = [...new Set(names ?? [])];
  return unique.map((name) => {
    if (!isMetricName(name)) throw new MetricSpecError(`unknown metric ${JSON.stringify(name)} (known: ${METRICS.join(', ')})`);
    return createMetric(tf, name, loss);
  });
}

function createMetric(tf: Tf, name: MetricName, loss: LossSetup): MetricSetup {
  const ratio = (sums: ArrayLike<number>) => (sums[1]! > 0 ? sums[0]! / sums[1]! : 0);
  /** Labels shaped like the predictions: class ids become one-hot rows. */
  const dense = (yTrue: Tensor, yPred: Tensor) => (loss.sparseLabels ? oneHot(tf, yTrue, width(yPred)) : tf.cast(yTrue, 'float32'));
  // Casting only what is not float32 already: a cast to the same type is still a kernel call, once per batch.
  const float = (t: Tensor) => (t.dtype === 'float32' ? t : tf.cast(t, 'float32'));
  const pair = (a: Tensor, b: Tensor) => tf.stack([float(a), float(b)]) as Tensor1D;

  switch (name) {
    case 'accuracy':
      return {
        name,
        stats: (yTrue, yPred) => tf.tidy(() => pair(tf.sum(accuracyPerExample(tf, yTrue, yPred, loss)), tf.scalar(yPred.shape[0]!))),
        result: ratio,
      };
    case 'top_k_accuracy':
      return {
        name,
        stats: (yTrue, yPred) =>
          tf.tidy(() => {
            const classes = loss.sparseLabels ? classIdVector(tf, yTrue) : tf.argMax(yTrue, -1);
            const trueScore = tf.sum(tf.mul(yPred, oneHot(tf, classes, width(yPred))), -1, true);
            // The true class is in the top k when fewer than k classes score strictly higher.
            const higher = tf.sum(tf.cast(tf.greater(yPred, trueScore), 'float32'), -1);
            return pair(tf.sum(tf.cast(tf.less(higher, TOP_K), 'float32')), tf.scalar(yPred.shape[0]!));
          }),
        result: ratio,
      };
    case 'precision':
    case 'recall':
      return {
        name,
        stats: (yTrue, yPred) =>
          tf.tidy(() => {
            // Keras semantics: every output element is a binary decision at threshold 0.5.
            const actual = tf.cast(tf.greater(dense(yTrue, yPred), 0.5), 'float32');
            const predicted = tf.cast(tf.greater(yPred, 0.5), 'float32');
            const truePositives = tf.sum(tf.mul(actual, predicted));
            const other = name === 'precision' ? tf.sum(tf.mul(tf.sub(1, actual), predicted)) : tf.sum(tf.mul(actual, tf.sub(1, predicted)));
            return pair(truePositives, other);
          }),
        result: (sums) => (sums[0]! + sums[1]! > 0 ? sums[0]! / (sums[0]! + sums[1]!) : 0),
      };
    case 'auc':
      return { name, stats: (yTrue, yPred) => aucStats(tf, dense(yTrue, yPred), yPred), result: aucResult };
    case 'mse':
    case 'mae':
    case 'rmse':
      return {
        name,
        stats: (yTrue, yPred) =>
          tf.tidy(() => {
            const diff = tf.sub(yPred, dense(yTrue, yPred));
            const errors = name === 'mae' ? tf.abs(diff) : tf.square(diff);
            return pair(tf.sum(errors), tf.scalar(diff.size));
          }),
        result: name === 'rmse' ? (sums) => Math.sqrt(ratio(sums)) : ratio,
      };
  }
}

function width(yPred: Tensor): number {
  return yPred.shape[yPred.rank - 1] ?? 1;
}

/**
 * Per-example accuracy, resolved from the loss and output as Keras resolves `accuracy`: class ids compare
 * with the arg max; a single output or a binary loss thresholds at 0.5 (averaged over outputs); otherwise
 * arg max against arg max of one-hot labels.
 */
function accuracyPerExample(tf: Tf, yTrue: Tensor, yPred: Tensor, loss: LossSetup): Tensor {
  if (loss.sparseLabels) return tf.cast(tf.equal(tf.argMax(yPred, -1), classIdVector(tf, yTrue)), 'float32');
  if (width(yPred) === 1 || loss.name === 'binary_crossentropy') {
    const hits = tf.cast(tf.equal(tf.greater(yPred, 0.5), tf.greater(yTrue, 0.5)), 'float32');
    return tf.mean(tf.reshape(hits, [yPred.shape[0]!, -1]), -1);
  }
  return tf.cast(tf.equal(tf.argMax(yPred, -1), tf.argMax(yTrue, -1)), 'float32');
}

/** Keras's thresholds: (i+1)/(T-1) for i < T-2, bracketed by just below 0 and just above 1. */
function aucThresholds(): Float32Array {
  const t = new Float32Array(AUC_THRESHOLDS);
  t[0] = -1e-7;
  for (let i = 1; i < AUC_THRESHOLDS - 1; i++) t[i] = i / (AUC_THRESHOLDS - 1);
  t[AUC_THRESHOLDS - 1] = 1 + 1e-7;
  return t;
}
const THRESHOLDS = aucThresholds();

/** True and false positives at every threshold, then the positive and negative counts: 2T + 2 values. */
function aucStats(tf: Tf, actual: Tensor, yPred: Tensor): Tensor1D {
  return tf.tidy(() => {
    const labels = tf.reshape(tf.cast(tf.greater(actual, 0.5), 'float32'), [1, -1]);
    const scores = tf.reshape(yPred, [-1, 1]);
    const above = tf.cast(tf.greater(scores, tf.tensor2d(THRESHOLDS, [1, AUC_THRESHOLDS])), 'float32');
    const truePositives = tf.matMul(labels, above);
    const falsePositives = tf.matMul(tf.sub(1, labels), above);
    const positives = tf.sum(labels);
    const negatives = tf.sub(labels.size, positives);
    return tf.concat([tf.reshape(truePositives, [-1]), tf.reshape(falsePositives, [-1]), tf.stack([positives, negatives])]) as Tensor1D;
  });
}

/** Area under the ROC curve by the trapezoidal rule over the thresholds. */
function aucResult(sums: ArrayLike<number>): number {
  const T = AUC_THRESHOLDS;
  const positives = sums[2 * T]!;
  const negatives = sums[2 * T + 1]!;
  if (positives === 0 || negatives === 0) return 0;
  let area = 0;
  for (let i = 0; i < T - 1; i++) {
    const tpr0 = sums[i]! / positives;
    const tpr1 = sums[i + 1]! / positives;
    const fpr0 = sums[T + i]! / negatives;
    const fpr1 = sums[T + i + 1]! / negatives;
    area += (fpr0 - fpr1) * (tpr0 + tpr1) / 2;
  }
  return area;
}
