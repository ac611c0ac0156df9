/**
 * One mini-batch through a pipeline of stages, GPipe-style (Huang et al., 2019): the mini-batch is cut into
 * micro-batches; each stage runs the forward pass of every micro-batch as its input arrives and passes the
 * activations on, keeping only its input (the forward pass is computed again for the backward pass:
 * re-materialisation); the last stage scores each micro-batch and starts its backward pass at once; the
 * gradients with respect to each stage's input flow back, and every stage sums its weights' gradients
 * over the micro-batches, then updates its weights once. The loss of micro-batch j is weighted by its share
 * of the mini-batch, so the summed gradients are the mini-batch's gradients, as one worker computes them.
 *
 * Messages between neighbouring stages (by stage index, over the mesh or, between two stages one worker
 * hosts, in process: stage-links.ts):
 *   forward  [j, micro-batches, mini-batch size, weight penalties so far, ...activations]
 *   backward [j, ...gradient of the loss with respect to the activations]
 * A forward message with j = −1 ends the pass.
 */
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Tf } from '../../engine/index.js';
import type { Batch } from '../../training/batches.js';
import { featuresToTensor } from '../../training/build-model.js';
import { hasDropout, seedDropout } from '../../training/dropout-seeds.js';
import { deriveSeed } from '../../training/seeds.js';
import { trainableVariables } from '../../training/trainer.js';
import { CHANNEL } from '../mesh.js';
import type { Stage } from './stage-model.js';

const HEADER = 4;
export const END_OF_PASS = -1;

export interface StepGradients {
  /** Summed over the micro-batches, in the stage's trainable-weight order (the caller disposes them). */
  grads: Tensor[];
  /** Last stage: [loss × count, ...metric statistics] of the mini-batch. */
  stats?: Tensor[];
  /** Examples in the mini-batch. */
  count: number;
}

/** Micro-batch j of a mini-batch of `count` cut into `micro` near-equal parts: [begin, end). */
export function microRange(count: number, micro: number, j: number): [number, number] {
  return [Math.floor((j * count) / micro), Math.floor(((j + 1) * count) / micro)];
}

/** The layers' weight penalties of this stage (0 when it has none). */
function penaltyValue(tf: Tf, stage: Stage): number {
  const terms = stage.model.layers.flatMap((l) => l.calculateLosses());
  return terms.length === 0 ? 0 : tf.tidy(() => tf.addN(terms).dataSync()[0]!);
}

/** The gradients of the layers' weight penalties, or zeros: where a stage's gradient sums start. */
function penaltyGrads(tf: Tf, stage: Stage, variables: Variable[]): Tensor[] {
  const terms = () => stage.model.layers.flatMap((l) => l.calculateLosses());
  if (terms().length === 0 || variables.length === 0) return variables.map((v) => tf.zeros(v.shape));
  return tf.tidy(() => {
    const { grads } = tf.variableGrads(() => tf.addN(terms()) as Scalar, variables);
    return variables.map((v) => tf.keep(grads[v.name] ?? tf.zeros(v.shape)));
  });
}

/**
 * How a stage reaches its neighbours, by stage index: a Mesh is one when every worker holds one stage
 * (rank = stage); stage-links.ts routes between stages on one worker and across workers.
 */
export interface StageLink {
  send(to: number, channel: number, data: Float32Array): void;
  receive(from: number, channel: number): Promise<Float32Array>;
}

/** Makes the stage's variables usable (a worker hosting several loads it from host memory). */
export type Prepare = () => Promise<unknown>;
const ready: Prepare = async () => undefined;

/**
 * A stage's forward half of a mini-batch, waiting for its backward half. Its inputs are kept as plain
 * arrays, not tensors: between the halves a worker hosting several stages runs the others on the device.
 */
export interface ForwardPass {
  stage: Stage;
  micro: number;
  count: number;
  penaltyOut: number;
  inputs: { values: Float32Array | Int32Array; shape: number[] }[];
  outputsShape: number[][];
  /** The last stage does its backward passes in the forward half: its result. */
  done?: StepGradients;
}

