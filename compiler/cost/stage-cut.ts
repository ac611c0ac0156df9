/**
 * Where a layers model is cut into pipeline stages: contiguous runs of layers with about equal parameter
 * counts (each stage holds its own weights, gradients and optimizer slots, which is what must fit a
 * device). The runtime cuts with this (runtime/parallel/pipeline/stages.ts), so the planner counts the
 * activations that really cross each cut.
 */
import type { ModelEstimate } from './model-memory.js';

/** Layers [begin, end) of each stage; fewer stages than asked when the model has fewer layers. */
export function cutStages(model: Pick<ModelEstimate, 'layers'>, stages: number): { begin: number; end: number }[] {
  const count = model.layers.length;
  // A parameterless layer (flatten, dropout) still costs a little: give it weight one so it is placed evenly.
  const cost = model.layers.map((l) => Math.max(1, l.params));
  const total = cost.reduce((a, b) => a + b, 0);
  const bounds = [0];
  let running = 0;
  for (let i = 0; i < count && bounds.length < stages; i++) {
    running += cost[i]!;
    const remainingStages = stages - bounds.length;
    const remainingLayers = count - (i + 1);
    if (running >= (bounds.length * total) / stages || remainingLayers === remainingStages) bounds.push(i + 1);
  }
  bounds.push(count);
  return bounds.slice(0, -1).map((begin, s) => ({ begin, end: bounds[s + 1]! }));
}

/** Values per example that cross each cut (a stage's output), in stage order; one fewer than the stages. */
export function boundaryValues(model: Pick<ModelEstimate, 'layers'>, stages: number): number[] {
  return cutStages(model, stages)
    .slice(0, -1)
    // The output shape, not `activations`: a recurrent layer keeps more for its backward pass than it passes on.
    .map((s) => model.layers[s.end - 1]!.outputShape.reduce((a, b) => a * b, 1));
}
