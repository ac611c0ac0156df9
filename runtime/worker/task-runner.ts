/**
 * Runs tasks inside a worker, whatever carries them there (the local process channel or a cluster queue):
 * trains units on cached partitions and in-memory models, evaluates and exports checkpoints.
 */
import { mkdir } from 'node:fs/promises';
import type { EngineInfo } from '../engine/index.js';
import { createLoss, createMetrics, evaluate, exportTfjsModel, loadCheckpoint, saveCheckpoint, trainUnit } from '../training/index.js';
import { ExampleCache } from './data-cache.js';
import type { EvaluateTask, ExportModelTask, Task, TaskResult, TrainUnitTask } from './protocol.js';
import { TrialModels } from './trial-models.js';
import { runDataParallelTask } from './data-parallel-task.js';
import { runPipelineTask } from './pipeline-task.js';
import { evaluateWithCommand, exportWithCommand, startTrainer, trainWithCommand } from './external/command-trainer.js';

const isCommandModel = (setup: import('./protocol.js').TrialSetup): boolean => Array.isArray((setup.step.model as { command?: unknown } | undefined)?.command);

export interface TaskRunner {
  run(task: Task): Promise<TaskResult>;
  /** Partition files this worker holds in memory. */
  heldFiles(): string[];
}

/**
 * `engine` is a TensorFlow.js engine, or how to start one: a worker of a run that trains only external
 * trainer commands never needs one and starts it only if a TensorFlow.js task arrives after all.
 */
export function createTaskRunner(engine: EngineInfo | (() => Promise<EngineInfo>)): TaskRunner {
  let started: { engine: EngineInfo; models: TrialModels } | undefined;
  const tfjs = async () => {
    if (!started) {
      const info = typeof engine === 'function' ? await engine() : engine;
      started = { engine: info, models: new TrialModels(info.tf) };
    }
    return started;
  };
  let columns = { features: [] as string[], label: '' };
  const data = new ExampleCache(() => columns);
  return {
    async run(task: Task): Promise<TaskResult> {
      if (task.type === 'start_trainer') return { type: 'start_trainer', started: isCommandModel(task.setup) && startTrainer(task.setup) };
      columns = { features: task.setup.features, label: task.setup.label };
      if (isCommandModel(task.setup)) {
        const load = (p: string) => data.get(p);
        if (task.type === 'train_unit') return trainWithCommand(task, load);
        if (task.type === 'train_data_parallel' || task.type === 'train_pipeline') throw new Error('an external trainer command cannot train with data or model parallelism');
        if (task.type === 'evaluate') return evaluateWithCommand(task, load);
        return exportWithCommand(task);
      }
      const { engine, models } = await tfjs();
      if (task.type === 'train_unit') return runTrainUnit(engine, models, data, task);
      if (task.type === 'train_data_parallel') return runDataParallelTask(engine, models, data, task);
      if (task.type === 'train_pipeline') return runPipelineTask(engine, data, task);
      if (task.type === 'evaluate') return runEvaluate(engine, models, data, task);
      return runExport(engine, models, task);
    },
    heldFiles: () => data.files(),
  };
}

async function runTrainUnit(engine: EngineInfo, models: TrialModels, data: ExampleCache, task: TrainUnitTask): Promise<TaskResult> {
  const columns = { features: task.setup.features, label: task.setup.label };
  const { trainer, bytesRead } = await models.acquire(task.setup, task.trial, task.checkpointIn);
  try {
    const unit = await trainUnit(engine.tf, trainer, data.chunks(task.data, columns), { batchSize: task.batchSize, shuffleSeed: task.shuffleSeed, shuffle: task.shuffle ?? true });
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

