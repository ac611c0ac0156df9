/**
 * Everything one trial trains with, assembled from its bound train step: model, optimizer (with clipping),
 * loss and metrics, plus the seed that drives initialisation and dropout.
 */
import type { Variable } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tf } from '../engine/index.js';
import type { BoundTrainStep } from './bind-hyperparameters.js';
import { buildModel, modelInputShape } from './build-model.js';
import { buildModuleModel } from './module-model.js';
import { createLoss, type LossSetup } from './losses.js';
import { createMetrics, type MetricSetup } from './metrics.js';
import { createOptimizer, type OptimizerSetup } from './optimizers.js';

/** The parts of a bound train step a trainer needs. */
export type TrainerSpec = Pick<BoundTrainStep, 'model' | 'optimizer' | 'loss' | 'metrics' | 'params'> & { seed?: number };

export interface Trainer {
  model: LayersModel;
  optimizer: OptimizerSetup;
  loss: LossSetup;
  metrics: MetricSetup[];
  /** Model input shape without the batch dimension (`input_shape`). */
  inputShape: number[];
  /** Model output shape without the batch dimension. */
  outputShape: number[];
  /** Seeds initial weights and dropout masks. */
  seed: number;
}

export interface CreateTrainerOptions {
  /** Overrides the step's own `seed`; default 0 when neither is given. */
  seed?: number;
}

/** A trainer with a freshly initialised model and a fresh optimizer. */
export function createTrainer(tf: Tf, spec: TrainerSpec, options: CreateTrainerOptions = {}): Trainer {
  const seed = options.seed ?? spec.seed ?? 0;
  const declared = modelInputShape(spec.model);
  const loss = createLoss(tf, spec.loss);
  const metrics = createMetrics(tf, spec.metrics, loss);
  const optimizer = createOptimizer(tf, spec.optimizer);
  const model = spec.model.module !== undefined ? buildModuleModel(tf, spec.model, spec.params ?? {}, { seed, inputShape: declared }) : buildModel(tf, spec.model, { seed });
  // A factory may take the same values in another shape ([784] for input_shape [28, 28]); batches are
  // shaped for the model as built.
  const built = model.inputs[0]!.shape.slice(1);
  const inputShape = built.every((d): d is number => typeof d === 'number') ? built : declared;
  const output = model.outputs[0]!.shape;
  return { model, optimizer, loss, metrics, inputShape, outputShape: output.slice(1) as number[], seed };
}

/** Releases the model's and optimizer's tensors. */
export function disposeTrainer(trainer: Trainer): void {
  trainer.optimizer.optimizer.dispose();
  trainer.model.dispose();
}

/** The model's trainable variables, in the order optimizer state is kept. */
export function trainableVariables(model: LayersModel): Variable[] {
  return model.trainableWeights.map((w) => w.read() as Variable);
}
