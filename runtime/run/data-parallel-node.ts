/**
 * Data parallelism as a group strategy: every worker alive trains the trial, each on a shard of the
 * training data (the step's partitions dealt round the workers), combining its work with the others as
 * `sync` says (runtime/parallel). The strategy for few configurations on many workers, such as the
 * survivors of a search that stops most trials early.
 */
import { filesOf } from '../parallel/shards.js';
import { deriveSeed } from '../training/seeds.js';
import type { DataSync, TrainDataParallelResult } from '../worker/protocol.js';
import type { GroupStrategy } from './group-node.js';
import type { TrainData } from './train-node.js';

export interface DataParallelSettings {
  sync: DataSync;
  staleness?: number;
  /** `average`: sub-epochs per epoch. */
  rounds?: number;
}

export function dataParallel(settings: DataParallelSettings, data: TrainData): GroupStrategy {
  return {
    members: (alive) => [...alive],
    task: (m) => ({
      type: 'train_data_parallel',
      setup: m.setup,
      trial: m.trial,
      epoch: m.epoch,
      group: m.group,
      sync: settings.sync,
      ...(settings.staleness !== undefined ? { staleness: settings.staleness } : {}),
      ...(settings.rounds !== undefined ? { rounds: settings.rounds } : {}),
      data: filesOf(data.partitions, m.group.rank, m.size),
      ...(data.validation.length > 0 ? { validation: data.validation } : {}),
      checkpointIn: m.checkpointIn,
      checkpointOut: m.checkpointOut,
      batchSize: m.batchSize,
      // Each member shuffles its own shard.
      shuffleSeed: deriveSeed(m.shuffleSeed, 'member', m.group.rank),
    }),
    outcome: (raw) => {
      const results = raw as TrainDataParallelResult[];
      const lead = results[0]!;
      const s = lead.staleness;
      return {
        metrics: lead.metrics,
        ...(lead.validation ? { validation: lead.validation } : {}),
        examples: lead.examples,
        bytesMoved: results.reduce((n, r) => n + r.bytesSent + r.bytesRead, 0) + lead.checkpointBytes,
        ...(s ? { staleness: { bound: s.bound, max_clock_gap: s.maxClockGap, max_version_lag: s.maxVersionLag } } : {}),
      };
    },
  };
}
