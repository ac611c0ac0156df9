/**
 * One unit of work: a single pass over one partition's examples, and evaluation on held-out data.
 *
 * Training steps are written out (gradients with tf.variableGrads, then optimizer.applyGradients) rather
 * than using model.trainOnBatch, for three reasons: gradient clipping, which tfjs optimizers lack, goes
 * between the two; dropout is reseeded per step so runs repeat exactly; and the loss and metric statistics
 * stay on the device until the pass ends instead of being read back after every batch. The update itself is
 * the same one trainOnBatch makes (same loss, regularisation penalties, optimizer call and weight order;
 * a test checks the weights agree to the bit), so the optimizer state in a checkpoint means the same in both.
 * Speed is the same within measurement noise (tests/unit/training/step-loop-benchmark.ts).
 */
import type { Optimizer, Scalar, Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Tf } from '../engine/index.js';
import { batchesOf, type Batch, type TrainingData } from './batches.js';
import { featuresToTensor } from './build-model.js';
import { hasDropout, seedDropout } from './dropout-seeds.js';
import type { LossSetup } from './losses.js';
import type { MetricSetup } from './metrics.js';
import { clipGradients, clips } from './optimizers.js';
import { trainableVariables, type Trainer } from './trainer.js';

/** tfjs-core's NamedTensor, which its package entry does not export. */
type NamedTensor = Awaited<ReturnType<Optimizer['getWeights']>>[number];

/** Loss and every metric of the trainer, by name, each over all examples of the pass. */
export type PassMetrics = { loss: number } & Record<string, number>;

export interface PassResult {
  metrics: PassMetrics;
  examples: number;
  batches: number;
  seconds: number;
}

export interface UnitResult extends PassResult {
  /** Optimizer steps taken in total (before this unit and during it). */
  iterations: number;
}

export interface TrainUnitOptions {
  batchSize: number;
  /** Seeds the order of examples (vary it per epoch). Default 0. */
  shuffleSeed?: number;
  /** Default true. */
  shuffle?: boolean;
}

/** Trains `trainer`'s model for one pass over `data`; returns the pass's training loss and metrics. */
export async function trainUnit(tf: Tf, trainer: Trainer, data: TrainingData, options: TrainUnitOptions): Promise<UnitResult> {
  const start = performance.now();
  const { model, loss, metrics } = trainer;
  const { optimizer, clipping } = trainer.optimizer;
  const variables = trainableVariables(model);
  const clip = clips(clipping);
  const dropout = hasDropout(model);
  const totals = new Totals(tf, metrics);
  let batches = 0;

  const batchOptions = { batchSize: options.batchSize, shuffle: options.shuffle ?? true, shuffleSeed: options.shuffleSeed ?? 0 };
  for await (const batch of batchesOf(data, trainer.inputShape, batchOptions)) {
    if (dropout) seedDropout(tf, model, trainer.seed, optimizer.iterations);
    const { x, y } = batchTensors(tf, trainer, batch);
    try {
      const step = tf.tidy(() => {
        let predictions: Tensor | undefined;
        try {
          const { value, grads } = tf.variableGrads(() => {
            // Kept (tidy would release it) so metrics can use this forward pass once gradients are taken.
            predictions = tf.keep(model.apply(x, { training: true }) as Tensor);
            return withRegularization(tf, model, loss.compute(y, predictions));
          }, variables);
          // An array in trainable-weight order, undefined where no gradient flows, as trainOnBatch passes it:
          // tfjs optimizers key their accumulators by position in this list.
          let gradients = variables.map((v) => grads[v.name]);
          if (clip) {
            const present = Object.fromEntries(variables.flatMap((v, i) => (gradients[i] === undefined ? [] : [[v.name, gradients[i]!]])));
            const clipped = clipGradients(tf, present, clipping);
            gradients = variables.map((v) => clipped[v.name]);
          }
          optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: gradients[i] }) as NamedTensor));
          return [tf.mul(value, batch.count), ...metrics.map((m) => m.stats(y, predictions!))];
        } finally {
          predictions?.dispose();
        }
      });
      totals.add(step, batch.count);
    } finally {
      tf.dispose([x, y]);
    }
    batches++;
  }
  const result = await totals.read(batches, start);
  return { ...result, iterations: optimizer.iterations };
}

