/**
 * Model parallelism as a group strategy: the trial's model cut into `stages` pipeline stages, one per
 * worker, trained GPipe-style with `microbatches` micro-batches per mini-batch (runtime/parallel/pipeline).
 * With fewer workers alive than stages the pipeline is cut into as many stages as there are workers: the
 * same model and the same arithmetic, only less of it spread out (spilling stages to host memory, as
 * Hydra does, is described in docs/spec.md).
 */
import type { TrainPipelineResult } from '../worker/protocol.js';
import type { GroupStrategy } from './group-node.js';
import type { TrainData } from './train-node.js';

export interface ModelParallelSettings {
  stages: number;
  microbatches: number;
}

export function modelParallel(settings: ModelParallelSettings, data: TrainData, warn: (message: string) => void): GroupStrategy {
  let warned = false;
  return {
    members: (alive) => {
      if (alive.length < settings.stages && alive.length > 0 && !warned) {
        warned = true;
        warn(`${settings.stages} pipeline stages planned but ${alive.length} worker${alive.length === 1 ? '' : 's'} alive: the model is cut into ${alive.length} stage${alive.length === 1 ? '' : 's'}`);
      }
      return alive.slice(0, settings.stages);
    },
    task: (m) => ({
      type: 'train_pipeline',
      setup: m.setup,
      trial: m.trial,
      epoch: m.epoch,
      group: m.group,
      microbatches: settings.microbatches,
      data: data.partitions,
      ...(data.validation.length > 0 ? { validation: data.validation } : {}),
      checkpointIn: m.checkpointIn,
      checkpointOut: m.checkpointOut,
      batchSize: m.batchSize,
      // The first and the last stage must read the same mini-batches.
      shuffleSeed: m.shuffleSeed,
    }),
    outcome: (raw) => {
      const results = raw as TrainPipelineResult[];
      const last = results.at(-1)!;
      return {
        metrics: last.metrics ?? {},
        ...(last.validation ? { validation: last.validation } : {}),
        examples: last.examples,
        bytesMoved: results.reduce((n, r) => n + r.bytesSent + r.bytesRead + r.checkpointBytes, 0),
      };
    },
  };
}