/**
 * This stage's part of one mini-batch. Stage 0 passes `batch` (its features) and the last stage its own copy
 * of the same batch (its labels); stage 0 passes undefined to end the pass, and the other stages then get
 * END_OF_PASS back.
 */
export async function pipelineStep(tf: Tf, stage: Stage, link: StageLink, microbatches: number, batch: Batch | undefined): Promise<StepGradients | typeof END_OF_PASS> {
  const forward = await forwardStep(tf, stage, link, microbatches, batch);
  return forward === END_OF_PASS ? END_OF_PASS : backwardStep(tf, forward, link);
}

/**
 * The forward passes of every micro-batch through this stage (the last stage also scores each and runs its
 * backward pass at once). `prepare` is called once the step is known to be a real one, before the stage's
 * variables are touched.
 */
export async function forwardStep(tf: Tf, stage: Stage, link: StageLink, microbatches: number, batch: Batch | undefined, prepare: Prepare = ready): Promise<ForwardPass | typeof END_OF_PASS> {
  const s = stage.index;
  const first = s === 0;
  const last = s === stage.count - 1;

  let count: number;
  let micro: number;
  let penaltyIn = 0;
  let pending: Float32Array | undefined;
  if (first) {
    if (!batch) {
      if (!last) link.send(s + 1, CHANNEL.activations, Float32Array.of(END_OF_PASS, 0, 0, 0));
      return END_OF_PASS;
    }
    count = batch.count;
    micro = Math.min(microbatches, count);
  } else {
    pending = await link.receive(s - 1, CHANNEL.activations);
    if (pending[0] === END_OF_PASS) {
      if (!last) link.send(s + 1, CHANNEL.activations, pending);
      return END_OF_PASS;
    }
    micro = pending[1]!;
    count = pending[2]!;
    penaltyIn = pending[3]!;
  }
  if (last && (!batch || batch.count !== count)) throw new Error(`stage ${s} expected a mini-batch of ${count} examples and holds ${batch?.count ?? 'none'}: the stages read different data`);
  await prepare();

  const step = stage.optimizer.optimizer.iterations;
  const dropout = hasDropout(stage.model);
  const penaltyOut = penaltyIn + penaltyValue(tf, stage);
  const pass: ForwardPass = { stage, micro, count, penaltyOut, inputs: [], outputsShape: [] };
  const variables = last ? trainableVariables(stage.model) : [];
  let sums: Tensor[] = last ? penaltyGrads(tf, stage, variables) : [];
  let stats: Tensor[] | undefined;
  try {
    for (let j = 0; j < micro; j++) {
      const [begin, end] = microRange(count, micro, j);
      const rows = end - begin;
      let values: Float32Array | Int32Array;
      let shape: number[];
      if (first) {
        const width = batch!.features.length / count;
        values = batch!.features.subarray(begin * width, end * width);
        shape = [rows, ...stage.modelInputShape];
      } else {
        const message = j === 0 ? pending! : await link.receive(s - 1, CHANNEL.activations);
        if (message[0] !== j) throw new Error(`stage ${s} expected micro-batch ${j} and got ${message[0]}`);
        values = message.subarray(HEADER);
        shape = [rows, ...stage.plan.inputShape];
      }
      if (last) {
        const x = inputTensor(tf, stage, values, shape);
        const width = batch!.labels.length / count;
        const y = stage.loss.labels(batch!.labels.subarray(begin * width, end * width), rows, stage.modelOutputShape);
        try {
          const share = rows / count;
          const { grads, dx, out } = backward(tf, stage, variables, x, j, step, (predictions) => tf.mul(stage.loss.compute(y, predictions), share) as Scalar, true);
          sums = addInto(tf, sums, grads);
          if (dx) {
            link.send(s - 1, CHANNEL.activationGrads, withHeader(Float32Array.of(j), dx.dataSync() as Float32Array));
            dx.dispose();
          }
          const scored = tf.tidy(() => [tf.mul(stage.loss.compute(y, out!), rows), ...stage.metrics.map((m) => m.stats(y, out!))]);
          out!.dispose();
          if (stats === undefined) stats = scored;
          else {
            const previous = stats;
            stats = previous.map((t, i) => tf.add(t, scored[i]!));
            tf.dispose([...previous, ...scored]);
          }
        } finally {
          tf.dispose([x, y]);
        }
        continue;
      }
      const x = inputTensor(tf, stage, values, shape);
      const out = tf.tidy(() => {
        if (dropout) seedDropout(tf, stage.model, deriveSeed(stage.seed, 'stage', s, 'micro', j), step);
        return stage.model.apply(x, { training: true }) as Tensor;
      });
      x.dispose();
      pass.outputsShape.push([...out.shape]);
      link.send(s + 1, CHANNEL.activations, withHeader(Float32Array.of(j, micro, count, penaltyOut), out.dataSync() as Float32Array));
      out.dispose();
      // A copy: a message's array may be a view of a larger buffer, and features outlive nothing here.
      pass.inputs.push({ values: first ? values : values.slice(), shape });
    }
  } catch (error) {
    tf.dispose([...sums, ...(stats ?? [])]);
    throw error;
  }
  if (last) {
    // The step's loss includes every stage's weight penalties, as a single worker's does.
    const previous = stats![0]!;
    stats![0] = tf.add(previous, penaltyOut * count);
    previous.dispose();
    pass.done = { grads: sums, stats: stats!, count };
  }
  return pass;
}

