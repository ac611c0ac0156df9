/**
 * The size of a training checkpoint as the runtime writes it (runtime/training/checkpoint.ts): a 12-byte
 * preamble, a JSON header listing every array, and the float32 values of every weight and of the optimizer
 * state the runtime saves (runtime/training/optimizer-state.ts). Model state moves between workers only
 * as these files, so this is the unit every hop, resume and averaging round is counted in.
 */
import { BYTES_PER_VALUE, optimizerSlots, type LayerEstimate, type ModelEstimate } from './model-memory.js';

/** What one optimizer adds to a checkpoint: arrays per trainable weight, and private scalars. */
export interface OptimizerState {
  /** Accumulators per trainable weight (Adam's two moments: 2). */
  slots: number;
  /** Single values kept beside them (Adam's β powers). */
  scalars: number;
}

/**
 * What the runtime saves per optimizer, which is what tfjs keeps, not what Keras documents: tfjs's RMSprop
 * always holds a momentum accumulator next to the mean squares, even at momentum 0 (and a mean gradient when
 * centered); Adam's and Adamax's bias-correction powers are saved as scalars. `sgd` with a momentum is the
 * momentum optimizer, as the runtime builds it.
 */
export function checkpointOptimizerState(name: string, settings: Record<string, unknown> = {}): OptimizerState {
  const slots = optimizerSlots(name, settings);
  switch (name) {
    case 'sgd':
    case 'momentum':
    case 'adagrad':
    case 'adadelta':
    case 'rmsprop':
      return { slots, scalars: 0 };
    default:
      // Adam and Adamax, and an optimizer chosen by a hyperparameter the planner cannot see: Adam's, the
      // runtime's default (two slots from optimizerSlots' default).
      return { slots, scalars: 2 };
  }
}

/** Arrays a layer saves (kernel and bias for most), for the header's one entry per array. */
function weightArrays(l: LayerEstimate): number {
  if (l.params === 0) return 0;
  switch (l.type) {
    case 'batch_normalization':
      return 4;
    case 'lstm':
    case 'gru':
    case 'simple_rnn':
    case 'separable_conv2d':
      return 3;
    case 'embedding':
      return 1;
    default:
      return 2;
  }
}

/** Of those, the arrays that train (batch normalisation's moving mean and variance do not). */
function trainableArrays(l: LayerEstimate): number {
  if (l.trainable === 0) return 0;
  return l.type === 'batch_normalization' ? 2 : weightArrays(l);
}

/**
 * Header bytes, fitted to files the runtime wrote (an MLP's header is 680 bytes with SGD, 1,432 with Adam):
 * fixed members and the meta record, one entry of about 80 bytes per array (its name, shape and offsets),
 * and the optimizer's name and settings. A few hundred bytes either way do not matter next to the values.
 */
const PREAMBLE = 12;
const HEADER_FIXED = 250;
const HEADER_PER_ARRAY = 80;
const HEADER_OPTIMIZER = 150;

export interface CheckpointSize {
  /** The whole file. */
  bytes: number;
  /** Float32 values: weights, then the optimizer's accumulators and scalars. */
  values: number;
  /** Values of the optimizer state alone. */
  optimizerValues: number;
}

export function checkpointSize(model: Pick<ModelEstimate, 'params' | 'trainable' | 'layers'>, optimizer: OptimizerState): CheckpointSize {
  const arrays = model.layers.reduce((n, l) => n + weightArrays(l), 0);
  const trained = model.layers.reduce((n, l) => n + trainableArrays(l), 0);
  const optimizerValues = optimizer.slots * model.trainable + optimizer.scalars;
  const values = model.params + optimizerValues;
  const entries = arrays + optimizer.slots * trained + optimizer.scalars;
  const header = PREAMBLE + HEADER_FIXED + HEADER_OPTIMIZER + HEADER_PER_ARRAY * entries;
  return { bytes: header + BYTES_PER_VALUE * values, values, optimizerValues };
}
