/**
 * A worker's part of a data-parallel epoch: joins the group's mesh, trains the trial's in-memory model
 * together with the other members, and (member 0) writes the checkpoint. The model stays in memory on
 * every member for the next epoch: all members end the epoch with the checkpoint's state. Any failure
 * leaves the in-memory model untrusted, and closing this member's links makes the others fail too rather
 * than wait for it.
 */
import type { EngineInfo } from '../engine/index.js';
import { trainGroupEpoch } from '../parallel/group-epoch.js';
import { shareOf } from '../parallel/pass-stats.js';
import { openSocketMesh } from '../parallel/socket-mesh.js';
import { saveCheckpoint } from '../training/index.js';
import type { ExampleCache } from './data-cache.js';
import type { TrainDataParallelResult, TrainDataParallelTask } from './protocol.js';
import type { TrialModels } from './trial-models.js';

export async function runDataParallelTask(engine: EngineInfo, models: TrialModels, cache: ExampleCache, task: TrainDataParallelTask): Promise<TrainDataParallelResult> {
  const started = performance.now();
  const { rank, endpoints } = task.group;
  const size = endpoints.length;
  const columns = { features: task.setup.features, label: task.setup.label };
  const { trainer, bytesRead } = await models.acquire(task.setup, task.trial, task.checkpointIn);
  let mesh: Awaited<ReturnType<typeof openSocketMesh>> | undefined;
  try {
    const data = await Promise.all(task.data.map((p) => cache.get(p, columns)));
    const validation = task.validation ? (await Promise.all(task.validation.map((p) => cache.get(p, columns)))).map((c) => shareOf(c, rank, size)) : undefined;
    mesh = await openSocketMesh({ group: task.group.id, rank, endpoints });
    const epoch = await trainGroupEpoch({
      tf: engine.tf,
      trainer,
      mesh,
      data,
      batchSize: task.batchSize,
      shuffle: task.shuffle ?? true,
      shuffleSeed: task.shuffleSeed,
      sync: task.sync,
      ...(task.staleness !== undefined ? { staleness: task.staleness } : {}),
      ...(task.rounds !== undefined ? { rounds: task.rounds } : {}),
      ...(validation ? { validation } : {}),
    });
    let checkpointBytes = 0;
    if (rank === 0) {
      const saved = await saveCheckpoint(task.checkpointOut, {
        model: trainer.model,
        optimizer: trainer.optimizer,
        meta: { node: task.setup.node, trial: task.trial, epoch: task.epoch, partition: 'all', members: size, sync: task.sync, params: task.setup.params },
      });
      checkpointBytes = saved.bytes;
    }
    models.saved(task.setup, task.trial, task.checkpointOut);
    return {
      type: 'train_data_parallel',
      metrics: { ...epoch.metrics },
      ...(epoch.validation ? { validation: { ...epoch.validation } } : {}),
      examples: epoch.examples,
      seconds: (performance.now() - started) / 1000,
      steps: epoch.steps,
      checkpointBytes,
      bytesRead,
      bytesSent: mesh.bytesSent(),
      ...(epoch.staleness ? { staleness: epoch.staleness } : {}),
    };
  } catch (error) {
    models.forget(task.setup, task.trial);
    throw error;
  } finally {
    await mesh?.close();
  }
}