/** The backward passes of every micro-batch through this stage (nothing left to do on the last stage). */
export async function backwardStep(tf: Tf, pass: ForwardPass, link: StageLink, prepare: Prepare = ready): Promise<StepGradients> {
  if (pass.done) return pass.done;
  const { stage, micro } = pass;
  const s = stage.index;
  let sums: Tensor[] = [];
  try {
    for (let n = 0; n < micro; n++) {
      const message = await link.receive(s + 1, CHANNEL.activationGrads);
      if (n === 0) {
        await prepare();
        sums = penaltyGrads(tf, stage, trainableVariables(stage.model));
      }
      const variables = trainableVariables(stage.model);
      const step = stage.optimizer.optimizer.iterations;
      const j = message[0]!;
      const upstream = tf.tensor(message.subarray(1), pass.outputsShape[j]!, 'float32');
      const input = pass.inputs[j]!;
      const x = inputTensor(tf, stage, input.values, input.shape);
      try {
        const { grads, dx } = backward(tf, stage, variables, x, j, step, (out) => tf.sum(tf.mul(out, upstream)) as Scalar);
        sums = addInto(tf, sums, grads);
        if (dx) {
          link.send(s - 1, CHANNEL.activationGrads, withHeader(Float32Array.of(j), dx.dataSync() as Float32Array));
          dx.dispose();
        }
      } finally {
        tf.dispose([upstream, x]);
      }
    }
  } catch (error) {
    tf.dispose(sums);
    throw error;
  }
  if (micro === 0) {
    await prepare();
    sums = penaltyGrads(tf, stage, trainableVariables(stage.model));
  }
  return { grads: sums, count: pass.count };
}

function inputTensor(tf: Tf, stage: Stage, values: Float32Array | Int32Array, shape: number[]): Tensor {
  return stage.index === 0 ? featuresToTensor(tf, values, shape.slice(1)) : tf.tensor(values, shape, 'float32');
}

/** sums + grads, element by element (a missing gradient adds nothing); disposes the grads and the old sums. */
function addInto(tf: Tf, sums: Tensor[], grads: (Tensor | undefined)[]): Tensor[] {
  const next = sums.map((s0, i) => (grads[i] ? tf.add(s0, grads[i]!) : s0));
  tf.dispose(sums.filter((p, i) => p !== next[i]));
  tf.dispose(grads.filter((g): g is Tensor => g !== undefined));
  return next;
}

