/**
 * Hyperband's brackets (Li, Jamieson, DeSalvo, Rostamizadeh, Talwalkar: "Hyperband: A Novel Bandit-Based
 * Approach to Hyperparameter Optimization", JMLR 2018, Algorithm 1): with R the most epochs a configuration
 * may train and η the reduction factor, s_max = ⌊log_η R⌋ and bracket s (s_max down to 0) starts
 * n = ⌈(s_max+1)/(s+1) · η^s⌉ configurations at r = R·η^(−s) epochs; in its round i, the best
 * n_i = ⌊n·η^(−i)⌋ train to r_i = r·η^i epochs.
 */

export interface Rung {
  /** Configurations that train in this round. */
  n: number;
  /** Epochs each has trained at the end of the round. */
  r: number;
}

export interface Bracket {
  s: number;
  rungs: Rung[];
}

/** The largest s with η^s ≤ R, in integers (floating-point logarithms misjudge exact powers). */
export function maxBracket(maxEpochs: number, eta: number): number {
  let s = 0;
  let power = eta;
  while (power <= maxEpochs) {
    s++;
    power *= eta;
  }
  return s;
}

/**
 * Every bracket, s_max first. Epochs are whole numbers: r_i is rounded (at least 1, and more than the round
 * before), and the last round always trains R.
 */
export function hyperbandBrackets(maxEpochs: number, eta: number): Bracket[] {
  if (!Number.isSafeInteger(maxEpochs) || maxEpochs < 1) throw new RangeError(`max_epochs must be a whole number >= 1, got ${maxEpochs}`);
  if (!Number.isSafeInteger(eta) || eta < 2) throw new RangeError(`eta must be a whole number >= 2, got ${eta}`);
  const sMax = maxBracket(maxEpochs, eta);
  const brackets: Bracket[] = [];
  for (let s = sMax; s >= 0; s--) {
    const n = Math.ceil(((sMax + 1) / (s + 1)) * eta ** s - 1e-9);
    const rungs: Rung[] = [];
    for (let i = 0; i <= s; i++) {
      const ni = Math.floor(n / eta ** i + 1e-9);
      const exact = maxEpochs * eta ** (i - s);
      const previous = rungs.at(-1)?.r ?? 0;
      const r = i === s ? maxEpochs : Math.max(previous + 1, Math.round(exact));
      rungs.push({ n: ni, r });
    }
    brackets.push({ s, rungs });
  }
  return brackets;
}
