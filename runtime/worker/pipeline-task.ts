/**
 * A worker's stages of a pipelined epoch (model parallelism): joins the group, holds its stages of the
 * trial's model (one, or several consecutive ones of which only one is on the device at a time; kept in
 * memory for the next epoch when the checkpoint it would load is the one it helped write), trains them with
 * the others, and writes their parts of the checkpoint; worker 0 joins the parts.
 */
import { rm } from 'node:fs/promises';
import type { EngineInfo } from '../engine/index.js';
import { barrier, ringAllReduce } from '../parallel/collectives.js';
import { trainPipelineEpoch } from '../parallel/pipeline/pipeline-epoch.js';
import { joinStageParts, loadStageSlice, saveStagePart, type StageCounts } from '../parallel/pipeline/stage-checkpoint.js';
import { buildStage } from '../parallel/pipeline/stage-model.js';
import { StageHost } from '../parallel/pipeline/stage-host.js';
import { stageLinks } from '../parallel/pipeline/stage-links.js';
import { hostedStages, hostRanges } from '../../compiler/cost/stage-placement.js';
import { openSocketMesh } from '../parallel/socket-mesh.js';
import type { ExampleCache } from './data-cache.js';
import type { TrainPipelineResult, TrainPipelineTask } from './protocol.js';

/** Stages held between epochs, by trial; few, as a worker trains one pipeline at a time. */
const held = new Map<string, { host: StageHost; stages: number; begin: number; checkpoint: string | null }>();
const HELD = 2;

export async function runPipelineTask(engine: EngineInfo, cache: ExampleCache, task: TrainPipelineTask): Promise<TrainPipelineResult> {
  const started = performance.now();
  const tf = engine.tf;
  const { rank, endpoints } = task.group;
  const stages = task.stages ?? endpoints.length;
  const hosted = hostedStages(stages, endpoints.length);
  if (hosted.length !== endpoints.length) throw new Error(`${stages} pipeline stages cannot keep ${endpoints.length} workers busy`);
  const [begin, end] = hostRanges(hosted)[rank]!;
  const key = `${task.setup.node}#${task.trial}`;
  const columns = { features: task.setup.features, label: task.setup.label };
  let entry = held.get(key);
  if (entry && !(entry.begin === begin && entry.host.stages.length === end - begin && entry.stages === stages && entry.checkpoint === task.checkpointIn)) {
    held.delete(key);
    entry.host.dispose();
    entry = undefined;
  }
  held.delete(key);
  const host = entry?.host ?? (await buildHost(tf, task, begin, end, stages));
  // A new host's count starts with the stages spilled as they were built.
  const spilledBefore = entry ? host.bytesSpilled : 0;
  const loadedBefore = entry ? host.bytesLoaded : 0;
  let mesh: Awaited<ReturnType<typeof openSocketMesh>> | undefined;
  try {
    mesh = await openSocketMesh({ group: task.group.id, rank, endpoints });
    const counts = await stageCounts(mesh, host, stages);
    let bytesRead = 0;
    if (!entry && task.checkpointIn !== null) {
      // Last to first, so the first hosted stage is the one left on the device.
      for (const stage of [...host.stages].reverse()) bytesRead += await loadStageSlice(tf, await host.use(stage.index), counts, task.checkpointIn);
    }
    const reads = host.stages.some((s) => s.index === 0 || s.index === stages - 1);
    const load = (files: readonly string[]) => Promise.all(files.map((p) => cache.get(p, columns)));
    const epoch = await trainPipelineEpoch({
      tf,
      host,
      mesh,
      links: stageLinks(mesh, hosted),
      data: reads ? await load(task.data) : [],
      batchSize: task.batchSize,
      microbatches: task.microbatches,
      shuffle: task.shuffle ?? true,
      shuffleSeed: task.shuffleSeed,
      ...(task.validation ? { validation: reads ? await load(task.validation) : [] } : {}),
    });
    const meta = { node: task.setup.node, trial: task.trial, epoch: task.epoch, partition: 'all', params: task.setup.params };
    const parts = range(0, stages).map((s) => `${task.checkpointOut}.stage-${s}`);
    // Each hosted stage writes its part, starting with the one on the device (the first or the last).
    const order = host.current === host.last ? [...host.stages].reverse() : host.stages;
    let checkpointBytes = 0;
    for (const stage of order) {
      await host.use(stage.index);
      checkpointBytes += (await saveStagePart(stage, parts[stage.index]!, meta)).bytes;
    }
    // Every part is written before stage 0 reads them.
    await barrier(mesh);
    if (rank === 0) {
      const first = host.first;
      const joined = await joinStageParts(parts, counts, task.checkpointOut, { name: first.optimizer.name, settings: first.optimizer.settings }, { ...meta, stages });
      checkpointBytes += joined.saved.bytes;
      bytesRead += joined.bytesRead;
      await Promise.all(parts.map((p) => rm(p, { force: true })));
    }
    held.set(key, { host, stages, begin, checkpoint: task.checkpointOut });
    while (held.size > HELD) {
      const [oldest, old] = held.entries().next().value!;
      held.delete(oldest);
      old.host.dispose();
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
      ...(host.stages.length > 1 ? { stagesHosted: host.stages.length, bytesSpilled: host.bytesSpilled - spilledBefore, bytesLoaded: host.bytesLoaded - loadedBefore } : {}),
    };
  } catch (error) {
    host.dispose();
    throw error;
  } finally {
    await mesh?.close();
  }
}

/**
 * Builds this worker's stages last to first, each spilled to host memory as soon as it is built but the
 * first, so no two are ever on the device together.
 */
async function buildHost(tf: EngineInfo['tf'], task: TrainPipelineTask, begin: number, end: number, stages: number): Promise<StageHost> {
  const host = new StageHost(tf);
  try {
    for (let s = end - 1; s >= begin; s--) await host.adopt(buildStage(tf, task.setup, s, stages), s === begin);
  } catch (error) {
    host.dispose();
    throw error;
  }
  return host;
}

const range = (begin: number, end: number): number[] => Array.from({ length: end - begin }, (_, i) => begin + i);

/** Every stage's count of weights, all and trainable (one small all-reduce over the workers). */
async function stageCounts(mesh: Awaited<ReturnType<typeof openSocketMesh>>, host: StageHost, stages: number): Promise<StageCounts> {
  const all = new Float32Array(2 * stages);
  for (const stage of host.stages) {
    all[stage.index] = stage.model.weights.length;
    all[stages + stage.index] = stage.model.trainableWeights.length;
  }
  await ringAllReduce(mesh, all);
  return { weights: [...all.subarray(0, stages)], trainable: [...all.subarray(stages)] };
}
