/**
 * One epoch of a trial on a pipeline of stages: every mini-batch through pipelineStep, each stage updating
 * its own weights, then (when there is held-out data) a pass of it in inference mode. Stage 0 reads the
 * features and the last stage the labels of the same mini-batches (the same files, order and seed); the
 * stages between them see only activations. The last stage reports the metrics.
 */
import { SCORING_BATCH } from '../../../compiler/cost/runtime-facts.js';
import type { Tf } from '../../engine/index.js';
import type { ExampleArrays } from '../../training/batches.js';
import type { PassMetrics } from '../../training/train-unit.js';
import type { Trainer } from '../../training/trainer.js';
import { BatchFeed } from '../group-pass.js';
import type { Mesh } from '../mesh.js';
import { metricsOf, StatTotals, statWidths } from '../pass-stats.js';
import { applyStageGradients } from './apply-step.js';
import { END_OF_PASS, pipelineScore, pipelineStep } from './gpipe.js';
import type { Stage } from './stage-model.js';

export interface PipelineEpochOptions {
  tf: Tf;
  stage: Stage;
  mesh: Mesh;
  /** The training data (stage 0 and the last stage; the others pass none). */
  data: readonly ExampleArrays[];
  batchSize: number;
  microbatches: number;
  shuffle: boolean;
  shuffleSeed: number;
  validation?: readonly ExampleArrays[];
}

export interface PipelineEpochResult {
  /** The last stage's: loss and metrics over the epoch. */
  metrics?: PassMetrics;
  validation?: PassMetrics;
  examples: number;
  steps: number;
}

export async function trainPipelineEpoch(o: PipelineEpochOptions): Promise<PipelineEpochResult> {
  const { tf, stage, mesh } = o;
  const reads = stage.index === 0 || stage.index === stage.count - 1;
  const scorer = { loss: stage.loss, metrics: stage.metrics, outputShape: stage.modelOutputShape } as unknown as Trainer;
  const widths = statWidths(tf, scorer);
  const totals = new StatTotals(tf, widths);
  const feed = reads ? new BatchFeed(o.data, stage.modelInputShape, o.batchSize, o.shuffle, o.shuffleSeed) : undefined;
  let steps = 0;
  let examples = 0;
  for (;;) {
    const batch = feed ? await feed.next() : undefined;
    const step = await pipelineStep(tf, stage, mesh, o.microbatches, batch);
    if (step === END_OF_PASS) break;
    if (step.stats) totals.add(step.stats, step.count);
    examples += step.count;
    await applyStageGradients(tf, stage, mesh, step.grads);
    steps++;
  }
  const last = stage.index === stage.count - 1;
  const result: PipelineEpochResult = { examples, steps, ...(last ? { metrics: metricsOf(scorer, widths, totals.read()) } : {}) };
  if (o.validation) {
    const held = new StatTotals(tf, widths);
    const feedOut = reads ? new BatchFeed(o.validation, stage.modelInputShape, SCORING_BATCH, false, 0) : undefined;
    for (;;) {
      const batch = feedOut ? await feedOut.next() : undefined;
      const scored = await pipelineScore(tf, stage, mesh, batch);
      if (scored === END_OF_PASS) break;
      if (scored) held.add(scored, batch!.count);
    }
    if (last) result.validation = metricsOf(scorer, widths, held.read());
  }
  return result;
}
