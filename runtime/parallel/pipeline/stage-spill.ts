/**
 * Moving one pipeline stage's training state between the device and host memory (Hydra-style spilling):
 * its weights (every layer variable) and its optimizer's slots, as plain Float32Arrays in the JS heap.
 * On the wasm backend tensors live in the module's linear memory (at most 4 GiB per process under wasm32),
 * apart from the JS heap; on a GPU backend, in GPU memory. A spilled stage keeps its model and optimizer
 * objects (their shapes, names and settings) but no tensor data on the device, so loading it back is a
 * copy, not a rebuild, and gives back exactly the values spilled.
 */
import type { Variable } from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import type { Tf } from '../../engine/index.js';
import { captureOptimizerState, releaseOptimizerSlots, restoreOptimizerState, type OptimizerState } from '../../training/optimizer-state.js';
import type { Stage } from './stage-model.js';

/** A spilled stage's state in host memory. */
export interface HostCopy {
  weights: Float32Array[];
  optimizer: OptimizerState;
  /** Bytes of values held (what was copied out, and what loading copies back). */
  bytes: number;
}

/** tfjs-layers keeps a layer variable's tensor in `val`; replacing it is the only way to free it and keep the layer. */
type Held = LayerVariable & { val: Variable };

/** Copies the stage's weights and optimizer slots to host memory and frees them on the device. */
export async function spillStage(tf: Tf, stage: Stage): Promise<HostCopy> {
  const optimizer = await captureOptimizerState(stage.optimizer.optimizer);
  const weights = stage.model.weights.map((w) => {
    if (w.dtype !== 'float32') throw new Error(`stage ${stage.index}: weight ${w.name} is ${w.dtype}; only float32 weights can be spilled`);
    return Float32Array.from((w as Held).val.dataSync() as Float32Array);
  });
  await releaseOptimizerSlots(tf, stage.optimizer.optimizer);
  for (const w of stage.model.weights) (w as Held).val.dispose();
  const bytes = 4 * (weights.reduce((n, w) => n + w.length, 0) + optimizer.slots.reduce((n, s) => n + s.values.length, 0));
  return { weights, optimizer, bytes };
}

/** Puts a spilled stage's state back on the device. */
export async function loadStage(tf: Tf, stage: Stage, copy: HostCopy): Promise<void> {
  stage.model.weights.forEach((w, i) => {
    const held = w as Held;
    if (!held.val.isDisposed) throw new Error(`stage ${stage.index} is already on the device`);
    const t = tf.tensor(copy.weights[i]!, [...w.shape] as number[], 'float32');
    // Same name and trainability as before: the optimizer and the layer see the variable they had.
    held.val = tf.variable(t, w.trainable, w.name, 'float32');
    t.dispose();
  });
  await restoreOptimizerState(tf, stage.optimizer.optimizer, copy.optimizer);
}

/** Is the stage's state on the device? */
export function isResident(stage: Stage): boolean {
  return stage.model.weights.every((w) => !(w as Held).val.isDisposed);
}
