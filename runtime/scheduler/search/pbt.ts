/**
 * Population based training (Jaderberg et al., DeepMind, 2017), synchronous: a population of N members
 * trains in stretches of `interval` epochs. When every member has finished a stretch (a generation), they
 * are ranked; each member of the bottom `quantile` exploits one of the top `quantile`, drawn from the seed
 * (its weights and optimizer state are copied: a new trial with that member as parent) and explores
 * (perturbs or redraws the copied values); the others carry on as they are. Every member's stretch is a
 * trial: it ends `promoted` when the member carries on, `stopped_early` when it is replaced, `completed`
 * at the end; a trial's id is g·N + m for member m in generation g, and `parent` records the lineage.
 */
import type { SpaceEntry } from '../../../compiler/spec/types.js';
import type { Metrics } from '../../events/types.js';
import { createRng } from '../../random/rng.js';
import { sampleConfiguration } from '../search-space.js';
import { explore } from './explore.js';
import { Ledger } from './ledger.js';
import { byScore, scoreOf, type Objective, type SearchAlgorithm, type TrialPlan, type Verdict } from './types.js';

export interface PbtOptions {
  space: Record<string, SpaceEntry>;
  seed: number;
  objective: Objective;
  population: number;
  epochs: number;
  interval: number;
  /** Fraction at the bottom that exploits, and at the top that is copied. Default 0.25. */
  quantile?: number;
  /** Parameters explore never changes (they shape the weights). */
  frozen?: ReadonlySet<string>;
}

/** Model epochs at the end of each generation. */
export function generationEnds(epochs: number, interval: number): number[] {
  if (!Number.isSafeInteger(interval) || interval < 1) throw new RangeError(`interval must be a whole number >= 1, got ${interval}`);
  const out: number[] = [];
  for (let e = interval; e < epochs; e += interval) out.push(e);
  out.push(epochs);
  return out;
}

export function createPbt(options: PbtOptions): SearchAlgorithm {
  const N = options.population;
  const q = options.quantile ?? 0.25;
  const ends = generationEnds(options.epochs, options.interval);
  const ledger = new Ledger();
  /** Per generation: members' trials (by member), results (undefined score = unusable), ended without one. */
  const generations = ends.map(() => ({ trials: new Map<number, number>(), results: new Map<number, number | undefined>(), dropped: new Set<number>(), decided: false }));
  const idOf = (g: number, m: number): number => g * N + m;
  let queue: TrialPlan[] = [];
  for (let m = 0; m < N; m++) {
    const plan: TrialPlan = { id: idOf(0, m), line: m, params: sampleConfiguration(options.space, options.seed, m).params, fromEpoch: 0, toEpoch: ends[0]!, generation: 0 };
    ledger.add(plan);
    generations[0]!.trials.set(m, plan.id);
    queue.push(plan);
  }

  const decide = (g: number): Verdict[] => {
    const gen = generations[g]!;
    if (gen.decided || gen.results.size + gen.dropped.size < gen.trials.size) return [];
    gen.decided = true;
    const out: Verdict[] = [];
    const usable = [...gen.results].flatMap(([m, score]) => (score === undefined ? [] : [{ id: m, score }])).sort(byScore);
    const unusable = [...gen.results].filter(([, s]) => s === undefined).map(([m]) => m).sort((a, b) => a - b);
    if (g === ends.length - 1) {
      for (const m of [...usable.map((u) => u.id), ...unusable]) out.push({ trial: gen.trials.get(m)!, action: 'end', status: 'completed' });
      return out;
    }
    // Members with no usable objective (diverged) rank last.
    const ranked = [...usable.map((u) => u.id), ...unusable];
    const n = ranked.length;
    const cut = n >= 2 ? Math.max(1, Math.floor(q * n)) : 0;
    const top = ranked.slice(0, Math.min(cut, usable.length));
    const bottom = new Set(top.length > 0 ? ranked.slice(n - cut) : []);
    const next = generations[g + 1]!;
    for (const m of ranked.slice().sort((a, b) => a - b)) {
      const trial = gen.trials.get(m)!;
      const own = ledger.get(trial).plan;
      let plan: TrialPlan;
      if (bottom.has(m)) {
        const rng = createRng(options.seed, `pbt/generation:${g}/member:${m}`);
        const donor = gen.trials.get(rng.pick(top))!;
        const from = ledger.get(donor).plan;
        plan = {
          id: idOf(g + 1, m),
          line: m,
          params: explore(options.space, from.params, rng, options.frozen ? { frozen: options.frozen } : {}),
          fromEpoch: ends[g]!,
          toEpoch: ends[g + 1]!,
          parent: donor,
          inherit: 'exploit',
          generation: g + 1,
        };
        out.push({ trial, action: 'end', status: 'stopped_early', stoppedBy: 'pbt' });
      } else {
        plan = { id: idOf(g + 1, m), line: m, params: own.params, fromEpoch: ends[g]!, toEpoch: ends[g + 1]!, parent: trial, inherit: 'continue', generation: g + 1 };
        out.push({ trial, action: 'end', status: 'promoted' });
      }
      ledger.add(plan);
      next.trials.set(m, plan.id);
      queue.push(plan);
    }
    if (next.trials.size === 0) out.push(...decide(g + 1));
    return out;
  };

  const generationOf = (trial: number): number => Math.floor(trial / N);
  return {
    suggest(): TrialPlan[] {
      const out = queue;
      queue = [];
      return out;
    },
    onEpoch(trial: number, epoch: number, metrics: Metrics): Verdict[] {
      const e = ledger.epoch(trial, epoch, metrics);
      if (epoch < e.plan.toEpoch) return [];
      const g = generationOf(trial);
      generations[g]!.results.set(e.plan.line, scoreOf(metrics, options.objective));
      return decide(g);
    },
    onEnded(trial: number): Verdict[] {
      const e = ledger.get(trial);
      e.ended = true;
      const g = generationOf(trial);
      if (generations[g]!.results.has(e.plan.line)) return [];
      generations[g]!.dropped.add(e.plan.line);
      return decide(g);
    },
    finished: () => queue.length === 0 && generations.every((g, i) => g.decided || (i > 0 && generations[i - 1]!.decided && g.trials.size === 0)),
  };
}
