/**
 * One epoch of a trial trained by a whole group, whichever way its members combine their work, followed by
 * what every variant needs after it: the moving statistics averaged, the training metrics over all members'
 * examples, and the held-out metrics with each member scoring its share of the validation data.
 */
import type { ExampleArrays } from '../training/batches.js';
import type { PassMetrics } from '../training/train-unit.js';
import { allReducePass } from './allreduce-pass.js';
import { averageNonTrainable, averagingPass, DEFAULT_ROUNDS } from './averaging-pass.js';
import type { GroupPassInput, GroupPassOutcome, StalenessRecord } from './group-pass.js';
import { combinePass, evaluationStats, statWidths } from './pass-stats.js';
import { parameterServerPass } from './ps-pass.js';

export type DataSync = 'allreduce' | 'average' | 'parameter_server' | 'async' | 'ssp';

export interface GroupEpochOptions extends GroupPassInput {
  sync: DataSync;
  /** `ssp`: how many steps a member may run ahead of the slowest. */
  staleness?: number;
  /** `average`: sub-epochs, each ending with the replicas averaged. */
  rounds?: number;
  /** This member's share of the held-out data; every member or none has one. */
  validation?: readonly ExampleArrays[];
}

export interface GroupEpochResult {
  metrics: PassMetrics;
  validation?: PassMetrics;
  /** Examples the whole group trained on. */
  examples: number;
  /** Optimizer steps this member took part in. */
  steps: number;
  staleness?: StalenessRecord;
}

export async function trainGroupEpoch(o: GroupEpochOptions): Promise<GroupEpochResult> {
  const { tf, trainer, mesh } = o;
  let outcome: GroupPassOutcome;
  if (o.sync === 'allreduce') outcome = await allReducePass(o);
  else if (o.sync === 'average') outcome = await averagingPass({ ...o, rounds: o.rounds ?? DEFAULT_ROUNDS });
  else {
    const mode = o.sync === 'parameter_server' ? 'sync' : o.sync;
    outcome = await parameterServerPass({ ...o, mode, staleness: o.sync === 'ssp' ? (o.staleness ?? 0) : null });
  }
  await averageNonTrainable(tf, trainer, mesh);
  const widths = statWidths(tf, trainer);
  const train = await combinePass(mesh, trainer, widths, outcome.stats);
  let validation: PassMetrics | undefined;
  if (o.validation) validation = (await combinePass(mesh, trainer, widths, await evaluationStats(tf, trainer, widths, o.validation))).metrics;
  return {
    metrics: train.metrics,
    ...(validation ? { validation } : {}),
    examples: train.examples,
    steps: outcome.steps,
    ...(outcome.staleness ? { staleness: outcome.staleness } : {}),
  };
}
