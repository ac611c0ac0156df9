/**
 * What a `layers:` model costs to train, worked out from the layer list and input_shape alone: its
 * parameters, each layer's output shape, forward floating-point operations per example, and the memory
 * one device needs to train it (parameters, gradients, optimizer slots, activations at the batch size).
 * Shapes are channels-last without the batch dimension, as tfjs-layers has them; everything is float32.
 */
import type { LayerItem } from '../spec/types.js';

export const BYTES_PER_VALUE = 4;

/** An argument's numeric value, or undefined when it is absent; `${hp.x}` arrives already bound by `bind`. */
export type ArgBinder = (layer: string, arg: string, value: unknown) => unknown;

export interface LayerEstimate {
  type: string;
  outputShape: number[];
  /** All weights, trainable or not (batch normalisation's moving statistics are not). */
  params: number;
  trainable: number;
  /** Forward-pass floating-point operations per example (a multiply-add counts two). */
  flops: number;
  /** Values per example kept for the backward pass (the layer's output). */
  activations: number;
}

export interface ModelEstimate {
  inputShape: number[];
  layers: LayerEstimate[];
  params: number;
  trainable: number;
  /** Forward flops per example; training is about three times this (forward, and twice for backward). */
  flops: number;
  /** Values per example held for the backward pass: the input and every layer's output. */
  activations: number;
}

export type ModelEstimateResult = { ok: true; model: ModelEstimate } | { ok: false; why: string };

const pairOf = (v: unknown, fallback: number): [number, number] | undefined => {
  if (v === undefined) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0] as number, v[1] as number];
  return undefined;
};
const singleOf = (v: unknown, fallback: number): number | undefined => {
  if (v === undefined) return fallback;
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return v[0];
  return undefined;
};
const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** Output length of a convolution or pooling window along one axis (Keras's rule). */
export function windowOutput(length: number, window: number, stride: number, padding: unknown, dilation = 1): number {
  if (padding === 'same') return Math.ceil(length / stride);
  const effective = (window - 1) * dilation + 1;
  return Math.max(0, Math.floor((length - effective) / stride) + 1);
}

/**
 * Walks the layers from input_shape. `bind` turns an argument's value (which may be `${hp.x}`) into the
 * value to estimate with; an argument it cannot make a number of makes the whole estimate unknown.
 */
export function estimateLayersModel(inputShape: readonly unknown[], layers: readonly LayerItem[], bind: ArgBinder): ModelEstimateResult {
  const input = inputShape.map((d, i) => bind('input_shape', String(i), d));
  if (!input.every((d): d is number => typeof d === 'number' && Number.isInteger(d) && d > 0)) return { ok: false, why: 'input_shape is not known' };
  let shape: number[] = input;
  const out: LayerEstimate[] = [];
  for (const [index, item] of layers.entries()) {
    const type = Object.keys(item ?? {})[0];
    if (type === undefined) return { ok: false, why: `layers[${index}] has no type` };
    const raw = (item[type] ?? {}) as Record<string, unknown>;
    const args: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) args[k] = bind(type, k, v);
    const layer = estimateLayer(type, shape, args);
    if (typeof layer === 'string') return { ok: false, why: `layers[${index}] (${type}): ${layer}` };
    out.push(layer);
    shape = layer.outputShape;
  }
  const sum = (f: (l: LayerEstimate) => number) => out.reduce((a, l) => a + f(l), 0);
  return {
    ok: true,
    model: {
      inputShape: input,
      layers: out,
      params: sum((l) => l.params),
      trainable: sum((l) => l.trainable),
      flops: sum((l) => l.flops),
      activations: product(input) + sum((l) => l.activations),
    },
  };
}

