/**
 * The hyperparameters that shape a model's weights: a checkpoint only fits a model built with the same
 * values, so PBT, which copies one trial's checkpoint into another with changed values, must leave these
 * alone. In a `layers` model that is every `${hp.x}` inside `model` except dropout rates; a `module` or
 * `command` model receives every value, so there only those the step uses outside `model` (optimizer,
 * batch size, ...) may change.
 */
import type { TrainStep } from '../../compiler/spec/types.js';

/** Keys whose values never change a weight's shape. */
const SHAPE_FREE = new Set(['rate', 'dropout', 'recurrent_dropout']);
const HP_REF = /\$\{hp\.([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function shapeParams(step: TrainStep, space: readonly string[]): Set<string> {
  const model = step.model as unknown as Record<string, unknown>;
  const inModel = new Set<string>();
  collect(model, undefined, inModel, true);
  if (Array.isArray(model.layers)) return inModel;
  const outside = new Set<string>();
  const { model: _model, search: _search, ...rest } = step as unknown as Record<string, unknown>;
  collect(rest, undefined, outside, false);
  return new Set(space.filter((name) => !outside.has(name)));
}

function collect(value: unknown, key: string | undefined, into: Set<string>, skipShapeFree: boolean): void {
  if (typeof value === 'string') {
    if (skipShapeFree && key !== undefined && SHAPE_FREE.has(key)) return;
    for (const m of value.matchAll(HP_REF)) into.add(m[1]!);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collect(v, key, into, skipShapeFree);
    return;
  }
  if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) collect(v, k, into, skipShapeFree);
}
