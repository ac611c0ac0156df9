/**
 * What the driver knows about each trial of a train step: per-epoch metrics (training metrics averaged over
 * the epoch's units by examples, validation metrics from the unit that closed the epoch), early stopping,
 * its last checkpoint. Pure bookkeeping, fed by unit results live or from the events of an earlier run.
 */
import type { Metrics } from '../events/types.js';

export interface EarlyStopping {
  monitor: string;
  patience: number;
  minDelta: number;
  mode: 'min' | 'max';
}

export interface EpochRecord {
  epoch: number;
  metrics: Metrics;
  seconds: number;
}

export type TrialOutcome = 'running' | 'completed' | 'promoted' | 'stopped_early' | 'failed';

/** Where a trial sits in its search: what it continues, and its rung or generation. */
export interface TrialLineage {
  /** Model epochs before this trial (its parent's). */
  fromEpoch: number;
  parent?: number;
  inherit?: 'continue' | 'exploit';
  rung?: number;
  bracket?: number;
  generation?: number;
}

export interface TrialRecord {
  id: number;
  params: Record<string, unknown>;
  /** Model epochs at which this trial is done (may depend on its parameters). */
  epochsWanted: number;
  lineage: TrialLineage;
  /** What stopped it, when it stopped before its last epoch or was not taken further. */
  stoppedBy?: string;
  batchSize: number;
  seed: number;
  outcome: TrialOutcome;
  epochs: EpochRecord[];
  /** Relative to the run directory. */
  checkpoint: string | null;
  seconds: number;
  bytesMoved: number;
  error?: string;
  /** Units of the epoch in progress. */
  pending: { examples: number; sums: Record<string, number>; seconds: number };
  best: number | undefined;
  sinceBest: number;
}

export function newTrial(id: number, params: Record<string, unknown>, epochsWanted: number, batchSize: number, seed: number, lineage: TrialLineage = { fromEpoch: 0 }): TrialRecord {
  return {
    id,
    params,
    epochsWanted,
    lineage,
    batchSize,
    seed,
    outcome: 'running',
    epochs: [],
    checkpoint: null,
    seconds: 0,
    bytesMoved: 0,
    pending: { examples: 0, sums: {}, seconds: 0 },
    best: undefined,
    sinceBest: 0,
  };
}

export interface UnitOutcome {
  metrics: Metrics;
  validation?: Metrics;
  examples: number;
  seconds: number;
  checkpoint: string;
  bytesMoved: number;
}

/**
 * Adds a finished unit. When it closes an epoch, returns that epoch's record, and whether early stopping
 * now stops the trial.
 */
export function addUnit(trial: TrialRecord, unit: UnitOutcome, closesEpoch: boolean, stopping?: EarlyStopping): { epoch?: EpochRecord; stop: boolean } {
  trial.checkpoint = unit.checkpoint;
  trial.seconds += unit.seconds;
  trial.bytesMoved += unit.bytesMoved;
  const p = trial.pending;
  p.examples += unit.examples;
  p.seconds += unit.seconds;
  for (const [k, v] of Object.entries(unit.metrics)) p.sums[k] = (p.sums[k] ?? 0) + v * unit.examples;
  if (!closesEpoch) return { stop: false };

  const metrics: Metrics = {};
  for (const [k, v] of Object.entries(p.sums)) metrics[k] = p.examples > 0 ? v / p.examples : NaN;
  for (const [k, v] of Object.entries(unit.validation ?? {})) metrics[`val_${k}`] = v;
  const epoch: EpochRecord = { epoch: modelEpochs(trial) + 1, metrics, seconds: p.seconds };
  trial.epochs.push(epoch);
  trial.pending = { examples: 0, sums: {}, seconds: 0 };
  return { epoch, stop: stopping !== undefined && noLongerImproving(trial, metrics, stopping) };
}

function noLongerImproving(trial: TrialRecord, metrics: Metrics, rule: EarlyStopping): boolean {
  const value = metrics[rule.monitor];
  if (typeof value !== 'number' || Number.isNaN(value)) return false;
  const better = trial.best === undefined || (rule.mode === 'max' ? value > trial.best + rule.minDelta : value < trial.best - rule.minDelta);
  if (better) {
    trial.best = value;
    trial.sinceBest = 0;
    return false;
  }
  trial.sinceBest++;
  return trial.sinceBest >= rule.patience;
}

/** Epochs the trial's model has trained, its ancestors' included. */
export function modelEpochs(trial: TrialRecord): number {
  return trial.lineage.fromEpoch + trial.epochs.length;
}

/** Carries the early-stopping count over from the trial a new one continues. */
export function inheritStopping(trial: TrialRecord, from: TrialRecord): void {
  trial.best = from.best;
  trial.sinceBest = from.sinceBest;
}

/** The metrics a trial ends with: those of its last epoch. */
export function finalMetrics(trial: TrialRecord): Metrics {
  return trial.epochs.at(-1)?.metrics ?? {};
}

/** `early_stopping` from the step (already bound to the trial's values), with Keras's defaults: patience 0 stops at the first epoch that does not improve. */
export function earlyStoppingOf(config: unknown): EarlyStopping | undefined {
  if (typeof config !== 'object' || config === null) return undefined;
  const c = config as { monitor?: string; patience?: number; min_delta?: number; mode?: string };
  if (typeof c.monitor !== 'string') return undefined;
  const auto = /acc|auc|precision|recall|f1/.test(c.monitor) ? 'max' : 'min';
  const mode = c.mode === 'min' || c.mode === 'max' ? c.mode : auto;
  return { monitor: c.monitor, patience: Math.max(0, Number(c.patience ?? 0)), minDelta: Math.abs(Number(c.min_delta ?? 0)), mode };
}
