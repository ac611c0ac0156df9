/**
 * Hyperband: every bracket of brackets.ts runs synchronous successive halving. A rung is decided once all its
 * trials have ended their stretch (or failed, or were stopped); the best n_(i+1) are promoted, each as a new
 * trial that continues the model from its checkpoint, and the rest stop. Rankings break ties by the lower
 * line, so a decision never depends on which result came in first.
 *
 * Trial ids are fixed in advance: rung-major (every bracket's first rung, then every bracket's second, ...),
 * within a rung bracket by bracket, and within a bracket's rung in rank order of the promotion. Every
 * bracket's configurations are suggested at once; the driver trains them as capacity allows.
 */
import type { SpaceEntry } from '../../../compiler/spec/types.js';
import type { Metrics } from '../../events/types.js';
import { sampleConfiguration } from '../search-space.js';
import { hyperbandBrackets, type Bracket } from './brackets.js';
import { Ledger } from './ledger.js';
import { byScore, scoreOf, type Objective, type SearchAlgorithm, type TrialPlan, type Verdict } from './types.js';

export interface HyperbandOptions {
  space: Record<string, SpaceEntry>;
  seed: number;
  objective: Objective;
  maxEpochs: number;
  eta: number;
  /** At most this many configurations in all (brackets are filled in order, s_max first). */
  maxTrials?: number;
}

interface RungState {
  bracket: number;
  rung: number;
  /** Trials of this round; filled when the round before it is decided. */
  members: number[];
  /** Trials that reached the rung's epochs, with their scores (undefined: no usable objective). */
  results: Map<number, number | undefined>;
  /** Trials that ended before the rung's epochs (failed, stopped). */
  dropped: Set<number>;
  decided: boolean;
  /** First id of this round's block. */
  firstId: number;
}

export function createHyperband(options: HyperbandOptions): SearchAlgorithm {
  const brackets: Bracket[] = hyperbandBrackets(options.maxEpochs, options.eta);
  const ledger = new Ledger();
  // Configurations per bracket after max_trials; a cut bracket keeps its rounds' proportions.
  let left = options.maxTrials ?? Infinity;
  const starts = brackets.map((b) => {
    const n = Math.min(b.rungs[0]!.n, Math.max(0, left));
    left -= n;
    return n;
  });
  const keepOf = (b: number, i: number): number => {
    const rungs = brackets[b]!.rungs;
    if (i + 1 >= rungs.length) return 0;
    return starts[b] === rungs[0]!.n ? rungs[i + 1]!.n : Math.max(1, Math.floor((starts[b]! * rungs[i + 1]!.n) / rungs[0]!.n));
  };
  const rungs = new Map<string, RungState>();
  const key = (b: number, i: number): string => `${b}/${i}`;
  let nextBlock = 0;
  const depth = Math.max(...brackets.map((b) => b.rungs.length));
  for (let i = 0; i < depth; i++) {
    brackets.forEach((br, b) => {
      if (i >= br.rungs.length || starts[b] === 0) return;
      const size = i === 0 ? starts[b]! : keepOf(b, i - 1);
      rungs.set(key(b, i), { bracket: b, rung: i, members: [], results: new Map(), dropped: new Set(), decided: false, firstId: nextBlock });
      nextBlock += size;
    });
  }
  const where = new Map<number, RungState>();
  let queue: TrialPlan[] = [];
  let line = 0;
  brackets.forEach((br, b) => {
    const state = rungs.get(key(b, 0));
    if (!state) return;
    for (let k = 0; k < starts[b]!; k++) {
      const id = state.firstId + k;
      const config = sampleConfiguration(options.space, options.seed, line);
      const plan: TrialPlan = { id, line, params: config.params, fromEpoch: 0, toEpoch: br.rungs[0]!.r, rung: 0, bracket: br.s };
      line++;
      ledger.add(plan);
      state.members.push(id);
      where.set(id, state);
      queue.push(plan);
    }
  });

  const decide = (state: RungState): Verdict[] => {
    if (state.decided || state.results.size + state.dropped.size < state.members.length) return [];
    state.decided = true;
    const br = brackets[state.bracket]!;
    const ranked = [...state.results].flatMap(([id, score]) => (score === undefined ? [] : [{ id: ledger.get(id).plan.line, trial: id, score }])).sort(byScore);
    const unusable = [...state.results].filter(([, score]) => score === undefined).map(([id]) => id);
    const out: Verdict[] = [];
    const last = state.rung + 1 >= br.rungs.length;
    if (last) {
      for (const { trial } of ranked) out.push({ trial, action: 'end', status: 'completed' });
      for (const trial of unusable) out.push({ trial, action: 'end', status: 'completed' });
      return out;
    }
    const next = rungs.get(key(state.bracket, state.rung + 1))!;
    const keep = Math.min(keepOf(state.bracket, state.rung), ranked.length);
    ranked.forEach(({ trial }, rank) => {
      if (rank >= keep) {
        out.push({ trial, action: 'end', status: 'stopped_early', stoppedBy: 'successive_halving' });
        return;
      }
      const parent = ledger.get(trial).plan;
      const plan: TrialPlan = {
        id: next.firstId + rank,
        line: parent.line,
        params: parent.params,
        fromEpoch: parent.toEpoch,
        toEpoch: br.rungs[state.rung + 1]!.r,
        parent: trial,
        inherit: 'continue',
        rung: state.rung + 1,
        bracket: br.s,
      };
      ledger.add(plan);
      next.members.push(plan.id);
      where.set(plan.id, next);
      queue.push(plan);
      out.push({ trial, action: 'end', status: 'promoted' });
    });
    for (const trial of unusable) out.push({ trial, action: 'end', status: 'stopped_early', stoppedBy: 'successive_halving' });
    // A round left with nobody (every trial failed) decides at once, and so may the ones after it.
    if (next.members.length === 0) out.push(...decide(next));
    return out;
  };

  return {
    suggest(): TrialPlan[] {
      const out = queue;
      queue = [];
      return out;
    },
    onEpoch(trial: number, epoch: number, metrics: Metrics): Verdict[] {
      const e = ledger.epoch(trial, epoch, metrics);
      if (epoch < e.plan.toEpoch) return [];
      const state = where.get(trial)!;
      state.results.set(trial, scoreOf(metrics, options.objective));
      return decide(state);
    },
    onEnded(trial: number): Verdict[] {
      const e = ledger.get(trial);
      e.ended = true;
      const state = where.get(trial)!;
      if (state.results.has(trial)) return [];
      state.dropped.add(trial);
      return decide(state);
    },
    finished: () => queue.length === 0 && [...rungs.values()].every((r) => r.decided || (r.members.length === 0 && isUnreachable(r))),
  };

  function isUnreachable(r: RungState): boolean {
    // A later round whose earlier round is decided and promoted nobody will never have members.
    if (r.rung === 0) return true;
    return rungs.get(key(r.bracket, r.rung - 1))!.decided;
  }
}
