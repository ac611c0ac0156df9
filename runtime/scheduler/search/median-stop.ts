/**
 * The median stopping rule (Golovin et al., Google Vizier, 2017) around any search: after `grace_period`
 * epochs, a trial stops when its best objective so far is worse than the median, over the other trials, of
 * their running averages of the objective up to the same epoch; with fewer than `min_trials` others to
 * compare with, it goes on.
 *
 * "The other trials" are the model lines (configurations, population members) numbered below this trial's
 * line that have reached that epoch; a lower line still training towards it, or waiting for its search to
 * promote it, is waited for (the trial is held), and one that ended before it is left out. So the set compared
 * with is fixed by the numbering, not by which trials happened to be ahead, and every run decides alike.
 */
import type { Metrics } from '../../events/types.js';
import { Ledger, type LedgerEntry } from './ledger.js';
import { scoreOf, type Objective, type SearchAlgorithm, type TrialPlan, type Verdict } from './types.js';

export interface MedianStopOptions {
  objective: Objective;
  /** Epochs a model trains before the rule applies to it. Default 1. */
  gracePeriod?: number;
  /** Fewest other trials to compare with. Default 3. */
  minTrials?: number;
}

export function withMedianStop(inner: SearchAlgorithm, options: MedianStopOptions): SearchAlgorithm {
  const grace = options.gracePeriod ?? 1;
  const minTrials = options.minTrials ?? 3;
  const ledger = new Ledger();
  /** Trials waiting for a verdict on the epoch they last reported, ids ascending. */
  const pending = new Map<number, { epoch: number; held: boolean }>();

  const score = (m: Metrics | undefined): number | undefined => scoreOf(m, options.objective);

  /** 'stop', 'go', or undefined while a lower line may still reach the epoch. */
  const judge = (trial: number, epoch: number): 'stop' | 'go' | undefined => {
    const line = ledger.get(trial).plan.line;
    const lines = new Map<number, LedgerEntry[]>();
    for (const e of ledger.all()) if (e.plan.line < line) lines.set(e.plan.line, [...(lines.get(e.plan.line) ?? []), e]);
    const averages: number[] = [];
    for (const trials of lines.values()) {
      const there = trials.findLast((e) => ledger.epochsOf(e.plan.id) >= epoch);
      if (!there) {
        // A line goes on while its newest trial trains, waits for its search, or was promoted.
        const newest = trials.at(-1)!;
        if (!newest.ended || newest.status === 'promoted') return undefined;
        continue;
      }
      let sum = 0;
      let n = 0;
      for (let e = 1; e <= epoch; e++) {
        const s = score(ledger.metricsAt(there.plan.id, e));
        if (s !== undefined) {
          sum += s;
          n++;
        }
      }
      if (n > 0) averages.push(sum / n);
    }
    if (averages.length < minTrials) return 'go';
    averages.sort((a, b) => a - b);
    const mid = averages.length / 2;
    const median = averages.length % 2 === 1 ? averages[Math.floor(mid)]! : (averages[mid - 1]! + averages[mid]!) / 2;
    let best = -Infinity;
    for (let e = 1; e <= epoch; e++) best = Math.max(best, score(ledger.metricsAt(trial, e)) ?? -Infinity);
    return best < median ? 'stop' : 'go';
  };

  const endedBy = (verdicts: Verdict[]): void => {
    for (const v of verdicts) {
      if (v.action !== 'end' || !ledger.has(v.trial)) continue;
      const e = ledger.get(v.trial);
      e.ended = true;
      e.status = v.status;
    }
  };

  /** Decides every waiting trial that can be decided now, lowest id first, until nothing changes. */
  const settle = (): Verdict[] => {
    const out: Verdict[] = [];
    let changed = true;
    while (changed) {
      changed = false;
      for (const trial of [...pending.keys()].sort((a, b) => a - b)) {
        const p = pending.get(trial)!;
        const verdict = judge(trial, p.epoch);
        if (verdict === undefined) {
          if (!p.held) {
            p.held = true;
            out.push({ trial, action: 'hold' });
          }
          continue;
        }
        pending.delete(trial);
        changed = true;
        if (verdict === 'go') {
          if (p.held) out.push({ trial, action: 'resume' });
          continue;
        }
        const entry = ledger.get(trial);
        entry.ended = true;
        entry.status = 'stopped_early';
        out.push({ trial, action: 'end', status: 'stopped_early', stoppedBy: 'median_stop' });
        const more = inner.onEnded(trial);
        endedBy(more);
        out.push(...more);
      }
    }
    return out;
  };

  return {
    suggest(): TrialPlan[] {
      const plans = inner.suggest();
      for (const p of plans) ledger.add(p);
      return plans;
    },
    onEpoch(trial: number, epoch: number, metrics: Metrics): Verdict[] {
      ledger.epoch(trial, epoch, metrics);
      const verdicts = inner.onEpoch(trial, epoch, metrics);
      endedBy(verdicts);
      const entry = ledger.get(trial);
      // The rule judges epochs in the middle of a trial; at its end the search itself decides.
      if (!entry.ended && epoch < entry.plan.toEpoch && epoch > grace) pending.set(trial, { epoch, held: false });
      return [...verdicts, ...settle()];
    },
    onEnded(trial: number): Verdict[] {
      ledger.get(trial).ended = true;
      pending.delete(trial);
      const verdicts = inner.onEnded(trial);
      endedBy(verdicts);
      return [...verdicts, ...settle()];
    },
    finished: () => pending.size === 0 && inner.finished(),
  };
}
