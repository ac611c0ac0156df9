/** Trials ranked by the search's objective: the value a finished trial reported, else its latest epoch's. */
import type { Metrics } from '../../events/types.js';
import type { Objective } from './plan-outline.js';
import type { RunState, TrialView } from './run-state.js';

export interface RankedTrial {
  trial: TrialView;
  /** The objective now (null while the trial has no finished epoch). */
  value: number | null;
  /** The latest finished epoch's metrics. */
  latest: Metrics;
  best: boolean;
}

export function objectiveOf(state: RunState, node: string): Objective {
  return state.objectives[node] ?? { metric: 'val_loss', mode: 'min' };
}

export function currentValue(trial: TrialView, metric: string): number | null {
  if (trial.objective !== undefined && trial.objective !== null) return trial.objective;
  const last = trial.epochs.at(-1);
  const v = last?.[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function rankTrials(state: RunState, node: string): RankedTrial[] {
  const { metric, mode } = objectiveOf(state, node);
  const rows = state.trials
    .filter((t) => t.node === node)
    .map((trial) => ({ trial, value: trial.status === 'failed' ? null : currentValue(trial, metric), latest: trial.epochs.at(-1) ?? {}, best: false }));
  rows.sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === b.value ? a.trial.trial - b.trial.trial : a.value === null ? 1 : -1;
    return (mode === 'max' ? b.value - a.value : a.value - b.value) || a.trial.trial - b.trial.trial;
  });
  const first = rows[0];
  if (first && first.value !== null) first.best = true;
  return rows;
}

/** The train step a view should show: the one training now, else the last that has trials. */
export function focusTrainNode(state: RunState): string | undefined {
  const running = state.nodes.find((n) => n.op === 'train' && n.status === 'running');
  if (running) return running.id;
  const withTrials = state.trials.at(-1)?.node;
  return withTrials ?? state.nodes.find((n) => n.op === 'train')?.id;
}

/** Metric names seen in a node's epochs, the objective first, then training and validation pairs. */
export function metricNames(state: RunState, node: string): string[] {
  const names = new Set<string>();
  for (const t of state.trials) if (t.node === node) for (const m of t.epochs) for (const k of Object.keys(m ?? {})) names.add(k);
  const { metric } = objectiveOf(state, node);
  const rest = [...names].filter((n) => n !== metric).sort((a, b) => a.replace(/^val_/, '').localeCompare(b.replace(/^val_/, '')) || (a.startsWith('val_') ? 1 : -1));
  return names.has(metric) || names.size === 0 ? [metric, ...rest] : rest;
}
