/**
 * Model parallelism as a group strategy: the trial's model cut into pipeline stages over the workers,
 * trained GPipe-style with `microbatches` micro-batches per mini-batch (runtime/parallel/pipeline).
 * Where the stages go is the planner's rule (compiler/cost/stage-placement.ts), applied to the workers
 * alive: one stage per worker; with fewer workers, the model cut into as many stages as workers when
 * those fit a worker's memory (`minStages`, the memory estimator's fewest stages that fit), else several
 * consecutive stages per worker with the idle ones spilled to host memory (Hydra). Either is said once.
 */
import { placeStages, type StagePlacement } from '../../compiler/cost/stage-placement.js';
import type { TrainPipelineResult } from '../worker/protocol.js';
import type { GroupStrategy } from './group-node.js';
import type { TrainData } from './train-node.js';

export interface ModelParallelSettings {
  stages: number;
  microbatches: number;
  /** The fewest stages that each fit a worker's memory (1 when the whole model does). */
  minStages: number;
}

export function modelParallel(settings: ModelParallelSettings, data: TrainData, warn: (message: string) => void): GroupStrategy {
  let warned = false;
  const place = (workers: number): StagePlacement => placeStages(settings.stages, settings.minStages, workers);
  return {
    members: (alive) => {
      const placement = place(alive.length);
      if (alive.length < settings.stages && alive.length > 0 && !warned) {
        warned = true;
        warn(placementMessage(settings, alive.length, placement));
      }
      return alive.slice(0, placement.hosted.length);
    },
    task: (m) => ({
      type: 'train_pipeline',
      setup: m.setup,
      trial: m.trial,
      epoch: m.epoch,
      group: m.group,
      stages: place(m.size).stages,
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
      const spilling = results.some((r) => r.bytesSpilled !== undefined);
      return {
        metrics: last.metrics ?? {},
        ...(last.validation ? { validation: last.validation } : {}),
        examples: last.examples,
        bytesMoved: results.reduce((n, r) => n + r.bytesSent + r.bytesRead + r.checkpointBytes, 0),
        ...(spilling ? { bytesSpilled: results.reduce((n, r) => n + (r.bytesSpilled ?? 0) + (r.bytesLoaded ?? 0), 0) } : {}),
      };
    },
  };
}

function placementMessage(settings: ModelParallelSettings, alive: number, placement: StagePlacement): string {
  const planned = `${settings.stages} pipeline stages planned but ${alive} worker${alive === 1 ? '' : 's'} alive`;
  if (placement.how === 'spill') {
    const most = Math.max(...placement.hosted);
    return `${planned}, and the model needs ${settings.minStages} stages to fit a worker's memory: each worker hosts up to ${most} stages, keeping the one computing on the device and spilling the others to host memory`;
  }
  const why = placement.stages === 1 ? 'the whole model fits a worker' : `${placement.stages} stages fit a worker's memory, which is faster than spilling`;
  return `${planned}: the model is cut into ${placement.stages} stage${placement.stages === 1 ? '' : 's'} (${why})`;
}
