/**
 * Reads and restores an optimizer's complete state: iteration count and every per-weight accumulator
 * (Adam's moments, RMSProp's mean squares and moments, momentum's velocity, ...). Resuming with the state
 * is what makes training hopped between workers equal to training in one place.
 *
 * tfjs's own getWeights/setWeights cover most optimizers but not all of the state: Adam's bias-correction
 * powers (beta^t) are recomputed by setWeights with pow(), which need not equal the running product to the
 * last bit, so they are saved and restored as well; Adamax implements neither method, so its fields are
 * read directly. Accumulators are matched to weights by position (tfjs keys them by the order of the
 * gradients, which is the model's trainable-weight order), never by variable name, so a state restores into
 * a freshly built model whose variables have different names.
 */
import type { Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Tf } from '../engine/index.js';

/** tfjs-core's NamedTensor, which its package entry does not export. */
type NamedTensor = Awaited<ReturnType<Optimizer['getWeights']>>[number];

export interface OptimizerSlot {
  /** tfjs's name for the accumulator (the original weight's name plus a suffix), or `#field` for a private scalar. */
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface OptimizerState {
  /** tfjs class name, e.g. `Adam`. */
  className: string;
  iterations: number;
  /** Per-weight accumulators in tfjs's order (grouped by kind, each group in trainable-weight order), then private scalars. */
  slots: OptimizerSlot[];
}

interface OptimizerVariable {
  originalName: string;
  variable: Variable;
}
interface AdamInternals {
  accBeta1: Variable;
  accBeta2: Variable;
}
interface AdamaxInternals {
  accBeta1: Variable;
  iteration: Variable;
  accumulatedFirstMoment: OptimizerVariable[];
  accumulatedWeightedInfNorm: OptimizerVariable[];
  iterations_: number;
}

export class OptimizerStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptimizerStateError';
  }
}

/** A copy of the optimizer's state (values read out of tfjs). */
export async function captureOptimizerState(optimizer: Optimizer): Promise<OptimizerState> {
  const className = optimizer.getClassName();
  if (className === 'Adamax') {
    const o = adamaxInternals(optimizer);
    const slots = [...o.accumulatedFirstMoment, ...o.accumulatedWeightedInfNorm].map((v) => slot(v.originalName, v.variable));
    slots.push(slot('#iteration', o.iteration), slot('#accBeta1', o.accBeta1));
    return { className, iterations: optimizer.iterations, slots };
  }
  const [iterationsWeight, ...weights] = await optimizer.getWeights();
  const iterations = iterationsWeight === undefined ? optimizer.iterations : (await iterationsWeight.tensor.data())[0]!;
  if (iterationsWeight !== undefined) iterationsWeight.tensor.dispose();
  const slots = weights.map((w) => slot(w.name, w.tensor));
  if (className === 'Adam') {
    const o = optimizer as unknown as AdamInternals;
    slots.push(slot('#accBeta1', o.accBeta1), slot('#accBeta2', o.accBeta2));
  }
  return { className, iterations, slots };
}

/**
 * Puts `state` into `optimizer`, which must be of the same class; any state it had is released. When
 * `trainableShapes` is given, the accumulators are checked against the model's trainable weights.
 */
