/**
 * Where a layers model is cut into pipeline stages: contiguous runs of layers with about equal parameter
 * counts (each stage holds its own weights, gradients and optimizer slots, which is what must fit a
 * device), each knowing the shape it receives and the shape it passes on.
 */
import { estimateLayersModel } from '../../../compiler/cost/model-memory.js';
import { ModelSpecError } from '../../training/build-model.js';
import type { BoundModelSpec } from '../../training/bind-hyperparameters.js';

export interface StagePlan {
  /** Layers [begin, end) of the model. */
  begin: number;
  end: number;
  /** Per example, without the batch dimension. */
  inputShape: number[];
  outputShape: number[];
}

export function planStages(spec: BoundModelSpec, stages: number): StagePlan[] {
  const layers = spec.layers ?? [];
  if (!Number.isInteger(stages) || stages < 1) throw new ModelSpecError(`model parallelism needs a whole number of stages, got ${stages}`);
  if (layers.length < stages) throw new ModelSpecError(`the model has ${layers.length} layers, fewer than the ${stages} pipeline stages to cut it into`);
  const estimate = estimateLayersModel(spec.input_shape ?? [], layers, (_layer, _arg, value) => value);
  if (!estimate.ok) throw new ModelSpecError(`cannot cut the model into stages: ${estimate.why}`);
  const model = estimate.model;
  // A parameterless layer (flatten, dropout) still costs a little: give it weight one so it is placed evenly.
  const cost = model.layers.map((l) => Math.max(1, l.params));
  const total = cost.reduce((a, b) => a + b, 0);
  const bounds = [0];
  let running = 0;
  for (let i = 0; i < layers.length && bounds.length < stages; i++) {
    running += cost[i]!;
    const remainingStages = stages - bounds.length;
    const remainingLayers = layers.length - (i + 1);
    if (running >= (bounds.length * total) / stages || remainingLayers === remainingStages) bounds.push(i + 1);
  }
  bounds.push(layers.length);
  return bounds.slice(0, -1).map((begin, s) => {
    const end = bounds[s + 1]!;
    return { begin, end, inputShape: begin === 0 ? model.inputShape : model.layers[begin - 1]!.outputShape, outputShape: model.layers[end - 1]!.outputShape };
  });
}
