import type * as tfl from '@tensorflow/tfjs-layers';

export interface Hyperparameters {
  units: number;
  activation: 'relu' | 'tanh';
  dropout: number;
}

export interface ModelContext {
  tf: typeof tfl;
  inputShape: number[];
  seed: number;
}

export function build(hp: Hyperparameters, ctx: ModelContext): tfl.LayersModel {
  const { tf } = ctx;
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: ctx.inputShape, units: hp.units, activation: hp.activation }),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
}

export const defaults: Hyperparameters = { units: 4, activation: 'relu', dropout: 0 };