/**
 * Gradients of `objective(f(x))` with respect to the weights and, past stage 0, the input x; the forward
 * pass is computed again here with the same dropout masks. `keep` also returns that pass's output.
 */
function backward(tf: Tf, stage: Stage, variables: Variable[], x: Tensor, j: number, step: number, objective: (out: Tensor) => Scalar, keep = false): { grads: (Tensor | undefined)[]; dx?: Tensor; out?: Tensor } {
  const first = stage.index === 0;
  let out: Tensor | undefined;
  const result = tf.tidy(() => {
    const input = first ? undefined : tf.variable(x, true);
    try {
      if (hasDropout(stage.model)) seedDropout(tf, stage.model, deriveSeed(stage.seed, 'stage', stage.index, 'micro', j), step);
      const { grads } = tf.variableGrads(() => {
        const y = stage.model.apply(input ?? x, { training: true }) as Tensor;
        if (keep) out = tf.keep(y.clone());
        return objective(y);
      }, input ? [...variables, input] : variables);
      return {
        grads: variables.map((v) => (grads[v.name] ? tf.keep(grads[v.name]!) : undefined)),
        ...(input && grads[input.name] ? { dx: tf.keep(grads[input.name]!) } : {}),
      };
    } finally {
      input?.dispose();
    }
  });
  return { ...result, ...(out ? { out } : {}) };
}

function withHeader(header: Float32Array, values: Float32Array): Float32Array {
  const out = new Float32Array(header.length + values.length);
  out.set(header);
  out.set(values, header.length);
  return out;
}

/**
 * One batch of held-out data through the pipeline in inference mode, as one micro-batch: stage 0 passes
 * `batch` (undefined ends the pass), the last stage its own copy and gets the batch's statistics back.
 */
export async function pipelineScore(tf: Tf, stage: Stage, link: StageLink, batch: Batch | undefined, prepare: Prepare = ready): Promise<Tensor[] | undefined | typeof END_OF_PASS> {
  const s = stage.index;
  const first = s === 0;
  const last = s === stage.count - 1;
  let x: Tensor;
  let count: number;
  let penaltyIn = 0;
  if (first) {
    if (!batch) {
      if (!last) link.send(s + 1, CHANNEL.activations, Float32Array.of(END_OF_PASS, 0, 0, 0));
      return END_OF_PASS;
    }
    count = batch.count;
    await prepare();
    x = featuresToTensor(tf, batch.features, stage.modelInputShape);
  } else {
    const message = await link.receive(s - 1, CHANNEL.activations);
    if (message[0] === END_OF_PASS) {
      if (!last) link.send(s + 1, CHANNEL.activations, message);
      return END_OF_PASS;
    }
    count = message[2]!;
    penaltyIn = message[3]!;
    await prepare();
    x = tf.tensor(message.subarray(HEADER), [count, ...stage.plan.inputShape], 'float32');
  }
  try {
    const terms = stage.model.layers.flatMap((l) => l.calculateLosses());
    const penalty = terms.length === 0 ? 0 : tf.tidy(() => tf.addN(terms).dataSync()[0]!);
    const out = stage.model.apply(x, { training: false }) as Tensor;
    if (!last) {
      link.send(s + 1, CHANNEL.activations, withHeader(Float32Array.of(0, 1, count, penaltyIn + penalty), out.dataSync() as Float32Array));
      out.dispose();
      return undefined;
    }
    if (!batch || batch.count !== count) throw new Error(`stage ${s} expected a batch of ${count} held-out examples and holds ${batch?.count ?? 'none'}`);
    const y = stage.loss.labels(batch.labels, count, stage.modelOutputShape);
    try {
      return tf.tidy(() => [tf.mul(tf.add(stage.loss.compute(y, out), penaltyIn + penalty), count), ...stage.metrics.map((m) => m.stats(y, out))]);
    } finally {
      tf.dispose([y, out]);
    }
  } finally {
    x.dispose();
  }
}
