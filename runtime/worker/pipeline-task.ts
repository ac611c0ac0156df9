/**
 * A worker's stage of a pipelined epoch (model parallelism): joins the group, holds its stage of the
 * trial's model (kept in memory for the next epoch when the checkpoint it would load is the one it helped
 * write), trains it with the others, and writes its part of the checkpoint; stage 0 joins the parts.
 */
import { rm } from 'node:fs/promises';
import type { EngineInfo } from '../engine/index.js';
import { barrier, ringAllReduce } from '../parallel/collectives.js';
import { trainPipelineEpoch } from '../parallel/pipeline/pipeline-epoch.js';
import { joinStageParts, loadStageSlice, saveStagePart, type StageCounts } from '../parallel/pipeline/stage-checkpoint.js';
import { buildStage, disposeStage, type Stage } from '../parallel/pipeline/stage-model.js';
import { openSocketMesh } from '../parallel/socket-mesh.js';
import type { ExampleCache } from './data-cache.js';
import type { TrainPipelineResult, TrainPipelineTask } from './protocol.js';

/** Stages held between epochs, by trial; few, as a worker trains one pipeline at a time. */
const held = new Map<string, { stage: Stage; checkpoint: string | null }>();
const HELD = 2;

export async function runPipelineTask(engine: EngineInfo, cache: ExampleCache, task: TrainPipelineTask): Promise<TrainPipelineResult> {
  const started = performance.now();
  const tf = engine.tf;
  const { rank, endpoints } = task.group;
  const count = endpoints.length;
  const key = `${task.setup.node}#${task.trial}`;
  const columns = { features: task.setup.features, label: task.setup.label };
  let entry = held.get(key);
  if (entry && !(entry.stage.index === rank && entry.stage.count === count && entry.checkpoint === task.checkpointIn)) {
    held.delete(key);
    disposeStage(entry.stage);
    entry = undefined;
  }
  const stage = entry?.stage ?? buildStage(tf, task.setup, rank, count);
  held.delete(key);
  let mesh: Awaited<ReturnType<typeof openSocketMesh>> | undefined;
  try {
    mesh = await openSocketMesh({ group: task.group.id, rank, endpoints });
    const counts = await stageCounts(mesh, stage);
    let bytesRead = entry || task.checkpointIn === null ? 0 : await loadStageSlice(tf, stage, counts, task.checkpointIn);
    const reads = rank === 0 || rank === count - 1;
    const load = (files: readonly string[]) => Promise.all(files.map((p) => cache.get(p, columns)));
    const epoch = await trainPipelineEpoch({
      tf,
      stage,
      mesh,
      data: reads ? await load(task.data) : [],
      batchSize: task.batchSize,
      microbatches: task.microbatches,
      shuffle: task.shuffle ?? true,
      shuffleSeed: task.shuffleSeed,
      ...(task.validation ? { validation: reads ? await load(task.validation) : [] } : {}),
    });
    const meta = { node: task.setup.node, trial: task.trial, epoch: task.epoch, partition: 'all', params: task.setup.params };
    const parts = endpoints.map((_, s) => `${task.checkpointOut}.stage-${s}`);
    const part = await saveStagePart(stage, parts[rank]!, meta);
    let checkpointBytes = part.bytes;
    // Every part is written before stage 0 reads them.
    await barrier(mesh);
    if (rank === 0) {
      const joined = await joinStageParts(parts, counts, task.checkpointOut, { name: stage.optimizer.name, settings: stage.optimizer.settings }, { ...meta, stages: count });
      checkpointBytes += joined.saved.bytes;
      bytesRead += joined.bytesRead;
      await Promise.all(parts.map((p) => rm(p, { force: true })));
    }
    held.set(key, { stage, checkpoint: task.checkpointOut });
    while (held.size > HELD) {
      const [oldest, old] = held.entries().next().value!;
      held.delete(oldest);
      disposeStage(old.stage);
    }
    return {
      type: 'train_pipeline',
      ...(epoch.metrics ? { metrics: { ...epoch.metrics } } : {}),
      ...(epoch.validation ? { validation: { ...epoch.validation } } : {}),
      examples: epoch.examples,
      seconds: (performance.now() - started) / 1000,
      steps: epoch.steps,
      checkpointBytes,
      bytesRead,
      bytesSent: mesh.bytesSent(),
    };
  } catch (error) {
    disposeStage(stage);
    throw error;
  } finally {
    await mesh?.close();
  }
}

/** Every stage's count of weights, all and trainable (one small all-reduce). */
async function stageCounts(mesh: Awaited<ReturnType<typeof openSocketMesh>>, stage: Stage): Promise<StageCounts> {
  const all = new Float32Array(2 * mesh.size);
  all[mesh.rank] = stage.model.weights.length;
  all[mesh.size + mesh.rank] = stage.model.trainableWeights.length;
  await ringAllReduce(mesh, all);
  return { weights: [...all.subarray(0, mesh.size)], trainable: [...all.subarray(mesh.size)] };
}