export async function restoreOptimizerState(tf: Tf, optimizer: Optimizer, state: OptimizerState, trainableShapes?: readonly number[][]): Promise<void> {
  const className = optimizer.getClassName();
  if (className !== state.className) {
    throw new OptimizerStateError(`the state is of a ${state.className} optimizer, not ${className}`);
  }
  const perWeight = state.slots.filter((s) => !s.name.startsWith('#'));
  const scalars = new Map(state.slots.filter((s) => s.name.startsWith('#')).map((s) => [s.name, s.values[0]!]));
  if (trainableShapes !== undefined) checkShapes(perWeight, trainableShapes);

  if (className === 'Adamax') {
    const o = adamaxInternals(optimizer);
    tf.dispose([...o.accumulatedFirstMoment, ...o.accumulatedWeightedInfNorm].map((v) => v.variable));
    const half = perWeight.length / 2;
    o.accumulatedFirstMoment = perWeight.slice(0, half).map((s) => variableOf(tf, s));
    o.accumulatedWeightedInfNorm = perWeight.slice(half).map((s) => variableOf(tf, s));
    assignScalar(tf, o.iteration, requireScalar(scalars, '#iteration'));
    assignScalar(tf, o.accBeta1, requireScalar(scalars, '#accBeta1'));
    o.iterations_ = state.iterations;
    return;
  }

  // setWeights replaces the accumulator lists without disposing what they held.
  const [oldIterations, ...old] = await optimizer.getWeights();
  tf.dispose([oldIterations?.tensor, ...old.map((w) => w.tensor)].filter((t): t is Tensor => t !== undefined));
  const named: NamedTensor[] = [
    { name: 'iter', tensor: tf.scalar(state.iterations, 'int32') },
    ...perWeight.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape, 'float32') })),
  ];
  try {
    await optimizer.setWeights(named);
  } finally {
    // setWeights makes variables sharing these tensors' data; releasing the tensors leaves the variables.
    tf.dispose(named.map((n) => n.tensor));
  }
  if (className === 'Adam') {
    const o = optimizer as unknown as AdamInternals;
    if (scalars.has('#accBeta1')) assignScalar(tf, o.accBeta1, scalars.get('#accBeta1')!);
    if (scalars.has('#accBeta2')) assignScalar(tf, o.accBeta2, scalars.get('#accBeta2')!);
  }
}

function slot(name: string, tensor: Tensor): OptimizerSlot {
  return { name, shape: [...tensor.shape], values: Float32Array.from(tensor.dataSync()) };
}

function variableOf(tf: Tf, s: OptimizerSlot): OptimizerVariable {
  const t = tf.tensor(s.values, s.shape, 'float32');
  const variable = t.variable(false);
  t.dispose();
  return { originalName: s.name, variable };
}

function assignScalar(tf: Tf, target: Variable, value: number): void {
  const t = tf.scalar(value, target.dtype) as Scalar;
  target.assign(t);
  t.dispose();
}

function requireScalar(scalars: Map<string, number>, name: string): number {
  const value = scalars.get(name);
  if (value === undefined) throw new OptimizerStateError(`the optimizer state lacks ${name}`);
  return value;
}

function adamaxInternals(optimizer: Optimizer): AdamaxInternals {
  const o = optimizer as unknown as Partial<AdamaxInternals>;
  if (!Array.isArray(o.accumulatedFirstMoment) || !Array.isArray(o.accumulatedWeightedInfNorm) || o.iteration === undefined || o.accBeta1 === undefined) {
    throw new OptimizerStateError('this tfjs version keeps Adamax state in unexpected fields; its state cannot be saved');
  }
  return o as AdamaxInternals;
}

/** Accumulators come in groups (one per kind), each with one entry per trainable weight in order. */
function checkShapes(perWeight: readonly OptimizerSlot[], trainable: readonly number[][]): void {
  if (perWeight.length === 0) return;
  if (trainable.length === 0 || perWeight.length % trainable.length !== 0) {
    throw new OptimizerStateError(`the optimizer state has ${perWeight.length} accumulators, which does not fit a model with ${trainable.length} trainable weights`);
  }
  perWeight.forEach((s, i) => {
    const want = trainable[i % trainable.length]!;
    if (s.shape.length !== want.length || s.shape.some((d, k) => d !== want[k])) {
      throw new OptimizerStateError(`optimizer accumulator ${i} (${s.name}) has shape [${s.shape.join(', ')}] but trainable weight ${i % trainable.length} has [${want.join(', ')}]`);
    }
  });
}

/**
 * Frees the optimizer's per-weight accumulators on the device, leaving the optimizer to be given a state
 * again with restoreOptimizerState (pipeline stages spilled to host memory). Its few scalars stay.
 */
export async function releaseOptimizerSlots(tf: Tf, optimizer: Optimizer): Promise<void> {
  if (optimizer.getClassName() === 'Adamax') {
    const o = adamaxInternals(optimizer);
    tf.dispose([...o.accumulatedFirstMoment, ...o.accumulatedWeightedInfNorm].map((v) => v.variable));
    return;
  }
  const [iterations, ...slots] = await optimizer.getWeights();
  tf.dispose([iterations?.tensor, ...slots.map((w) => w.tensor)].filter((t): t is Tensor => t !== undefined));
}
