/**
 * Checkpoints of a pipeline are ordinary whole-model checkpoints (runtime/training/checkpoint.ts), so a
 * model trained in stages is evaluated, exported, resumed or trained on under another strategy like any
 * other. A stage loads its slice of one; at the end of an epoch every stage writes its part and stage 0
 * joins the parts into one, from the part files alone: the whole model is never built in one process.
 *
 * Slices by position: a stage's weights are a contiguous run of the model's weights (its layers' weights,
 * in order), and so are its trainable weights. Optimizer accumulators come grouped by kind (Adam's first
 * moments of every trainable weight, then the second moments), each group in trainable-weight order; the
 * private scalars (Adam's β powers, the iteration count) are the same on every stage that has weights.
 */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tf } from '../../engine/index.js';
import { readCheckpoint, saveCheckpoint, type CheckpointHeader, type SavedCheckpoint } from '../../training/checkpoint.js';
import { restoreOptimizerState, type OptimizerSlot } from '../../training/optimizer-state.js';
import type { CheckpointOptimizer } from '../../training/checkpoint.js';
import type { Stage } from './stage-model.js';

/** How many weights (all, and trainable) each stage holds, in stage order. */
export interface StageCounts {
  weights: number[];
  trainable: number[];
}

const sum = (xs: readonly number[], upTo: number): number => xs.slice(0, upTo).reduce((a, b) => a + b, 0);

/** Loads stage `stage.index`'s slice of the whole-model checkpoint at `path`; returns the bytes read. */
export async function loadStageSlice(tf: Tf, stage: Stage, counts: StageCounts, path: string): Promise<number> {
  const { header, data } = await readCheckpoint(path);
  const s = stage.index;
  const firstWeight = sum(counts.weights, s);
  const weights = stage.model.weights;
  const entries = header.model.weights.slice(firstWeight, firstWeight + weights.length);
  if (entries.length !== weights.length || header.model.weights.length !== sum(counts.weights, counts.weights.length)) {
    throw new Error(`checkpoint ${path} holds ${header.model.weights.length} weights, not the ${sum(counts.weights, counts.weights.length)} of this pipeline's stages`);
  }
  const values = entries.map((e, i) => {
    if (e.shape.join(',') !== weights[i]!.shape.join(',')) throw new Error(`checkpoint ${path}: weight ${firstWeight + i} has shape [${e.shape.join(', ')}], stage ${s} expects [${weights[i]!.shape.join(', ')}]`);
    return tf.tensor(valuesOf(data, e), e.shape, 'float32');
  });
  try {
    weights.forEach((w, i) => w.write(values[i]!));
  } finally {
    tf.dispose(values);
  }
  if (header.optimizer) {
    const total = sum(counts.trainable, counts.trainable.length);
    const mine = counts.trainable[s]!;
    const offset = sum(counts.trainable, s);
    const perWeight = header.optimizer.slots.filter((e) => !e.name.startsWith('#'));
    const scalars = header.optimizer.slots.filter((e) => e.name.startsWith('#'));
    const kinds = total > 0 ? perWeight.length / total : 0;
    const slots: OptimizerSlot[] = [];
    for (let k = 0; k < kinds; k++) for (const e of perWeight.slice(k * total + offset, k * total + offset + mine)) slots.push({ name: e.name, shape: e.shape, values: valuesOf(data, e) });
    for (const e of scalars) slots.push({ name: e.name, shape: e.shape, values: valuesOf(data, e) });
    if (mine > 0) await restoreOptimizerState(tf, stage.optimizer.optimizer, { className: header.optimizer.className, iterations: header.optimizer.iterations, slots }, stage.model.trainableWeights.map((w) => [...w.shape] as number[]));
  }
  return data.length;
}

/** Writes this stage's weights and optimizer state as a part file (an ordinary checkpoint of the stage). */
export function saveStagePart(stage: Stage, path: string, meta: Record<string, unknown>): Promise<SavedCheckpoint> {
  return saveCheckpoint(path, { model: stage.model, optimizer: stage.optimizer, meta: { ...meta, stage: stage.index, stages: stage.count } });
}

interface Part {
  header: CheckpointHeader;
  data: Buffer;
  trainable: number;
}

