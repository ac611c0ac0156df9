/**
 * What a search remembers of its trials: each plan, the metrics of every epoch it trained, whether it has
 * ended. A trial's history includes its ancestors' epochs up to where it took over, so rules that compare
 * models epoch by epoch (median stopping) see whole models, not just their last stretch.
 */
import type { Metrics } from '../../events/types.js';
import type { EndStatus, TrialPlan } from './types.js';

export interface LedgerEntry {
  plan: TrialPlan;
  /** Metrics of this trial's own epochs, model epoch fromEpoch+1 first. */
  own: Metrics[];
  ended: boolean;
  /** How it ended, when the search said (a trial ended from outside has none). */
  status?: EndStatus;
}

export class Ledger {
  private readonly entries = new Map<number, LedgerEntry>();

  add(plan: TrialPlan): LedgerEntry {
    if (this.entries.has(plan.id)) throw new RangeError(`trial ${plan.id} is planned twice`);
    const entry: LedgerEntry = { plan, own: [], ended: false };
    this.entries.set(plan.id, entry);
    return entry;
  }

  get(trial: number): LedgerEntry {
    const e = this.entries.get(trial);
    if (!e) throw new RangeError(`the search has no trial ${trial}`);
    return e;
  }

  has(trial: number): boolean {
    return this.entries.has(trial);
  }

  /** Records model epoch `epoch` (from 1); epochs must come in order. */
  epoch(trial: number, epoch: number, metrics: Metrics): LedgerEntry {
    const e = this.get(trial);
    const expected = e.plan.fromEpoch + e.own.length + 1;
    if (epoch !== expected) throw new RangeError(`trial ${trial} reports epoch ${epoch}, expected ${expected}`);
    e.own.push(metrics);
    return e;
  }

  /** Model epochs done. */
  epochsOf(trial: number): number {
    const e = this.get(trial);
    return e.plan.fromEpoch + e.own.length;
  }

  /** Metrics of model epoch `epoch` (from 1), through the ancestors; undefined when not trained (yet). */
  metricsAt(trial: number, epoch: number): Metrics | undefined {
    let e: LedgerEntry | undefined = this.get(trial);
    while (e) {
      if (epoch > e.plan.fromEpoch) return e.own[epoch - e.plan.fromEpoch - 1];
      e = e.plan.parent === undefined ? undefined : this.entries.get(e.plan.parent);
    }
    return undefined;
  }

  /** The last epoch's metrics (own, else the parent's last). */
  last(trial: number): Metrics | undefined {
    const n = this.epochsOf(trial);
    return n > 0 ? this.metricsAt(trial, n) : undefined;
  }

  all(): LedgerEntry[] {
    return [...this.entries.values()];
  }
}
