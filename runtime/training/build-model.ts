/**
 * Builds a tf.Sequential from a bound `layers:` model, and shapes feature batches to the model's input.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Sequential } from '@tensorflow/tfjs-layers';
import type { Tf } from '../engine/index.js';
import type { BoundModelSpec } from './bind-hyperparameters.js';
import { ModelSpecError, planLayer } from './layer-config.js';

export { ModelSpecError } from './layer-config.js';

export interface BuildModelOptions {
  /** Seeds every random initial weight: the same seed and spec give the same initial weights. Default 0. */
  seed?: number;
  name?: string;
}

/**
 * The model of a bound `layers:` spec. The first layer gets `input_shape`; each layer's arguments are
 * checked against the catalog and translated to tfjs names.
 */
export function buildModel(tf: Tf, spec: BoundModelSpec, options: BuildModelOptions = {}): Sequential {
  const inputShape = modelInputShape(spec);
  const layers = spec.layers ?? [];
  if (layers.length === 0) throw new ModelSpecError('the model has no layers');
  const seed = options.seed ?? 0;
  const model = tf.sequential(options.name === undefined ? {} : { name: options.name });
  const factories = tf.layers as unknown as Record<string, (config: Record<string, unknown>) => Parameters<Sequential['add']>[0]>;
  layers.forEach((item, index) => {
    const plan = planLayer(tf, item, index, seed);
    const factory = factories[plan.factory];
    if (factory === undefined) throw new ModelSpecError(`layers[${index}] (${plan.name}): this tfjs-layers has no tf.layers.${plan.factory}`);
    const config = index === 0 ? { ...plan.config, inputShape } : plan.config;
    try {
      model.add(factory(config));
    } catch (error) {
      model.dispose();
      const message = error instanceof Error ? error.message : String(error);
      throw new ModelSpecError(`layers[${index}] (${plan.name}) cannot be built: ${message}`);
    }
  });
  return model;
}

/** `input_shape` without the batch dimension, checked. */
export function modelInputShape(spec: BoundModelSpec): number[] {
  const shape = spec.input_shape;
  if (shape === undefined) throw new ModelSpecError(`a ${spec.module !== undefined ? 'module' : 'layers'} model needs input_shape`);
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ModelSpecError(`input_shape must be a list of positive integers, got ${JSON.stringify(shape)}`);
  }
  return [...shape];
}

/** Elements per example: the product of the shape. */
export function elementsPerExample(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * A batch of features as a float32 tensor of shape [batch, ...inputShape]. Features arrive flat, row-major,
 * in whatever per-example shape the table holds (an IDX image column is [28, 28]); only the element count
 * per example must match, so a [28, 28] image feeds a conv2d input of [28, 28, 1]. Integer features (token
 * ids for an embedding) become float32: tfjs's Embedding casts them back to int32.
 */
export function featuresToTensor(tf: Tf, values: Float32Array | Int32Array, inputShape: readonly number[]): Tensor {
  const per = elementsPerExample(inputShape);
  if (values.length % per !== 0) {
    throw new RangeError(`features hold ${values.length} values, not a whole number of examples of shape [${inputShape.join(', ')}] (${per} values each)`);
  }
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  return tf.tensor(data, [values.length / per, ...inputShape], 'float32');
}

/** Reshapes a feature tensor [batch, ...anything] to [batch, ...inputShape] (same element count per example). */
export function reshapeToInput(tf: Tf, features: Tensor, inputShape: readonly number[]): Tensor {
  const batch = features.shape[0] ?? 1;
  const per = elementsPerExample(inputShape);
  if (features.size !== batch * per) {
    throw new RangeError(`a feature batch of shape [${features.shape.join(', ')}] does not fit input_shape [${inputShape.join(', ')}]`);
  }
  return tf.reshape(features, [batch, ...inputShape]);
}
