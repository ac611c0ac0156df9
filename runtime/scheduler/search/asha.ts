/**
 * Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter Tuning",
 * MLSys 2020). Rungs at grace_period·η^k epochs, up to max_epochs. A configuration that reaches a rung is
 * promoted as soon as the rung allows it: when its result ranks in the top 1/η of the results the rung has
 * recorded so far (and the rung's first result always does); otherwise it stops there. No round waits for
 * the slowest of a cohort.
 *
 * "So far" is counted in configuration order, not arrival order: configuration c is judged at rung k once
 * every configuration before it has a result at rung k or can no longer get one. Configurations start in
 * that order, so the wait is short, and every run promotes the same ones. A promotion is a new trial, id
 * k·N + c for N configurations, that continues the model.
 */
import type { SpaceEntry } from '../../../compiler/spec/types.js';
import type { Metrics } from '../../events/types.js';
import { sampleConfiguration } from '../search-space.js';
import { Ledger } from './ledger.js';
import { byScore, scoreOf, type Objective, type SearchAlgorithm, type TrialPlan, type Verdict } from './types.js';

export interface AshaOptions {
  space: Record<string, SpaceEntry>;
  seed: number;
  objective: Objective;
  /** Configurations in all. */
  trials: number;
  maxEpochs: number;
  gracePeriod: number;
  reductionFactor: number;
}

/** Epochs at each rung: grace·η^k below max_epochs, then max_epochs. */
export function ashaRungs(maxEpochs: number, gracePeriod: number, eta: number): number[] {
  if (!Number.isSafeInteger(eta) || eta < 2) throw new RangeError(`reduction_factor must be a whole number >= 2, got ${eta}`);
  const out: number[] = [];
  for (let r = Math.max(1, gracePeriod); r < maxEpochs; r *= eta) out.push(r);
  out.push(maxEpochs);
  return out;
}

/**
 * The promotion rule on its own: a result ranked `rank` (1 = best) among `recorded` results of a rung is
 * promoted when rank ≤ max(1, ⌊recorded/η⌋).
 */
export function promotes(rank: number, recorded: number, eta: number): boolean {
  return rank <= Math.max(1, Math.floor(recorded / eta));
}

type Standing = 'pending' | 'result' | 'promoted' | 'stopped' | 'gone';

export function createAsha(options: AshaOptions): SearchAlgorithm {
  const N = options.trials;
  const rungs = ashaRungs(options.maxEpochs, options.gracePeriod, options.reductionFactor);
  const top = rungs.length - 1;
  const ledger = new Ledger();
  /** standing[k][c]: where configuration c is at rung k. */
  const standing: Standing[][] = rungs.map(() => new Array<Standing>(N).fill('pending'));
  const scores: (number | undefined)[][] = rungs.map(() => new Array<number | undefined>(N).fill(undefined));
  /** Per rung, the first configuration not yet judged there. */
  const cursor = rungs.map(() => 0);
  /** Per rung, the scores judged so far (configuration order), for ranking. */
  const recorded: { id: number; score: number }[][] = rungs.map(() => []);
  const idOf = (k: number, c: number): number => k * N + c;
  let queue: TrialPlan[] = [];
  for (let c = 0; c < N; c++) {
    const plan: TrialPlan = { id: idOf(0, c), line: c, params: sampleConfiguration(options.space, options.seed, c).params, fromEpoch: 0, toEpoch: rungs[0]!, rung: 0 };
    ledger.add(plan);
    queue.push(plan);
  }
  const rungOf = (trial: number): number => Math.floor(trial / N);
  const configOf = (trial: number): number => trial % N;

  /** Once configuration c leaves the race below rung k, it can no longer reach any rung above. */
  const leave = (c: number, from: number): void => {
    for (let k = from; k <= top; k++) if (standing[k]![c] === 'pending') standing[k]![c] = 'gone';
  };

  const judgeAll = (): Verdict[] => {
    const out: Verdict[] = [];
    let moved = true;
    while (moved) {
      moved = false;
      for (let k = 0; k <= top; k++) {
        while (cursor[k]! < N) {
          const c = cursor[k]!;
          const s = standing[k]![c]!;
          if (s === 'pending') break;
          cursor[k]!++;
          moved = true;
          if (s !== 'result') continue;
          const trial = idOf(k, c);
          const score = scores[k]![c];
          if (k === top) {
            standing[k]![c] = 'stopped';
            out.push({ trial, action: 'end', status: 'completed' });
            continue;
          }
          if (score === undefined) {
            standing[k]![c] = 'stopped';
            leave(c, k + 1);
            out.push({ trial, action: 'end', status: 'stopped_early', stoppedBy: 'successive_halving' });
            continue;
          }
          recorded[k]!.push({ id: c, score });
          const rank = recorded[k]!.slice().sort(byScore).findIndex((r) => r.id === c) + 1;
          if (!promotes(rank, recorded[k]!.length, options.reductionFactor)) {
            standing[k]![c] = 'stopped';
            leave(c, k + 1);
            out.push({ trial, action: 'end', status: 'stopped_early', stoppedBy: 'successive_halving' });
            continue;
          }
          standing[k]![c] = 'promoted';
          const parent = ledger.get(trial).plan;
          const plan: TrialPlan = {
            id: idOf(k + 1, c),
            line: c,
            params: parent.params,
            fromEpoch: parent.toEpoch,
            toEpoch: rungs[k + 1]!,
            parent: trial,
            inherit: 'continue',
            rung: k + 1,
          };
          ledger.add(plan);
          queue.push(plan);
          out.push({ trial, action: 'end', status: 'promoted' });
        }
      }
    }
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
      const k = rungOf(trial);
      const c = configOf(trial);
      standing[k]![c] = 'result';
      scores[k]![c] = scoreOf(metrics, options.objective);
      return judgeAll();
    },
    onEnded(trial: number): Verdict[] {
      ledger.get(trial).ended = true;
      const k = rungOf(trial);
      const c = configOf(trial);
      if (standing[k]![c] !== 'pending') return [];
      leave(c, k);
      return judgeAll();
    },
    finished: () => queue.length === 0 && cursor.every((c) => c === N),
  };
}
