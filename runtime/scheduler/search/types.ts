/**
 * The interface every search algorithm implements, and what it says back to the driver.
 *
 * A trial is one stretch of training with fixed hyperparameters, from a starting checkpoint to the point
 * where the search decides what comes next. Promotion (hyperband, ASHA) and exploitation (PBT) end a trial
 * and start a new one from its checkpoint (or a better one's), linked by `parent`; so every trial id ends
 * once, and a model's history is the chain of its trials.
 *
 * Algorithms are pure and do no I/O. Every decision depends only on the seed and on the results of a set of
 * trials fixed in advance (never on which result happened to arrive first), so a run's decisions are the same
 * whatever the timing, the worker count, or a crash and `--resume`: where a decision needs results that are
 * not in yet, the algorithm holds the trial or leaves it waiting, and decides when they are.
 */
import type { Metrics } from '../../events/types.js';

/** A trial the search wants trained. */
export interface TrialPlan {
  id: number;
  /**
   * The model line the trial belongs to: the configuration it continues (hyperband, ASHA), or the population
   * member (PBT). Fresh trials number their lines in the order they are created.
   */
  line: number;
  params: Record<string, unknown>;
  /** Model epochs before this trial: 0 for a fresh model, the parent's epochs for a continuation. */
  fromEpoch: number;
  /** Model epochs at which the trial ends and the search decides. */
  toEpoch: number;
  /** The trial whose last checkpoint this one starts from. */
  parent?: number;
  /**
   * How it starts from the parent: `continue` (the same model trains on), `exploit` (another trial's weights
   * and optimizer state are copied in, PBT).
   */
  inherit?: 'continue' | 'exploit';
  /** Hyperband and ASHA: the rung this trial trains up to (0 = the first). */
  rung?: number;
  /** Hyperband: the bracket, s_max down to 0. */
  bracket?: number;
  /** PBT: the generation (0 for the first population). */
  generation?: number;
}

/** Why a trial stopped before the end of its planned epochs or was not taken further. */
export type StopReason =
  | 'early_stopping'
  | 'median_stop'
  | 'successive_halving'
  | 'pbt'
  | 'max_epochs_total'
  | 'time';

export type EndStatus = 'completed' | 'promoted' | 'stopped_early';

/** What the search says about one trial. */
export type Verdict =
  /** Wait: no units until a later `resume` or `end`. */
  | { trial: number; action: 'hold' }
  | { trial: number; action: 'resume' }
  /** The trial is over, now or (when it was still training) after the epoch just reported. */
  | { trial: number; action: 'end'; status: EndStatus; stoppedBy?: StopReason };

export interface SearchAlgorithm {
  /**
   * New trials the search can start now, in the order to start them. Ids and parameters are fixed by the
   * seed and the results the search has seen, not by when it is asked.
   */
  suggest(): TrialPlan[];
  /**
   * A trial finished an epoch (model epoch `epoch`, from 1). Returns the verdicts now due, for this trial or
   * for others that were waiting on it. A trial at its `toEpoch` that gets no `end` is waiting.
   */
  onEpoch(trial: number, epoch: number, metrics: Metrics): Verdict[];
  /** The trial ended outside the search: it failed, early stopping stopped it, or a budget did. */
  onEnded(trial: number): Verdict[];
  /** Nothing is left to suggest or decide (every trial has its end). */
  finished(): boolean;
}

/** How a search reads the objective: the metric, and the sign that makes larger better. */
export interface Objective {
  metric: string;
  mode: 'max' | 'min';
}

/** The objective's value as a score where larger is better; undefined when missing or not finite. */
export function scoreOf(metrics: Metrics | undefined, objective: Objective): number | undefined {
  const v = metrics?.[objective.metric];
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  return objective.mode === 'max' ? v : -v;
}

/** Best first; equal scores go to the lower id, so rankings never depend on arrival order. */
export function byScore<T extends { id: number; score: number }>(a: T, b: T): number {
  return b.score - a.score || a.id - b.id;
}
