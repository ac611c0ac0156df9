/** Runs a train step's search through train-node.ts on the stub backend and collects its events. */
import type { PlanNode } from '../../../compiler/phases/5-plan/plan-types.js';
import { EventBus } from '../../../runtime/events/sinks.js';
import type { EventBody, RunEvent, TrialFinished, UnitFinished } from '../../../runtime/events/types.js';
import { runTrainNode, type TrainNodeResult, type TrainStrategy } from '../../../runtime/run/train-node.js';
import type { VisitEntry } from '../../../runtime/scheduler/types.js';
import { StubBackend } from './stub-backend.js';
import { scratchDir } from '../../helpers.js';

export interface SearchRun {
  events: RunEvent[];
  result: TrainNodeResult;
  backend: StubBackend;
  runDir: string;
}

export const searchStep = (search: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  op: 'train',
  data: { train: 'split.train', validation: 'split.validation' },
  features: ['image'],
  label: 'label',
  model: { input_shape: [4], layers: [{ dense: { units: '${hp.units}' } }, { dropout: { rate: '${hp.dropout}' } }] },
  optimizer: { name: 'adam', learning_rate: '${hp.lr}' },
  loss: 'mse',
  epochs: 6,
  search: {
    space: { units: { choice: [16, 32, 64, 128] }, lr: { loguniform: [0.0001, 1] }, dropout: { uniform: [0, 0.5] } },
    objective: { metric: 'val_accuracy', mode: 'max' },
    ...search,
  },
  ...extra,
});

export interface RunOptions {
  strategy?: TrainStrategy;
  partitions?: number;
  workers?: number;
  delaySeed?: number;
  /** Stop handing out units after this many have completed. */
  stopAfter?: number;
  earlier?: readonly RunEvent[];
  runDir?: string;
  /** Repeat this recorded visit order (`--replay`). */
  replay?: VisitEntry[];
}

export async function runSearch(config: Record<string, unknown>, o: RunOptions = {}): Promise<SearchRun> {
  const strategy = o.strategy ?? 'hopper';
  const partitions = strategy === 'hopper' ? (o.partitions ?? 2) : 1;
  const backend = new StubBackend(o.workers ?? 2, partitions, o.delaySeed ?? 1);
  const runDir = o.runDir ?? scratchDir('dlc-search-');
  const events: RunEvent[] = [];
  const bus = new EventBus();
  bus.add({ emit: (e) => events.push(e) });
  let completed = 0;
  bus.add({
    emit: (e) => {
      if (e.type === 'unit_finished' && e.status === 'completed') completed++;
    },
  });
  const earlier = o.earlier ?? [];
  const node = { id: 'search', kind: 'step', op: 'train', inputs: [], outputs: {}, config } as unknown as PlanNode;
  const result = await runTrainNode({
    node,
    planSeed: 11,
    runDir,
    backend,
    bus,
    data: { partitions: Array.from({ length: partitions }, (_, i) => `part-${i}.arrow`), validation: ['validation.arrow'] },
    strategy,
    earlier: earlier.filter((e): e is UnitFinished => e.type === 'unit_finished' && e.status === 'completed'),
    reported: new Set(earlier.flatMap((e) => (e.type === 'trial_finished' ? [e.trial] : []))),
    seqBase: earlier.reduce((m, e) => (e.type === 'unit_started' ? Math.max(m, e.seq + 1) : m), 0),
    stopRequested: () => o.stopAfter !== undefined && completed >= o.stopAfter,
    ...(o.replay ? { replay: o.replay } : {}),
  });
  return { events, result, backend, runDir };
}

export const finished = (events: readonly (RunEvent | EventBody)[]): TrialFinished[] =>
  events.flatMap((e) => (e.type === 'trial_finished' ? [e as TrialFinished] : [])).sort((a, b) => a.trial - b.trial);

/** What must not depend on timing: each trial's end, metrics and place in the search. */
export const outcomes = (events: readonly RunEvent[]) =>
  finished(events).map((e) => ({ trial: e.trial, status: e.status, epochs: e.epochs, value: e.objective.value, params: e.params, stopped_by: e.stopped_by, parent: e.parent, rung: e.rung, generation: e.generation }));
