/**
 * Tree-structured Parzen Estimator (Bergstra et al., NeurIPS 2011). The first `startup_trials` are random
 * draws; after that, the finished trials are split at the quantile γ of their objective into good and bad,
 * each parameter gets a Parzen density over the good values, l(x), and over the bad, g(x) (parzen.ts), and
 * the next configuration is the best by l(x)/g(x) among candidates drawn from l. A conditional entry's
 * densities use only the trials where it existed, and candidates draw it only where its condition holds.
 *
 * Trial i is proposed from trials 0 … i−W, W the number of trials trained at once: the trials that, in a run
 * keeping W busy, have certainly finished. It waits until they have, so the history each proposal sees (and
 * so every proposal) is fixed by the seed, whatever the timing.
 */
import type { SpaceEntry } from '../../../compiler/spec/types.js';
import type { Metrics } from '../../events/types.js';
import { createRng } from '../../random/rng.js';
import { isActive, sampleConfiguration } from '../search-space.js';
import { Ledger } from './ledger.js';
import { parzenEstimator, type Estimator } from './parzen.js';
import { scoreOf, type Objective, type SearchAlgorithm, type TrialPlan, type Verdict } from './types.js';

export interface TpeOptions {
  space: Record<string, SpaceEntry>;
  seed: number;
  objective: Objective;
  trials: number;
  /** Random trials before the model takes over. */
  startupTrials: number;
  /** Fraction of finished trials counted as good. Default 0.25. */
  gamma?: number;
  /** Trials trained at once (the proposal window). Default 1. */
  window?: number;
  /** Candidates drawn from l(x) per proposal. Default 24. */
  candidates?: number;
  epochsOf: (params: Record<string, unknown>) => number;
}

export interface Observation {
  params: Record<string, unknown>;
  /** Larger is better. */
  score: number;
}

/** One TPE proposal from finished observations; `rng` supplies every draw. */
export function proposeTpe(space: Record<string, SpaceEntry>, history: readonly Observation[], rng: ReturnType<typeof createRng>, gamma: number, candidates: number): Record<string, unknown> {
  const ranked = history.slice().sort((a, b) => b.score - a.score);
  const nGood = Math.max(1, Math.ceil(gamma * ranked.length));
  const good = ranked.slice(0, nGood);
  const bad = ranked.slice(nGood);
  const l = new Map<string, Estimator>();
  const g = new Map<string, Estimator>();
  for (const [name, entry] of Object.entries(space)) {
    const values = (set: readonly Observation[]) => set.flatMap((o) => (Object.prototype.hasOwnProperty.call(o.params, name) ? [o.params[name]] : []));
    l.set(name, parzenEstimator(name, entry, values(good)));
    g.set(name, parzenEstimator(name, entry, values(bad)));
  }
  let best: Record<string, unknown> | undefined;
  let bestScore = -Infinity;
  for (let c = 0; c < candidates; c++) {
    const params: Record<string, unknown> = {};
    let score = 0;
    for (const [name, entry] of Object.entries(space)) {
      if (!isActive(entry, params)) continue;
      const value = l.get(name)!.sample(rng);
      params[name] = value;
      score += l.get(name)!.logDensity(value) - g.get(name)!.logDensity(value);
    }
    if (best === undefined || score > bestScore) {
      best = params;
      bestScore = score;
    }
  }
  return best ?? {};
}

export function createTpe(options: TpeOptions): SearchAlgorithm {
  const W = Math.max(1, options.window ?? 1);
  const gamma = options.gamma ?? 0.25;
  const candidates = options.candidates ?? 24;
  const ledger = new Ledger();
  let next = 0;

  const proposal = (i: number): Record<string, unknown> | undefined => {
    if (i < options.startupTrials) return sampleConfiguration(options.space, options.seed, i).params;
    const known = i - W + 1;
    for (let j = 0; j < known; j++) if (!ledger.get(j).ended) return undefined;
    const history: Observation[] = [];
    for (let j = 0; j < known; j++) {
      const score = scoreOf(ledger.last(j), options.objective);
      if (score !== undefined) history.push({ params: ledger.get(j).plan.params, score });
    }
    if (history.length === 0) return sampleConfiguration(options.space, options.seed, i).params;
    return proposeTpe(options.space, history, createRng(options.seed, `tpe/trial:${i}`), gamma, candidates);
  };

  return {
    suggest(): TrialPlan[] {
      const out: TrialPlan[] = [];
      while (next < options.trials) {
        const params = proposal(next);
        if (params === undefined) break;
        out.push(ledger.add({ id: next, line: next, params, fromEpoch: 0, toEpoch: options.epochsOf(params) }).plan);
        next++;
      }
      return out;
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
    finished: () => next >= options.trials && ledger.all().every((e) => e.ended),
  };
}
