// Search algorithms behind one interface: pure, deterministic from the seed, driven by runtime/run/train-node.ts.
export { createAsha, ashaRungs, promotes, type AshaOptions } from './asha.js';
export { hyperbandBrackets, maxBracket, type Bracket, type Rung } from './brackets.js';
export { createSearch, DEFAULT_POPULATION, DEFAULT_TRIALS, SearchConfigError, type CreatedSearch, type SearchContext } from './create.js';
export { explore } from './explore.js';
export { createFixedSearch } from './fixed.js';
export { createHyperband, type HyperbandOptions } from './hyperband.js';
export { withMedianStop, type MedianStopOptions } from './median-stop.js';
export { parzenEstimator, normalCdf, type Estimator } from './parzen.js';
export { createPbt, generationEnds, type PbtOptions } from './pbt.js';
export { createTpe, proposeTpe, type Observation, type TpeOptions } from './tpe.js';
export { byScore, scoreOf, type EndStatus, type Objective, type SearchAlgorithm, type StopReason, type TrialPlan, type Verdict } from './types.js';
