import { DataError } from '../relational/types.js';
import { TrainerError } from './external/command-trainer.js';
import { CheckpointError, HyperparameterBindingError, LossSpecError, MetricSpecError, ModelSpecError, OptimizerSpecError } from '../training/index.js';

/** Errors caused by the spec or the data rather than by dlc: reported by their message alone, no stack. */
export function isUserError(error: unknown): boolean {
  return (
    error instanceof DataError ||
    error instanceof TrainerError ||
    error instanceof CheckpointError ||
    error instanceof HyperparameterBindingError ||
    error instanceof ModelSpecError ||
    error instanceof LossSpecError ||
    error instanceof MetricSpecError ||
    error instanceof OptimizerSpecError ||
    error instanceof RangeError
  );
}