/** Joins the stages' part files (in stage order) into one whole-model checkpoint at `path`. */
export async function joinStageParts(parts: readonly string[], counts: StageCounts, path: string, optimizer: Pick<CheckpointOptimizer, 'name' | 'settings'>, meta: Record<string, unknown>): Promise<{ saved: SavedCheckpoint; bytesRead: number }> {
  const read: Part[] = [];
  let bytesRead = 0;
  for (const [s, file] of parts.entries()) {
    const { header, data } = await readCheckpoint(file);
    bytesRead += data.length;
    read.push({ header, data, trainable: counts.trainable[s]! });
  }
  const weights = read.flatMap((p) => p.header.model.weights.map((e) => ({ name: e.name, shape: e.shape, values: valuesOf(p.data, e) })));
  // Scalars and the iteration count from a stage that has weights (a stage without any never steps).
  const stepping = read.find((p) => p.trainable > 0) ?? read[0]!;
  const state = stepping.header.optimizer;
  const kinds = stepping.trainable > 0 && state ? state.slots.filter((e) => !e.name.startsWith('#')).length / stepping.trainable : 0;
  const perWeight: OptimizerSlot[] = [];
  for (let k = 0; k < kinds; k++) {
    for (const p of read) {
      const own = (p.header.optimizer?.slots ?? []).filter((e) => !e.name.startsWith('#'));
      for (const e of own.slice(k * p.trainable, (k + 1) * p.trainable)) perWeight.push({ name: e.name, shape: e.shape, values: valuesOf(p.data, e) });
    }
  }
  const scalars = new Map((state?.slots ?? []).filter((e) => e.name.startsWith('#')).map((e) => [e.name, valuesOf(stepping.data, e)]));
  const saved = await saveCheckpoint(path, {
    model: stateModel(weights),
    ...(state ? { optimizer: { ...optimizer, optimizer: stateOptimizer(state.className, state.iterations, perWeight, scalars) } } : {}),
    meta,
  });
  return { saved, bytesRead };
}

function valuesOf(data: Buffer, e: { offset: number; length: number }): Float32Array {
  const out = new Float32Array(e.length);
  new Uint8Array(out.buffer).set(data.subarray(e.offset, e.offset + e.length * 4));
  return out;
}

/** A stand-in for a tensor as the checkpoint writer reads one: its shape and its values. */
const held = (shape: number[], values: Float32Array) => ({ shape, dataSync: () => values, data: async () => values, dispose() {} });

/** What the checkpoint writer reads of a model (its weights in order), over plain arrays. */
function stateModel(weights: readonly { name: string; shape: number[]; values: Float32Array }[]): LayersModel {
  return { weights: weights.map((w) => ({ dtype: 'float32', originalName: w.name, shape: w.shape, read: () => held(w.shape, w.values) })) } as unknown as LayersModel;
}

/** What the checkpoint writer reads of an optimizer (optimizer-state.ts), over plain arrays. */
function stateOptimizer(className: string, iterations: number, perWeight: readonly OptimizerSlot[], scalars: Map<string, Float32Array>): CheckpointOptimizer['optimizer'] {
  const scalar = (name: string) => held([], scalars.get(name) ?? Float32Array.of(0));
  if (className === 'Adamax') {
    const half = perWeight.length / 2;
    const variable = (s: OptimizerSlot) => ({ originalName: s.name, variable: held(s.shape, s.values) });
    return {
      getClassName: () => className,
      iterations,
      accumulatedFirstMoment: perWeight.slice(0, half).map(variable),
      accumulatedWeightedInfNorm: perWeight.slice(half).map(variable),
      iteration: scalar('#iteration'),
      accBeta1: scalar('#accBeta1'),
    } as unknown as CheckpointOptimizer['optimizer'];
  }
  return {
    getClassName: () => className,
    iterations,
    getWeights: async () => [{ name: 'iter', tensor: held([], Float32Array.of(iterations)) }, ...perWeight.map((s) => ({ name: s.name, tensor: held(s.shape, s.values) }))],
    ...(className === 'Adam' ? { accBeta1: scalar('#accBeta1'), accBeta2: scalar('#accBeta2') } : {}),
  } as unknown as CheckpointOptimizer['optimizer'];
}
