// Training runtime: bind a trial's hyperparameters, build its model, train one unit of work at a time,
// evaluate, checkpoint with optimizer state, and export in the tfjs format.
export { bindTrainStep, bindValue, HyperparameterBindingError } from './bind-hyperparameters.js';
export type { BoundModelSpec, BoundOptimizerSpec, BoundTrainStep, HpValues } from './bind-hyperparameters.js';
export { buildModel, elementsPerExample, featuresToTensor, modelInputShape, ModelSpecError, reshapeToInput } from './build-model.js';
export type { BuildModelOptions } from './build-model.js';
export { planLayer, TFJS_ACTIVATIONS, TFJS_INITIALIZERS } from './layer-config.js';
export { clipGradients, createOptimizer, DEFAULT_OPTIMIZER, optimizerFromSettings, OptimizerSpecError } from './optimizers.js';
export type { GradientClipping, OptimizerName, OptimizerSetup } from './optimizers.js';
export { captureOptimizerState, restoreOptimizerState, OptimizerStateError } from './optimizer-state.js';
export type { OptimizerSlot, OptimizerState } from './optimizer-state.js';
export { createLoss, LossSpecError } from './losses.js';
export type { LossName, LossSetup } from './losses.js';
export { createMetrics, MetricSpecError } from './metrics.js';
export type { MetricName, MetricSetup } from './metrics.js';
export { createTrainer, disposeTrainer } from './trainer.js';
export type { CreateTrainerOptions, Trainer, TrainerSpec } from './trainer.js';
export { batchesOf } from './batches.js';
export type { Batch, BatchOptions, ExampleArrays, TrainingData } from './batches.js';
export { evaluate, trainUnit } from './train-unit.js';
export type { EvaluateOptions, PassMetrics, PassResult, Scorer, TrainUnitOptions, UnitResult } from './train-unit.js';
export { CheckpointError, loadCheckpoint, readCheckpoint, saveCheckpoint } from './checkpoint.js';
export type { CheckpointHeader, CheckpointOptimizer, LoadCheckpointTarget, LoadedCheckpoint, SaveCheckpointInput, SavedCheckpoint } from './checkpoint.js';
export { exportTfjsModel, fileLoadHandler, fileSaveHandler, loadTfjsModel } from './export-model.js';
export { deriveSeed, seededPermutation, seededRandom } from './seeds.js';
