/**
 * A search's epoch and time budgets (`max_epochs_total`, `time`). Epochs are counted when they start, so
 * the budget is never overrun: once the epochs begun reach it, no trial starts another, and the epochs in
 * progress finish (a model is only ever left at the end of a whole epoch). Time counts the run's training
 * so far, an earlier run's included when resumed.
 */

export type BudgetName = 'max_epochs_total' | 'time';

export interface BudgetOptions {
  maxEpochsTotal?: number;
  /** Seconds. */
  time?: number;
  /** Seconds of training before this run (a resumed run's earlier part). */
  elapsedBefore?: number;
  now?: () => number;
}

export class SearchBudget {
  private epochs = 0;
  private readonly started: number;
  private readonly now: () => number;
  private reached: BudgetName | undefined;

  constructor(private readonly options: BudgetOptions) {
    this.now = options.now ?? (() => performance.now() / 1000);
    this.started = this.now() - (options.elapsedBefore ?? 0);
  }

  /** An epoch begins (or had begun, in the run being resumed). */
  startEpoch(): void {
    this.epochs++;
  }

  get epochsStarted(): number {
    return this.epochs;
  }

  /** The budget that is used up, if any; the first one found stays the answer. */
  exhausted(): BudgetName | undefined {
    if (this.reached) return this.reached;
    if (this.options.maxEpochsTotal !== undefined && this.epochs >= this.options.maxEpochsTotal) this.reached = 'max_epochs_total';
    else if (this.options.time !== undefined && this.now() - this.started >= this.options.time) this.reached = 'time';
    return this.reached;
  }
}

/** `30m`, `90s`, `2h`, `1.5d` in seconds (the schema has checked the form). */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$/.exec(text);
  if (!m) throw new RangeError(`not a duration: ${JSON.stringify(text)} (use e.g. 90s, 30m, 2h)`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
