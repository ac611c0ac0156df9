/**
 * A stage's update at the end of a mini-batch: clipping as the step asks, then its optimizer. Value and
 * per-weight norm clipping need only the stage's own gradients; the global norm is over every stage's,
 * so the workers sum their stages' squared norms over their links first (every worker takes part, even one
 * whose stages have no weights, or the others would wait for it).
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
  const clipped = clipStageGradients(tf, stage, grads);
  if (stage.optimizer.clipping.global_clipnorm === undefined) return applyScaled(tf, stage, clipped, 1);
  const squares = Float32Array.of(squaredNorm(tf, clipped));
  await ringAllReduce(mesh, squares);
  applyScaled(tf, stage, clipped, globalScale(stage, squares[0]!));
}

/** Value and per-weight norm clipping (the stage's own); disposes `grads` when it returns new tensors. */
export function clipStageGradients(tf: Tf, stage: Stage, grads: Tensor[]): Tensor[] {
  const { clipnorm, clipvalue } = stage.optimizer.clipping;
  if (clipnorm === undefined && clipvalue === undefined) return grads;
  const variables = trainableVariables(stage.model);
  try {
    const clipped = clipGradients(tf, Object.fromEntries(variables.map((v, i) => [v.name, grads[i]!])), { ...(clipnorm !== undefined ? { clipnorm } : {}), ...(clipvalue !== undefined ? { clipvalue } : {}) });
    return variables.map((v) => clipped[v.name]!);
  } finally {
    tf.dispose(grads);
  }
}

/** Σ g² over the gradients. */
export function squaredNorm(tf: Tf, grads: readonly Tensor[]): number {
  return grads.length === 0 ? 0 : tf.tidy(() => tf.addN(grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0]!);
}

/** The factor global-norm clipping scales every gradient by, from the squared norm over every stage. */
export function globalScale(stage: Stage, squares: number): number {
  const limit = stage.optimizer.clipping.global_clipnorm;
  const norm = Math.sqrt(squares);
  return limit !== undefined && norm > limit ? limit / norm : 1;
}

/** The optimizer's step with `grads` × `scale`; disposes the grads. */
export function applyScaled(tf: Tf, stage: Stage, grads: Tensor[], scale: number): void {
  const variables = trainableVariables(stage.model);
  let current = grads;
  try {
    if (scale !== 1) {
      current = grads.map((g) => tf.mul(g, scale));
      tf.dispose(grads);
    }
    if (variables.length > 0) stage.optimizer.optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: current[i] }) as NamedTensor));
  } finally {
    tf.dispose(current);
  }
}
