/**
 * One pipeline stage's model: its run of the spec's layers as a model of its own, with its own optimizer.
 * Each layer is planned at its index in the whole model, so its initial weights are those the whole model
 * built from the same seed has: a pipeline starts from the model a single worker would start from.
 * Optimizers update each weight from that weight's own gradient and state, so a stage's optimizer over
 * its weights does what the whole model's optimizer does to them (global-norm clipping aside, which the
 * stages agree on over their links).
 */
import type { Sequential } from '@tensorflow/tfjs-layers';
import type { Tf } from '../../engine/index.js';
import { bindTrainStep, createLoss, createMetrics, createOptimizer, ModelSpecError, planLayer, type LossSetup, type MetricSetup, type OptimizerSetup } from '../../training/index.js';
import type { TrainStep } from '../../../compiler/spec/types.js';
import type { TrialSetup } from '../../worker/protocol.js';
import { planStages, type StagePlan } from './stages.js';

export interface Stage {
  index: number;
  count: number;
  plan: StagePlan;
  model: Sequential;
  optimizer: OptimizerSetup;
  /** The last stage scores: loss and metrics as the step defines them. */
  loss: LossSetup;
  metrics: MetricSetup[];
  /** The whole model's input and output shapes (stage 0 reads features, the last stage labels). */
  modelInputShape: number[];
  modelOutputShape: number[];
  seed: number;
}

export function buildStage(tf: Tf, setup: TrialSetup, index: number, count: number): Stage {
  const bound = bindTrainStep(setup.step as unknown as TrainStep, setup.params);
  const plans = planStages(bound.model, count);
  const plan = plans[index]!;
  const layers = bound.model.layers ?? [];
  const model = tf.sequential();
  const factories = tf.layers as unknown as Record<string, (config: Record<string, unknown>) => Parameters<Sequential['add']>[0]>;
  try {
    for (let i = plan.begin; i < plan.end; i++) {
      const p = planLayer(tf, layers[i]!, i, setup.seed);
      const factory = factories[p.factory];
      if (factory === undefined) throw new ModelSpecError(`layers[${i}] (${p.name}): this tfjs-layers has no tf.layers.${p.factory}`);
      model.add(factory(i === plan.begin ? { ...p.config, inputShape: plan.inputShape } : p.config));
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  const built = model.outputs[0]!.shape.slice(1) as number[];
  if (built.join(',') !== plan.outputShape.join(',')) {
    model.dispose();
    throw new ModelSpecError(`stage ${index} computes shape [${built.join(', ')}] where [${plan.outputShape.join(', ')}] was planned`);
  }
  const loss = createLoss(tf, bound.loss);
  return {
    index,
    count,
    plan,
    model,
    optimizer: createOptimizer(tf, bound.optimizer),
    loss,
    metrics: createMetrics(tf, bound.metrics, loss),
    modelInputShape: plans[0]!.inputShape,
    modelOutputShape: plans[count - 1]!.outputShape,
    seed: setup.seed,
  };
}

export function disposeStage(stage: Stage): void {
  stage.optimizer.optimizer.dispose();
  stage.model.dispose();
}
