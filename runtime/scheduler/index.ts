// Training schedulers and search-space sampling: pure, deterministic logic the runtime drives.
export { createRng, type Rng } from '../random/rng.js';
export {
  DEFAULT_MAX_GRID,
  enumerateGrid,
  pickBest,
  sampleConfiguration,
  sampleRandom,
  SearchSpaceError,
  type Configuration,
  type TrialResult,
} from './search-space.js';
export { createHopperScheduler, type HopperOptions, type HopperPolicy, type HopperScheduler } from './hopper.js';
export { createTaskParallelScheduler, type TaskParallelOptions, type TaskParallelScheduler, type TaskPolicy } from './task-parallel.js';
export { createReplayScheduler, type ReplayOptions } from './replay.js';
export { simulate, type SimSpan, type SimulationInput, type SimulationResult, type SimWorker } from './simulate.js';
export type {
  AnyUnit,
  Assignment,
  CompletionResult,
  EpochRange,
  FailureResult,
  Scheduler,
  TaskUnit,
  TrialStatus,
  Unit,
  VisitEntry,
  VisitOutcome,
} from './types.js';
