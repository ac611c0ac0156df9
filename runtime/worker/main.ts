/**
 * A worker process: starts the best TensorFlow.js backend it can, then runs the tasks the driver sends,
 * one at a time, and answers each exactly once. Imports nothing from the driver side.
 */
import { mkdir } from 'node:fs/promises';
import { initEngine, type BackendName, type EngineInfo } from '../engine/index.js';
import { createLoss, createMetrics, evaluate, exportTfjsModel, loadCheckpoint, saveCheckpoint, trainUnit } from '../training/index.js';
import { ExampleCache } from './data-cache.js';
import { isUserError } from './user-errors.js';
import { TrialModels } from './trial-models.js';
import { WORKER_ENV, type DriverMessage, type EvaluateTask, type ExportModelTask, type Task, type TaskResult, type TrainUnitTask, type WorkerMessage } from './protocol.js';

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function runTrainUnit(engine: EngineInfo, models: TrialModels, data: ExampleCache, task: TrainUnitTask): Promise<TaskResult> {
  const columns = { features: task.setup.features, label: task.setup.label };
  const { trainer, bytesRead } = await models.acquire(task.setup, task.trial, task.checkpointIn);
  try {
    const unit = await trainUnit(engine.tf, trainer, data.chunks(task.data, columns), { batchSize: task.batchSize, shuffleSeed: task.shuffleSeed });
    const saved = await saveCheckpoint(task.checkpointOut, {
      model: trainer.model,
      optimizer: trainer.optimizer,
      meta: { node: task.setup.node, trial: task.trial, epoch: task.epoch, partition: task.partition, params: task.setup.params },
    });
    models.saved(task.setup, task.trial, task.checkpointOut);
    let validation: Record<string, number> | undefined;
    if (task.validation && task.validation.length > 0) {
      const result = await evaluate(engine.tf, trainer, data.chunks(task.validation, columns));
      validation = { ...result.metrics };
    }
    return {
      type: 'train_unit',
      metrics: { ...unit.metrics },
      ...(validation ? { validation } : {}),
      examples: unit.examples,
      seconds: unit.seconds,
      checkpointBytes: saved.bytes,
      bytesRead,
    };
  } catch (error) {
    // The in-memory model may be half-way through the pass; the retry must start from the checkpoint.
    models.forget(task.setup, task.trial);
    throw error;
  }
}

async function runEvaluate(engine: EngineInfo, models: TrialModels, data: ExampleCache, task: EvaluateTask): Promise<TaskResult> {
  const trainer = models.create(task.setup);
  try {
    await loadCheckpoint(engine.tf, task.checkpoint, { model: trainer.model });
    const loss = createLoss(engine.tf, trainer.loss.name);
    const metrics = task.metrics ? createMetrics(engine.tf, task.metrics, loss) : trainer.metrics;
    const columns = { features: task.setup.features, label: task.setup.label };
    const result = await evaluate(engine.tf, { ...trainer, loss, metrics }, data.chunks(task.data, columns));
    return { type: 'evaluate', metrics: { ...result.metrics }, examples: result.examples, seconds: result.seconds };
  } finally {
    trainer.model.dispose();
    trainer.optimizer.optimizer.dispose();
  }
}

async function runExport(engine: EngineInfo, models: TrialModels, task: ExportModelTask): Promise<TaskResult> {
  const trainer = models.create(task.setup);
  try {
    await loadCheckpoint(engine.tf, task.checkpoint, { model: trainer.model });
    await mkdir(task.dir, { recursive: true });
    const files = await exportTfjsModel(trainer.model, task.dir);
    return { type: 'export_model', files: [files.modelJson, files.weightsBin] };
  } finally {
    trainer.model.dispose();
    trainer.optimizer.optimizer.dispose();
  }
}

async function main(): Promise<void> {
  const prefer = (process.env[WORKER_ENV.backend] || 'auto') as 'auto' | BackendName;
  const device = process.env[WORKER_ENV.device] === 'gpu' ? 'gpu' : 'cpu';
  let engine: EngineInfo;
  try {
    engine = await initEngine({ prefer, device, quiet: true });
  } catch (error) {
    send({ type: 'fatal', message: `cannot start a TensorFlow.js backend: ${(error as Error).message}` });
    process.exit(1);
  }
  const models = new TrialModels(engine.tf);
  let columns = { features: [] as string[], label: '' };
  const data = new ExampleCache(() => columns);

  // Tasks run strictly one after another, in the order they arrive.
  let queue = Promise.resolve();
  const handle = async (id: number, task: Task): Promise<void> => {
    columns = { features: task.setup.features, label: task.setup.label };
    try {
      const result =
        task.type === 'train_unit' ? await runTrainUnit(engine, models, data, task) : task.type === 'evaluate' ? await runEvaluate(engine, models, data, task) : await runExport(engine, models, task);
      send({ type: 'result', id, result });
    } catch (error) {
      const user = isUserError(error);
      const message = error instanceof Error ? (user ? error.message : (error.stack ?? error.message)) : String(error);
      send({ type: 'failed', id, message, user });
    }
  };
  process.on('message', (message: DriverMessage) => {
    if (message.type === 'shutdown') {
      void queue.then(() => process.exit(0));
      return;
    }
    if (message.type === 'task') queue = queue.then(() => handle(message.id, message.task));
  });
  // The driver going away (killed -9) closes the channel: nothing left to work for.
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C reaches the whole process group; the driver decides when workers stop.
  process.on('SIGINT', () => {});
  send({ type: 'ready', pid: process.pid, backend: engine.backend, versions: { ...engine.versions }, tried: engine.tried.map((t) => `${t.backend}: ${t.reason}`) });
}

void main();