function estimateLayer(type: string, inShape: number[], a: Record<string, unknown>): LayerEstimate | string {
  const last = inShape[inShape.length - 1] ?? 1;
  const useBias = a.use_bias !== false;
  const same = (params = 0, trainable = params): LayerEstimate => ({ type, outputShape: inShape, params, trainable, flops: product(inShape), activations: product(inShape) });
  const num = (name: string, fallback?: number): number | undefined => {
    const v = a[name];
    if (v === undefined) return fallback;
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const done = (outputShape: number[], params: number, flops: number, trainable = params): LayerEstimate | string =>
    outputShape.some((d) => !(d > 0)) ? `the output shape [${outputShape.join(', ')}] is empty` : { type, outputShape, params, trainable, flops, activations: product(outputShape) };

  switch (type) {
    case 'dense': {
      const units = num('units');
      if (units === undefined) return 'units is not known';
      const lead = product(inShape.slice(0, -1));
      return done([...inShape.slice(0, -1), units], last * units + (useBias ? units : 0), 2 * lead * last * units);
    }
    case 'conv1d': {
      if (inShape.length !== 2) return `expects [steps, channels], gets [${inShape.join(', ')}]`;
      const filters = num('filters');
      const k = singleOf(a.kernel_size, NaN);
      const s = singleOf(a.strides, 1);
      const d = singleOf(a.dilation_rate, 1);
      if (filters === undefined || !k || !s || !d) return 'filters or kernel_size is not known';
      const len = windowOutput(inShape[0]!, k, s, a.padding, d);
      return done([len, filters], k * last * filters + (useBias ? filters : 0), 2 * len * k * last * filters);
    }
    case 'conv2d':
    case 'depthwise_conv2d':
    case 'separable_conv2d': {
      if (inShape.length !== 3) return `expects [height, width, channels], gets [${inShape.join(', ')}]`;
      const k = pairOf(a.kernel_size, NaN);
      const s = pairOf(a.strides, 1);
      const d = pairOf(a.dilation_rate, 1);
      if (!k || !s || !d || k.some(Number.isNaN)) return 'kernel_size is not known';
      const h = windowOutput(inShape[0]!, k[0], s[0], a.padding, d[0]);
      const w = windowOutput(inShape[1]!, k[1], s[1], a.padding, d[1]);
      const taps = k[0] * k[1];
      if (type === 'conv2d') {
        const filters = num('filters');
        if (filters === undefined) return 'filters is not known';
        return done([h, w, filters], taps * last * filters + (useBias ? filters : 0), 2 * h * w * taps * last * filters);
      }
      const multiplier = num('depth_multiplier', 1);
      if (multiplier === undefined) return 'depth_multiplier is not known';
      const depthwise = last * multiplier;
      if (type === 'depthwise_conv2d') return done([h, w, depthwise], taps * depthwise + (useBias ? depthwise : 0), 2 * h * w * taps * depthwise);
      const filters = num('filters');
      if (filters === undefined) return 'filters is not known';
      return done([h, w, filters], taps * depthwise + depthwise * filters + (useBias ? filters : 0), 2 * h * w * (taps * depthwise + depthwise * filters));
    }
    case 'max_pooling1d':
    case 'average_pooling1d': {
      if (inShape.length !== 2) return `expects [steps, channels], gets [${inShape.join(', ')}]`;
      const p = singleOf(a.pool_size, 2);
      const s = singleOf(a.strides, p ?? 2);
      if (!p || !s) return 'pool_size is not known';
      const len = windowOutput(inShape[0]!, p, s, a.padding);
      return done([len, last], 0, len * last * p);
    }
    case 'max_pooling2d':
    case 'average_pooling2d': {
      if (inShape.length !== 3) return `expects [height, width, channels], gets [${inShape.join(', ')}]`;
      const p = pairOf(a.pool_size, 2);
      const s = a.strides === undefined ? p : pairOf(a.strides, 1);
      if (!p || !s) return 'pool_size is not known';
      const h = windowOutput(inShape[0]!, p[0], s[0], a.padding);
      const w = windowOutput(inShape[1]!, p[1], s[1], a.padding);
      return done([h, w, last], 0, h * w * last * p[0] * p[1]);
    }
    case 'global_average_pooling1d':
    case 'global_max_pooling1d':
    case 'global_average_pooling2d':
    case 'global_max_pooling2d':
      return done([last], 0, product(inShape));
    case 'flatten':
      return done([product(inShape)], 0, 0);
    case 'dropout':
    case 'spatial_dropout1d':
    case 'activation':
      return same();
    case 'batch_normalization':
      // gamma and beta train; the moving mean and variance are weights too, but not trainable.
      return same(4 * last, 2 * last);
    case 'layer_normalization':
      return same(2 * last);
    case 'lstm':
    case 'gru':
    case 'simple_rnn': {
      if (inShape.length !== 2) return `expects [steps, features], gets [${inShape.join(', ')}]`;
      const units = num('units');
      if (units === undefined) return 'units is not known';
      const gates = type === 'lstm' ? 4 : type === 'gru' ? 3 : 1;
      const steps = inShape[0]!;
      const params = gates * (units * (last + units) + (useBias ? units : 0));
      const outShape = a.return_sequences === true ? [steps, units] : [units];
      const est = done(outShape, params, 2 * steps * gates * units * (last + units));
      // The backward pass through time keeps every step's gate values, not only the layer's output.
      if (typeof est !== 'string') est.activations = steps * units * (gates + 1);
      return est;
    }
    case 'embedding': {
      const inputDim = num('input_dim');
      const outputDim = num('output_dim');
      if (inputDim === undefined || outputDim === undefined) return 'input_dim or output_dim is not known';
      return done([...inShape, outputDim], inputDim * outputDim, product(inShape) * outputDim);
    }
    case 'reshape': {
      const target = a.target_shape;
      if (!Array.isArray(target) || !target.every((d) => typeof d === 'number')) return 'target_shape is not known';
      const total = product(inShape);
      const known = product((target as number[]).filter((d) => d !== -1));
      const shape = (target as number[]).map((d) => (d === -1 ? total / known : d));
      if (product(shape) !== total) return `cannot reshape [${inShape.join(', ')}] to [${(target as number[]).join(', ')}]`;
      return done(shape, 0, 0);
    }
    case 'zero_padding2d': {
      if (inShape.length !== 3) return `expects [height, width, channels], gets [${inShape.join(', ')}]`;
      const p = pairOf(a.padding, 1);
      if (!p) return 'padding is not known';
      return done([inShape[0]! + 2 * p[0], inShape[1]! + 2 * p[1], last], 0, 0);
    }
    case 'up_sampling2d': {
      if (inShape.length !== 3) return `expects [height, width, channels], gets [${inShape.join(', ')}]`;
      const s = pairOf(a.size, 2);
      if (!s) return 'size is not known';
      return done([inShape[0]! * s[0], inShape[1]! * s[1], last], 0, 0);
    }
    default:
      return `no size rule for layer type '${type}'`;
  }
}

/**
 * Optimizer state per trainable parameter as TensorFlow.js keeps it: momentum a velocity, Adam and Adamax
 * two moments, RMSprop a mean square and a momentum accumulator (made even when the momentum is 0) plus a
 * mean gradient when centered, Adagrad an accumulator, Adadelta two accumulators. The checkpoint holds the
 * same slots (checkpoint-size.ts).
 */
export function optimizerSlots(name: string, settings: Record<string, unknown> = {}): number {
  switch (name) {
    case 'sgd':
      return typeof settings.momentum === 'number' && settings.momentum > 0 ? 1 : 0;
    case 'momentum':
    case 'adagrad':
      return 1;
    case 'adam':
    case 'adamax':
    case 'adadelta':
      return 2;
    case 'rmsprop':
      return settings.centered === true ? 3 : 2;
    default:
      return 2;
  }
}

export interface TrainingMemory {
  parameters: number;
  gradients: number;
  optimizer: number;
  activations: number;
  total: number;
}

/**
 * Bytes one device needs to train `model` at `batchSize`: the weights, a gradient and the optimizer slots
 * per trainable weight, and every activation of the batch held for the backward pass plus the largest
 * layer's gradient in flight.
 */
export function trainingMemory(model: Pick<ModelEstimate, 'params' | 'trainable' | 'activations' | 'layers' | 'inputShape'>, slots: number, batchSize: number): TrainingMemory {
  const largest = Math.max(product(model.inputShape), ...model.layers.map((l) => l.activations));
  const parameters = model.params * BYTES_PER_VALUE;
  const gradients = model.trainable * BYTES_PER_VALUE;
  const optimizer = model.trainable * slots * BYTES_PER_VALUE;
  const activations = (model.activations + largest) * batchSize * BYTES_PER_VALUE;
  return { parameters, gradients, optimizer, activations, total: parameters + gradients + optimizer + activations };
}

/**
 * The fewest pipeline stages (contiguous runs of layers) whose training memory each fits `budget`, packed
 * greedily front to back; null when one layer alone does not fit. GPipe's stages hold their own weights,
 * gradients, slots and activations.
 */
export function pipelineStages(model: ModelEstimate, slots: number, batchSize: number, budget: number): { stages: number; largestStage: number; boundaryValues: number } | null {
  const layerBytes = model.layers.map((l) => (l.params + l.trainable * (1 + slots)) * BYTES_PER_VALUE + 2 * l.activations * batchSize * BYTES_PER_VALUE);
  let stages = 1;
  let current = product(model.inputShape) * batchSize * BYTES_PER_VALUE;
  let largestStage = 0;
  const boundaries: number[] = [];
  for (const [i, bytes] of layerBytes.entries()) {
    if (bytes > budget) return null;
    if (current + bytes > budget) {
      largestStage = Math.max(largestStage, current);
      stages++;
      boundaries.push(model.layers[i - 1]?.activations ?? product(model.inputShape));
      current = 0;
    }
    current += bytes;
  }
  largestStage = Math.max(largestStage, current);
  const boundaryValues = boundaries.length ? boundaries.reduce((x, y) => x + y, 0) / boundaries.length : 0;
  return { stages, largestStage, boundaryValues };
}
