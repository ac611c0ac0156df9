/**
 * The machine side of every decision: constants (calibrated or default), workers and the memory each
 * may use, with where each came from.
 */
import { CONSTANT_NAMES, defaultMachineProfile, type MachineProfile } from '../../cost/constants.js';
import type { AnalysisContext } from '../4-analyze/index.js';
import type { DecisionInput, PlanResources } from './plan-types.js';
import type { Sized } from './statistics.js';

/** Memory per worker when neither the spec nor the machine says. */
export const DEFAULT_MEMORY_PER_WORKER = 4 * 2 ** 30;

export interface PlanMachine {
  profile: MachineProfile;
  workers: Sized;
  memoryPerWorker: Sized;
  /** What one worker's training backend may hold: memoryPerWorker, or less when the backend caps it. */
  deviceMemory: Sized;
}

export function planMachine(ctx: AnalysisContext, resources: PlanResources): PlanMachine {
  const profile = ctx.host.machine?.() ?? defaultMachineProfile();
  const workers: Sized = {
    value: resources.workers,
    from: resources.workers_from === 'flag' ? 'flag' : resources.workers_from === 'spec' ? 'declared' : 'machine',
    ...(resources.workers_from === 'auto' ? { note: 'one per core' } : {}),
  };
  let memoryPerWorker: Sized;
  if (resources.memory_per_worker_bytes !== undefined) memoryPerWorker = { value: resources.memory_per_worker_bytes, from: 'declared' };
  else if (profile.memory_bytes !== undefined && !resources.cluster) {
    memoryPerWorker = { value: Math.floor(profile.memory_bytes / Math.max(1, resources.workers)), from: 'machine', note: `the machine's memory over ${resources.workers} worker${resources.workers === 1 ? '' : 's'}` };
  } else memoryPerWorker = { value: DEFAULT_MEMORY_PER_WORKER, from: 'default' };
  const limit = profile.device_limit;
  const deviceMemory: Sized = limit && limit.bytes < memoryPerWorker.value ? { value: limit.bytes, from: 'machine', note: limit.note } : memoryPerWorker;
  return { profile, workers, memoryPerWorker, deviceMemory };
}

export function sizedInput(s: Sized | null, unit?: string): DecisionInput {
  if (!s) return { value: null, ...(unit ? { unit } : {}), from: 'unknown' };
  return { value: s.value, ...(unit ? { unit } : {}), from: s.from, ...(s.note ? { note: s.note } : {}) };
}

/** The constants a decision used, each with its origin. */
export function constantInputs(m: PlanMachine, names: readonly (typeof CONSTANT_NAMES)[number][]): Record<string, DecisionInput> {
  const out: Record<string, DecisionInput> = {};
  for (const n of names) {
    const unit = n.endsWith('_per_s') ? (n === 'train_flops_per_s' ? 'flop/s' : 'B/s') : n.endsWith('_s') ? 's' : 'B';
    out[n] = { value: m.profile.constants[n], unit, from: m.profile.from[n], ...(m.profile.from[n] === 'calibration' && m.profile.calibrated_at ? { note: `dlc calibrate, ${m.profile.calibrated_at}` } : {}) };
  }
  return out;
}