/** What `evaluate` needs: a model and how to score it. A Trainer qualifies. */
export interface Scorer {
  model: LayersModel;
  loss: LossSetup;
  metrics: MetricSetup[];
  inputShape: number[];
  outputShape: number[];
}

export interface EvaluateOptions {
  /** Examples per forward pass; affects speed and memory only. Default 256. */
  batchSize?: number;
}

/** Loss (including regularisation penalties, as in training) and metrics of `scorer.model` on `data`, in inference mode. */
export async function evaluate(tf: Tf, scorer: Scorer, data: TrainingData, options: EvaluateOptions = {}): Promise<PassResult> {
  const start = performance.now();
  const totals = new Totals(tf, scorer.metrics);
  let batches = 0;
  for await (const batch of batchesOf(data, scorer.inputShape, { batchSize: options.batchSize ?? 256, shuffle: false })) {
    const { x, y } = batchTensors(tf, scorer, batch);
    try {
      totals.add(
        tf.tidy(() => {
          const predictions = scorer.model.apply(x, { training: false }) as Tensor;
          const value = withRegularization(tf, scorer.model, scorer.loss.compute(y, predictions));
          return [tf.mul(value, batch.count), ...scorer.metrics.map((m) => m.stats(y, predictions))];
        }),
        batch.count,
      );
    } finally {
      tf.dispose([x, y]);
    }
    batches++;
  }
  return totals.read(batches, start);
}

function batchTensors(tf: Tf, scorer: Pick<Scorer, 'loss' | 'inputShape' | 'outputShape'>, batch: Batch): { x: Tensor; y: Tensor } {
  const x = featuresToTensor(tf, batch.features, scorer.inputShape);
  try {
    return { x, y: scorer.loss.labels(batch.labels, batch.count, scorer.outputShape) };
  } catch (error) {
    x.dispose();
    throw error;
  }
}

/**
 * The loss plus the layers' weight penalties (kernel_l2). Collected from the layers: a Sequential's own
 * calculateLosses() sees none of its inner layers' penalties.
 */
function withRegularization(tf: Tf, model: LayersModel, dataLoss: Scalar): Scalar {
  const penalties = model.layers.flatMap((layer) => layer.calculateLosses());
  return penalties.length === 0 ? dataLoss : (tf.addN([dataLoss, ...penalties]) as Scalar);
}

/** Running sums of the weighted loss and each metric's statistics, kept as tensors until the pass ends. */
class Totals {
  private sums: Tensor[] | undefined;
  private examples = 0;

  constructor(
    private readonly tf: Tf,
    private readonly metrics: readonly MetricSetup[],
  ) {}

  /** Adds one batch's [loss × count, ...metric statistics]; takes ownership of them. */
  add(batch: Tensor[], count: number): void {
    this.examples += count;
    if (this.sums === undefined) {
      this.sums = batch;
      return;
    }
    const previous = this.sums;
    this.sums = previous.map((s, i) => this.tf.add(s, batch[i]!));
    this.tf.dispose([...previous, ...batch]);
  }

  async read(batches: number, start: number): Promise<PassResult> {
    const sums = this.sums;
    this.sums = undefined;
    if (sums === undefined) throw new RangeError('no examples to train or evaluate on');
    try {
      const values = await Promise.all(sums.map((s) => s.data()));
      const examples = this.examples;
      const metrics: PassMetrics = { loss: values[0]![0]! / examples };
      this.metrics.forEach((m, i) => {
        metrics[m.name] = m.result(values[i + 1]!);
      });
      return { metrics, examples, batches, seconds: (performance.now() - start) / 1000 };
    } finally {
      this.tf.dispose(sums);
    }
  }
}
