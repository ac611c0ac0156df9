/**
 * Hybrid parallelism: model hopping while there are at least p/2 trials training (every worker busy with
 * a model of its own), then data parallelism for the survivors once a search has narrowed the field
 * (early stopping, successive halving) below p/2, when hopping would leave most workers idle. A trial
 * changes over at the end of an epoch: hopping trains it until then, and the data-parallel group carries
 * on from that epoch's checkpoint.
 */
import { pickBest } from '../scheduler/index.js';
import { dataParallel, type DataParallelSettings } from './data-parallel-node.js';
import { runGroupNode } from './group-node.js';
import { runTrainNode, type TrainNodeOptions, type TrainNodeResult } from './train-node.js';
import { finalMetrics } from './trial-book.js';

export async function runHybridNode(options: Omit<TrainNodeOptions, 'strategy' | 'handOff'>, settings: DataParallelSettings): Promise<TrainNodeResult> {
  const workers = options.backend.alive().length;
  const hopping = await runTrainNode({ ...options, strategy: 'hopper', earlier: (options.earlier ?? []).filter((e) => e.partition !== 'all'), handOff: (training) => training < workers / 2 });
  const survivors = hopping.handedOff ?? [];
  if (survivors.length === 0 || hopping.status !== 'completed') return hopping;
  options.bus.emit({
    type: 'log',
    level: 'info',
    message: `${options.node.id}: ${survivors.length} trial${survivors.length === 1 ? '' : 's'} left training, fewer than half of the ${workers} workers: data parallelism from here (trial${survivors.length === 1 ? '' : 's'} ${survivors.map((t) => t.id).join(', ')})`,
  });
  const grouped = await runGroupNode({
    ...options,
    strategy: dataParallel(settings, options.data),
    continueTrials: survivors,
    earlier: (options.earlier ?? []).filter((e) => e.partition === 'all'),
    seqBase: hopping.nextSeq ?? options.seqBase ?? 0,
  });
  const trials = hopping.trials;
  const candidates = trials.filter((t) => t.outcome === 'completed' || t.outcome === 'stopped_early').map((t) => ({ ...t, metrics: finalMetrics(t) }));
  const winner = pickBest(candidates, hopping.objective);
  const best = winner ? trials.find((t) => t.id === winner.id) : undefined;
  const error = grouped.status === 'failed' && !best ? grouped.error : undefined;
  return {
    status: grouped.status === 'interrupted' ? 'interrupted' : best ? 'completed' : 'failed',
    trials,
    best,
    objective: hopping.objective,
    setupOf: hopping.setupOf,
    bytesMoved: hopping.bytesMoved + grouped.bytesMoved,
    ...(error !== undefined ? { error } : {}),
  };
}
