/**
 * A layers model cut into pipeline stages where the planner's cost model cuts it (compiler/cost/stage-cut.ts:
 * about equal parameter counts per stage), each stage knowing the shape it receives and passes on.
 */
import { estimateLayersModel } from '../../../compiler/cost/model-memory.js';
import { cutStages } from '../../../compiler/cost/stage-cut.js';
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
  return cutStages(model, stages).map(({ begin, end }) => ({
    begin,
    end,
    inputShape: begin === 0 ? model.inputShape : model.layers[begin - 1]!.outputShape,
    outputShape: model.layers[end - 1]!.outputShape,
  }));
}
