/**
 * The spec's losses (Keras names) on tfjs-core ops, with Keras's conventions: models output probabilities
 * (not logits), predictions are clipped to [1e-7, 1 - 1e-7] before a log, and the loss is the mean over
 * examples of a per-example loss averaged over the last axis. Each loss also says what labels it needs, so
 * class ids can feed categorical_crossentropy without a one_hot step.
 */
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from '../engine/index.js';
import { LOSSES } from '../../compiler/spec/vocabulary.js';
import { elementsPerExample } from './build-model.js';

export type LossName = (typeof LOSSES)[number];

/** Keras's fuzz factor. */
export const EPSILON = 1e-7;

export interface LossSetup {
  name: LossName;
  /** True when labels are class ids, one per example (sparse_categorical_crossentropy). */
  sparseLabels: boolean;
  /** Mean loss over the batch. */
  compute(yTrue: Tensor, yPred: Tensor): Scalar;
  /** The label tensor this loss takes, from flat values for `count` examples and the model's output shape (no batch). */
  labels(values: Float32Array | Int32Array, count: number, outputShape: readonly number[]): Tensor;
}

export class LossSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LossSpecError';
  }
}

type PerExample = (tf: Tf, yTrue: Tensor, yPred: Tensor) => Tensor;

const PER_EXAMPLE: Readonly<Record<LossName, PerExample>> = {
  sparse_categorical_crossentropy: (tf, yTrue, yPred) => crossentropy(tf, oneHot(tf, yTrue, yPred.shape[yPred.rank - 1]!), yPred),
  categorical_crossentropy: (tf, yTrue, yPred) => crossentropy(tf, yTrue, yPred),
  binary_crossentropy: (tf, yTrue, yPred) => {
    const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON);
    const terms = tf.add(tf.mul(yTrue, tf.log(p)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p))));
    return tf.neg(tf.mean(terms, -1));
  },
  mean_squared_error: (tf, yTrue, yPred) => tf.mean(tf.squaredDifference(yPred, yTrue), -1),
  mean_absolute_error: (tf, yTrue, yPred) => tf.mean(tf.abs(tf.sub(yPred, yTrue)), -1),
  huber: (tf, yTrue, yPred) => {
    // delta = 1 (Keras's default): quadratic within 1 of the target, linear beyond.
    const error = tf.abs(tf.sub(yPred, yTrue));
    const quadratic = tf.minimum(error, 1);
    const linear = tf.sub(error, quadratic);
    return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), linear), -1);
  },
  hinge: (tf, yTrue, yPred) => {
    // Keras maps 0/1 labels to -1/1 when every label is 0 or 1, so binary labels work unchanged.
    const binary = tf.all(tf.logicalOr(tf.equal(yTrue, 0), tf.equal(yTrue, 1)));
    const signed = tf.where(binary, tf.sub(tf.mul(yTrue, 2), 1), yTrue);
    return tf.mean(tf.relu(tf.sub(1, tf.mul(signed, yPred))), -1);
  },
};

/** -sum(y log p) over the last axis, with p renormalised and clipped as Keras does for probability outputs. */
function crossentropy(tf: Tf, yTrue: Tensor, yPred: Tensor): Tensor {
  const p = tf.clipByValue(tf.div(yPred, tf.sum(yPred, -1, true)), EPSILON, 1 - EPSILON);
  return tf.neg(tf.sum(tf.mul(yTrue, tf.log(p)), -1));
}

/** Float one-hot rows of class ids (any shape [n] or [n, 1]). */
export function oneHot(tf: Tf, classIds: Tensor, classes: number): Tensor {
  return tf.cast(tf.oneHot(classIdVector(tf, classIds), classes), 'float32');
}

/**
 * Class ids as the flat int32 vector tf.oneHot and comparisons take. Labels that already are one (what
 * `labels` makes for sparse losses) pass through: a reshape or cast to the same shape and type is still a
 * kernel call, and with a small model each call costs a measurable share of a training step.
 */
export function classIdVector(tf: Tf, classIds: Tensor): Tensor {
  const flat = classIds.rank === 1 ? classIds : tf.reshape(classIds, [-1]);
  return flat.dtype === 'int32' ? flat : tf.cast(flat, 'int32');
}

export function isLossName(name: unknown): name is LossName {
  return typeof name === 'string' && (LOSSES as readonly string[]).includes(name);
}

export function createLoss(tf: Tf, name: string): LossSetup {
  if (!isLossName(name)) throw new LossSpecError(`unknown loss ${JSON.stringify(name)} (known: ${LOSSES.join(', ')})`);
  const perExample = PER_EXAMPLE[name];
  const sparseLabels = name === 'sparse_categorical_crossentropy';
  return {
    name,
    sparseLabels,
    compute: (yTrue, yPred) => tf.mean(perExample(tf, yTrue, yPred)) as Scalar,
    labels: (values, count, outputShape) => labelTensor(tf, name, values, count, outputShape),
  };
}

function labelTensor(tf: Tf, name: LossName, values: Float32Array | Int32Array, count: number, outputShape: readonly number[]): Tensor {
  const width = elementsPerExample(outputShape);
  if (name === 'sparse_categorical_crossentropy') {
    if (values.length !== count) {
      throw new RangeError(`${name} takes one class id per example: got ${values.length} label values for ${count} examples`);
    }
    return tf.tensor1d(values instanceof Int32Array ? values : Int32Array.from(values), 'int32');
  }
  if (values.length === count * width) {
    return tf.tensor(values instanceof Float32Array ? values : Float32Array.from(values), [count, ...outputShape], 'float32');
  }
  if (name === 'categorical_crossentropy' && values.length === count && outputShape.length === 1) {
    // Class ids with a categorical loss: one-hot them rather than make the user add a one_hot step.
    return tf.tidy(() => oneHot(tf, tf.tensor1d(values instanceof Int32Array ? values : Int32Array.from(values), 'int32'), width));
  }
  throw new RangeError(
    `${name} needs ${width} label value(s) per example to match the model's output [${outputShape.join(', ')}]: ` +
      `got ${values.length} for ${count} examples`,
  );
}
