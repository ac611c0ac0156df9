/**
 * Reproducible dropout. tfjs draws dropout masks from Math.random unless a seed is given, and a Dropout
 * layer's seed is fixed at construction (one seed would give the same mask every step). So before every
 * training step each dropout site gets a seed derived from the run's seed and the optimizer's iteration
 * count: the same step draws the same masks in every run, and a run resumed from a checkpoint (which
 * restores the iteration count) draws the masks the uninterrupted run would have drawn.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tf } from '../engine/index.js';
import { deriveSeed } from './seeds.js';

/** The fields read at call time: Dropout and SpatialDropout1D's `seed`, recurrent cells' `dropoutFunc`. */
interface DropoutSite {
  seed?: number;
  rate?: number;
}
interface RecurrentSite {
  cell?: { dropout?: number; recurrentDropout?: number; dropoutFunc?: (x: Tensor, rate: number) => Tensor };
}

/** Whether any layer of `model` drops out during training (so seeding is needed at all). */
export function hasDropout(model: LayersModel): boolean {
  return model.layers.some((layer) => {
    const site = layer as unknown as DropoutSite & RecurrentSite;
    const className = layer.getClassName();
    if (className === 'Dropout' || className === 'SpatialDropout1D') return (site.rate ?? 0) > 0;
    return (site.cell?.dropout ?? 0) > 0 || (site.cell?.recurrentDropout ?? 0) > 0;
  });
}

/** Seeds every dropout site of `model` for the step numbered `step` of the run seeded `seed`. */
export function seedDropout(tf: Tf, model: LayersModel, seed: number, step: number): void {
  model.layers.forEach((layer, index) => {
    const className = layer.getClassName();
    if (className === 'Dropout' || className === 'SpatialDropout1D') {
      (layer as unknown as DropoutSite).seed = deriveSeed(seed, 'dropout', step, index);
      return;
    }
    const cell = (layer as unknown as RecurrentSite).cell;
    if (cell !== undefined && ((cell.dropout ?? 0) > 0 || (cell.recurrentDropout ?? 0) > 0)) {
      // A recurrent layer draws several masks per step (one per gate, input and recurrent); number them.
      let draw = 0;
      cell.dropoutFunc = (x: Tensor, rate: number) => tf.dropout(x, rate, undefined, deriveSeed(seed, 'dropout', step, index, draw++));
    }
  });
}
