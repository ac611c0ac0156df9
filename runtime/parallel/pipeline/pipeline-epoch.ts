/**
 * One epoch of a trial on a pipeline of stages: every mini-batch through the GPipe step, each stage updating
 * its own weights, then (when there is held-out data) a pass of it in inference mode. Stage 0 reads the
 * features and the last stage the labels of the same mini-batches (the same files, order and seed); the
 * stages between them see only activations. The last stage reports the metrics.
 *
 * A worker may host several consecutive stages (stage-host.ts): it runs the forward halves of its stages
 * first to last, then the backward halves last to first, each on the device in turn.
 */
import { SCORING_BATCH } from '../../../compiler/cost/runtime-facts.js';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from '../../engine/index.js';
import type { ExampleArrays } from '../../training/batches.js';
import type { PassMetrics } from '../../training/train-unit.js';
import type { Trainer } from '../../training/trainer.js';
import { ringAllReduce } from '../collectives.js';
import { BatchFeed } from '../group-pass.js';
import type { Mesh } from '../mesh.js';
import { metricsOf, StatTotals, statWidths } from '../pass-stats.js';
import { applyScaled, clipStageGradients, globalScale, squaredNorm } from './apply-step.js';
import { backwardStep, END_OF_PASS, type ForwardPass, forwardStep, pipelineScore } from './gpipe.js';
import type { StageHost } from './stage-host.js';
import type { StageLinks } from './stage-links.js';

export interface PipelineEpochOptions {
  tf: Tf;
  host: StageHost;
  mesh: Mesh;
  links: StageLinks;
  /** The training data (the workers hosting stage 0 or the last stage; the others pass none). */
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
  const { tf, host, mesh, links } = o;
  const count = host.first.count;
  const reads = (index: number) => index === 0 || index === count - 1;
  const readsAny = host.stages.some((s) => reads(s.index));
  const model = host.first;
  const scorer = { loss: model.loss, metrics: model.metrics, outputShape: model.modelOutputShape } as unknown as Trainer;
  const widths = statWidths(tf, scorer);
  const totals = new StatTotals(tf, widths);
  const feed = readsAny ? new BatchFeed(o.data, model.modelInputShape, o.batchSize, o.shuffle, o.shuffleSeed) : undefined;
  const globalNorm = model.optimizer.clipping.global_clipnorm !== undefined;
  let steps = 0;
  let examples = 0;
  for (;;) {
    const batch = feed ? await feed.next() : undefined;
    const passes: ForwardPass[] = [];
    let ended = false;
    for (const stage of host.stages) {
      const i = stage.index;
      const pass = await forwardStep(tf, stage, links.of(i), o.microbatches, reads(i) ? batch : undefined, () => host.use(i));
      if (pass === END_OF_PASS) ended = true;
      else passes.push(pass);
    }
    if (ended) break;
    let squares = 0;
    let firstGrads: Tensor[] = [];
    for (const pass of passes.reverse()) {
      const i = pass.stage.index;
      const step = await backwardStep(tf, pass, links.of(i), () => host.use(i));
      if (step.stats) totals.add(step.stats, step.count);
      const grads = clipStageGradients(tf, pass.stage, step.grads);
      if (!globalNorm) applyScaled(tf, pass.stage, grads, 1);
      else {
        squares += squaredNorm(tf, grads);
        // The first hosted stage stays on the device for the update; the others wait in host memory.
        if (pass.stage === host.first) firstGrads = grads;
        else host.defer(i, grads);
      }
    }
    if (globalNorm) {
      const all = Float32Array.of(squares);
      await ringAllReduce(mesh, all);
      const scale = globalScale(host.first, all[0]!);
      host.scaleDeferred(scale);
      applyScaled(tf, host.first, firstGrads, scale);
    }
    examples += passes[0]!.count;
    steps++;
  }
  const last = host.last.index === count - 1;
  const result: PipelineEpochResult = { examples, steps, ...(last ? { metrics: metricsOf(scorer, widths, totals.read()) } : {}) };
  if (o.validation) {
    const held = new StatTotals(tf, widths);
    const feedOut = readsAny ? new BatchFeed(o.validation, model.modelInputShape, SCORING_BATCH, false, 0) : undefined;
    for (;;) {
      const batch = feedOut ? await feedOut.next() : undefined;
      let ended = false;
      for (const stage of host.stages) {
        const i = stage.index;
        const scored = await pipelineScore(tf, stage, links.of(i), reads(i) ? batch : undefined, () => host.use(i));
        if (scored === END_OF_PASS) ended = true;
        else if (scored) held.add(scored, batch!.count);
      }
      if (ended) break;
    }
    if (last) result.validation = metricsOf(scorer, widths, held.read());
  }
  return result;
}
