/**
 * One member's share of a training step: the gradients of its slice of the mini-batch, and what the
 * combined step then does with gradients from every member. The split keeps the arithmetic of
 * runtime/training/train-unit.ts (same loss with the layers' weight penalties, same clipping, same
 * optimizer call in trainable-weight order), so a step whose gradients are the count-weighted sum of the
 * slices' gradients is the step one worker would take on the whole mini-batch.
 */
import type { Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tf } from '../engine/index.js';
import type { Batch } from '../training/batches.js';
import { featuresToTensor } from '../training/build-model.js';
import { hasDropout, seedDropout } from '../training/dropout-seeds.js';
import { clipGradients, clips } from '../training/optimizers.js';
import type { Trainer } from '../training/trainer.js';
import { flattenInto, unflatten, type Layout } from './flat-values.js';

/** tfjs-core's NamedTensor, which its package entry does not export. */
type NamedTensor = Awaited<ReturnType<Optimizer['getWeights']>>[number];

/** The layers' weight penalties (kernel_l2), collected from the layers as train-unit.ts does. */
export function withRegularization(tf: Tf, model: LayersModel, dataLoss: Scalar): Scalar {
  const penalties = model.layers.flatMap((layer) => layer.calculateLosses());
  return penalties.length === 0 ? dataLoss : (tf.addN([dataLoss, ...penalties]) as Scalar);
}

export function batchTensors(tf: Tf, trainer: Pick<Trainer, 'loss' | 'inputShape' | 'outputShape'>, batch: Batch): { x: Tensor; y: Tensor } {
  const x = featuresToTensor(tf, batch.features, trainer.inputShape);
  try {
    return { x, y: trainer.loss.labels(batch.labels, batch.count, trainer.outputShape) };
  } catch (error) {
    x.dispose();
    throw error;
  }
}

/**
 * Gradients of one slice, written into `out` from `start` and scaled by the slice's example count, so that
 * the sum over members divided by the total count is the gradient of the whole mini-batch's mean loss.
 * `dropoutSeed` seeds this member's dropout masks for the step (its slice is its own). Returns the slice's
 * [loss × count, ...each metric's statistics] as tensors the caller owns.
 */
export function sliceGradients(tf: Tf, trainer: Trainer, variables: readonly Variable[], layout: Layout, batch: Batch, dropoutSeed: number, out: Float32Array, start = 0): Tensor[] {
  const { model, loss, metrics } = trainer;
  if (hasDropout(model)) seedDropout(tf, model, dropoutSeed, trainer.optimizer.optimizer.iterations);
  const { x, y } = batchTensors(tf, trainer, batch);
  try {
    return tf.tidy(() => {
      let predictions: Tensor | undefined;
      try {
        // The objective is count × (mean loss + penalties): its gradients come out already weighted.
        const { value, grads } = tf.variableGrads(() => {
          predictions = tf.keep(model.apply(x, { training: true }) as Tensor);
          return tf.mul(withRegularization(tf, model, loss.compute(y, predictions)), batch.count) as Scalar;
        }, variables as Variable[]);
        flattenInto(variables.map((v) => grads[v.name]), layout, out, start);
        return [value, ...metrics.map((m) => m.stats(y, predictions!))];
      } finally {
        predictions?.dispose();
      }
    });
  } finally {
    tf.dispose([x, y]);
  }
}

/** Applies the mean gradient `sum / count` (clipped as the step asks) with the trainer's optimizer; scales `sum` in place. */
export function applyMeanGradient(tf: Tf, trainer: Trainer, variables: readonly Variable[], layout: Layout, sum: Float32Array, count: number, start = 0): void {
  const { optimizer, clipping } = trainer.optimizer;
  const scale = 1 / count;
  for (let i = start; i < start + layout.total; i++) sum[i]! *= scale;
  tf.tidy(() => {
    let gradients = unflatten(tf, sum, layout, start);
    if (clips(clipping)) {
      const named = Object.fromEntries(variables.map((v, i) => [v.name, gradients[i]!]));
      const clipped = clipGradients(tf, named, clipping);
      gradients = variables.map((v) => clipped[v.name]!);
    }
    optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: gradients[i] }) as NamedTensor));
  });
}
