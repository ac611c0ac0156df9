import type { TrainStep } from '../../../spec/types.js';

/**
 * The metrics a train step reports: its loss and each listed metric, and their `val_` twins when it
 * has validation data. Objectives and early stopping may only name these.
 */
export function computedMetrics(step: TrainStep): string[] {
  const base = ['loss', ...(step.metrics ?? []).filter((m): m is string => typeof m === 'string' && !m.includes('${'))];
  return step.data.validation !== undefined ? [...base, ...base.map((m) => `val_${m}`)] : base;
}
