/**
 * The search a train step asks for, with its defaults: `search.algorithm` and its options, `max_trials`,
 * and the median stopping rule around it when `median_stop` is set.
 */
import type { SearchSpec, SpaceEntry } from '../../../compiler/spec/types.js';
import { enumerateGrid, sampleRandom } from '../search-space.js';
import { createAsha } from './asha.js';
import { createFixedSearch } from './fixed.js';
import { createHyperband } from './hyperband.js';
import { withMedianStop } from './median-stop.js';
import { createPbt } from './pbt.js';
import { createTpe } from './tpe.js';
import type { Objective, SearchAlgorithm } from './types.js';

export interface SearchContext {
  seed: number;
  objective: Objective;
  /** Epochs a configuration trains under the step's `epochs` (which may depend on its values). */
  epochsOf: (params: Record<string, unknown>) => number;
  /** The step's `epochs` when it is a plain number. */
  epochs: number | undefined;
  /** Trials the strategy trains at once: TPE's proposal window. */
  window: number;
  /** Parameters that shape the weights, which PBT's explore must leave alone. */
  frozen: ReadonlySet<string>;
}

export interface CreatedSearch {
  algorithm: SearchAlgorithm;
  /** Set when `max_trials` cut the search short of what it would have tried. */
  cutByMaxTrials?: string;
}

export class SearchConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchConfigError';
  }
}

export const DEFAULT_TRIALS = 10;
export const DEFAULT_POPULATION = 8;

export function createSearch(search: SearchSpec | undefined, ctx: SearchContext): CreatedSearch {
  if (!search) return { algorithm: createFixedSearch({ configs: [{ id: 0, params: {} }], epochsOf: ctx.epochsOf }) };
  const space = search.space as Record<string, SpaceEntry>;
  const cap = search.max_trials ?? Infinity;
  const count = (fallback: number): { n: number; cut?: string } => {
    const wanted = search.trials ?? (search.max_trials !== undefined ? search.max_trials : fallback);
    return wanted > cap ? { n: cap, cut: `max_trials ${cap} of the ${wanted} trials asked for` } : { n: wanted };
  };
  const maxEpochs = (): number => {
    const r = search.max_epochs ?? ctx.epochs;
    if (r === undefined) throw new SearchConfigError(`${search.algorithm} needs search.max_epochs when the step's epochs depends on a hyperparameter`);
    return r;
  };
  let created: CreatedSearch;
  switch (search.algorithm) {
    case 'grid': {
      const configs = enumerateGrid(space);
      const kept = configs.slice(0, Math.min(configs.length, cap));
      created = {
        algorithm: createFixedSearch({ configs: kept, epochsOf: ctx.epochsOf }),
        ...(kept.length < configs.length ? { cutByMaxTrials: `max_trials ${cap} of the grid's ${configs.length} configurations` } : {}),
      };
      break;
    }
    case 'random': {
      const { n, cut } = count(DEFAULT_TRIALS);
      created = { algorithm: createFixedSearch({ configs: sampleRandom(space, { seed: ctx.seed, trials: n }), epochsOf: ctx.epochsOf }), ...(cut ? { cutByMaxTrials: cut } : {}) };
      break;
    }
    case 'tpe': {
      const { n, cut } = count(DEFAULT_TRIALS);
      const startup = search.startup_trials ?? Math.min(10, Math.max(2, Math.ceil(n / 4)));
      created = {
        algorithm: createTpe({ space, seed: ctx.seed, objective: ctx.objective, trials: n, startupTrials: startup, gamma: search.quantile ?? 0.25, window: ctx.window, epochsOf: ctx.epochsOf }),
        ...(cut ? { cutByMaxTrials: cut } : {}),
      };
      break;
    }
    case 'hyperband': {
      const algorithm = createHyperband({ space, seed: ctx.seed, objective: ctx.objective, maxEpochs: maxEpochs(), eta: search.eta ?? 3, ...(search.max_trials !== undefined ? { maxTrials: search.max_trials } : {}) });
      created = { algorithm };
      break;
    }
    case 'asha': {
      const { n, cut } = count(DEFAULT_TRIALS);
      created = {
        algorithm: createAsha({ space, seed: ctx.seed, objective: ctx.objective, trials: n, maxEpochs: maxEpochs(), gracePeriod: search.grace_period ?? 1, reductionFactor: search.reduction_factor ?? search.eta ?? 3 }),
        ...(cut ? { cutByMaxTrials: cut } : {}),
      };
      break;
    }
    case 'pbt': {
      const { n, cut } = count(DEFAULT_POPULATION);
      const epochs = maxEpochs();
      created = {
        algorithm: createPbt({
          space,
          seed: ctx.seed,
          objective: ctx.objective,
          population: n,
          epochs,
          interval: search.interval ?? Math.max(1, Math.round(epochs / 4)),
          quantile: search.quantile ?? 0.25,
          frozen: ctx.frozen,
        }),
        ...(cut ? { cutByMaxTrials: cut } : {}),
      };
      break;
    }
    default:
      throw new SearchConfigError(`unknown search algorithm ${String(search.algorithm)}`);
  }
  const median = search.median_stop;
  if (median === undefined || median === false) return created;
  const rule = typeof median === 'object' ? (median as { grace_period?: number; min_trials?: number }) : {};
  return {
    ...created,
    algorithm: withMedianStop(created.algorithm, {
      objective: ctx.objective,
      ...(typeof rule.grace_period === 'number' ? { gracePeriod: rule.grace_period } : {}),
      ...(typeof rule.min_trials === 'number' ? { minTrials: rule.min_trials } : {}),
    }),
  };
}
