/**
 * Grid and random search: a list of configurations known from the start, each trained for its epochs.
 * Nothing adapts; the list is handed out at once and the driver trains it as fast as it can.
 */
import type { Metrics } from '../../events/types.js';
import type { Configuration } from '../search-space.js';
import { Ledger } from './ledger.js';
import type { SearchAlgorithm, TrialPlan, Verdict } from './types.js';

export interface FixedSearchOptions {
  configs: readonly Configuration[];
  /** Epochs a configuration trains (the step's `epochs`, which may depend on its values). */
  epochsOf: (params: Record<string, unknown>) => number;
}

export function createFixedSearch(options: FixedSearchOptions): SearchAlgorithm {
  const ledger = new Ledger();
  let suggested = false;
  return {
    suggest(): TrialPlan[] {
      if (suggested) return [];
      suggested = true;
      return options.configs.map((c) => ledger.add({ id: c.id, line: c.id, params: c.params, fromEpoch: 0, toEpoch: options.epochsOf(c.params) }).plan);
    },
    onEpoch(trial: number, epoch: number, metrics: Metrics): Verdict[] {
      const e = ledger.epoch(trial, epoch, metrics);
      if (epoch < e.plan.toEpoch) return [];
      e.ended = true;
      return [{ trial, action: 'end', status: 'completed' }];
    },
    onEnded(trial: number): Verdict[] {
      ledger.get(trial).ended = true;
      return [];
    },
    finished: () => suggested && ledger.all().every((e) => e.ended),
  };
}
