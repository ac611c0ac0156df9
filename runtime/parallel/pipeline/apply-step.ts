/**
 * A stage's update at the end of a mini-batch: clipping as the step asks, then its optimizer. Value and
 * per-weight norm clipping need only the stage's own gradients; the global norm is over every stage's,
 * so the stages sum their squared norms over their links first (every stage takes part, even one without
 * weights, or the others would wait for it).
 */
import type { Optimizer, Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from '../../engine/index.js';
import { clipGradients } from '../../training/optimizers.js';
import { trainableVariables } from '../../training/trainer.js';
import { ringAllReduce } from '../collectives.js';
import type { Mesh } from '../mesh.js';
import type { Stage } from './stage-model.js';

type NamedTensor = Awaited<ReturnType<Optimizer['getWeights']>>[number];

/** Applies `grads` (the stage's summed gradients, in trainable order) and disposes them. */
export async function applyStageGradients(tf: Tf, stage: Stage, mesh: Mesh, grads: Tensor[]): Promise<void> {
  const variables = trainableVariables(stage.model);
  const { clipnorm, clipvalue, global_clipnorm: globalNorm } = stage.optimizer.clipping;
  let current = grads;
  try {
    if (clipnorm !== undefined || clipvalue !== undefined) {
      const clipped = clipGradients(tf, Object.fromEntries(variables.map((v, i) => [v.name, current[i]!])), { ...(clipnorm !== undefined ? { clipnorm } : {}), ...(clipvalue !== undefined ? { clipvalue } : {}) });
      tf.dispose(current);
      current = variables.map((v) => clipped[v.name]!);
    }
    if (globalNorm !== undefined) {
      const squares = Float32Array.of(current.length === 0 ? 0 : tf.tidy(() => tf.addN(current.map((g) => tf.sum(tf.square(g)))).dataSync()[0]!));
      await ringAllReduce(mesh, squares);
      const norm = Math.sqrt(squares[0]!);
      if (norm > globalNorm) {
        const scaled = current.map((g) => tf.mul(g, globalNorm / norm));
        tf.dispose(current);
        current = scaled;
      }
    }
    if (variables.length > 0) stage.optimizer.optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: current[i] }) as NamedTensor));
  } finally {
    tf.dispose(current);
  }
}
