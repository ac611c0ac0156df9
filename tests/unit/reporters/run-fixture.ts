/**
 * A made-up but faithful run for reporter tests: the quickstart's plan (sources, transform, split, a grid
 * search trained with model hopping on two workers, evaluate, export) and the events such a run emits, at
 * fixed times, so screens and reports come out the same on every machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionPlan } from '../../../compiler/phases/5-plan/plan-types.js';
import type { EventBody, RunEvent } from '../../../runtime/events/types.js';

export const T0 = Date.parse('2026-03-01T10:00:00.000Z');

export interface FixtureOptions {
  trials?: number;
  epochs?: number;
  partitions?: number;
  /** Cut the events after this many (a run still going on). */
  cutAfter?: number;
  runDir?: string;
  /** Trials that fail at their second unit. */
  failing?: number[];
}

export function fixturePlan(o: FixtureOptions = {}): ExecutionPlan {
  const trials = o.trials ?? 4;
  const epochs = o.epochs ?? 3;
  const step = (id: string, op: string, inputs: ExecutionPlan['nodes'][number]['inputs'], config: Record<string, unknown> = {}): ExecutionPlan['nodes'][number] => ({ id, kind: 'step', op, inputs, outputs: {}, config: { op, ...config } });
  return {
    dlc: 1,
    plan_version: 1,
    name: 'quickstart',
    seed: 2020,
    spec_file: '/specs/quickstart.yaml',
    resources: { workers: 2, workers_from: 'spec', devices: 'auto' },
    nodes: [
      { id: 'fashion_train', kind: 'source', op: 'source:idx', inputs: [], outputs: {}, config: {} },
      { id: 'fashion_test', kind: 'source', op: 'source:idx', inputs: [], outputs: {}, config: {} },
      step('scaled', 'transform', [{ from: 'fashion_train', output: 'default', field: 'from' }]),
      step('scaled_test', 'transform', [{ from: 'fashion_test', output: 'default', field: 'from' }]),
      step('split', 'split', [{ from: 'scaled', output: 'default', field: 'from' }]),
      {
        ...step(
          'search',
          'train',
          [
            { from: 'split', output: 'train', field: 'data.train' },
            { from: 'split', output: 'validation', field: 'data.validation' },
          ],
          {
            data: { train: 'split.train', validation: 'split.validation' },
            epochs,
            search: { algorithm: 'grid', space: { units: { choice: [64, 128] }, lr: { choice: [0.001, 0.003] } }, objective: { metric: 'val_accuracy', mode: 'max' } },
            parallelism: 'auto',
          },
        ),
        strategy: 'hopper',
        decision: {
          kind: 'training',
          strategy: 'hopper',
          requested: 'auto',
          alternatives: [
            { strategy: 'hopper', cost: 41.5, unit: 's', feasible: true, note: 'models move, data stays', bytes_moved: 24_000_000, storage_bytes: 4_300_000 },
            { strategy: 'task', cost: 63.2, unit: 's', feasible: true, note: 'every worker reads all the data', bytes_moved: 0, storage_bytes: 8_600_000 },
            { strategy: 'data', cost: null, unit: 's', feasible: false, note: 'no synchronous all-reduce on local workers' },
          ],
          reason: 'hopper is estimated 34% faster than task parallelism for 4 trials on 2 workers',
          settings: { partitions: o.partitions ?? 2 },
          inputs: {
            trials: { value: trials, from: 'declared' },
            workers: { value: 2, from: 'declared' },
            rows: { value: 5401, unit: 'rows', from: 'estimate', note: 'split.train: 0.9 of fashion_train' },
            model_bytes: { value: 612096, unit: 'B', from: 'estimate' },
          },
        },
        training: { configurations: trials, epochs, algorithm: 'grid' },
      },
      step('test_metrics', 'evaluate', [
        { from: 'search', output: 'best', field: 'model' },
        { from: 'scaled_test', output: 'default', field: 'data' },
      ]),
      step('publish', 'export', [{ from: 'search', output: 'best', field: 'from' }]),
    ],
    waves: [['fashion_train', 'fashion_test'], ['scaled', 'scaled_test'], ['split'], ['search'], ['test_metrics', 'publish']],
    edges: [
      { from: 'fashion_train', output: 'default', to: 'scaled', at: 'steps.scaled.from' },
      { from: 'fashion_test', output: 'default', to: 'scaled_test', at: 'steps.scaled_test.from' },
      { from: 'scaled', output: 'default', to: 'split', at: 'steps.split.from' },
      { from: 'split', output: 'train', to: 'search', at: 'steps.search.data.train' },
      { from: 'split', output: 'validation', to: 'search', at: 'steps.search.data.validation' },
      { from: 'search', output: 'best', to: 'test_metrics', at: 'steps.test_metrics.model' },
      { from: 'scaled_test', output: 'default', to: 'test_metrics', at: 'steps.test_metrics.data' },
      { from: 'search', output: 'best', to: 'publish', at: 'steps.publish.from' },
    ],
  };
}

const PARAMS = [
  { units: 64, lr: 0.001 },
  { units: 64, lr: 0.003 },
  { units: 128, lr: 0.001 },
  { units: 128, lr: 0.003 },
];

/** Validation accuracy of trial `t` after `e` epochs: rising curves that end in a fixed order (trial 3 best). */
const valAccuracy = (t: number, e: number): number => 0.6 + (0.2 * (t + 1) * (1 - Math.exp(-e))) / (t + 4) + 0.1 * (1 - Math.exp(-e / 2));

export function fixtureEvents(o: FixtureOptions = {}): RunEvent[] {
  const trials = o.trials ?? 4;
  const epochs = o.epochs ?? 3;
  const P = o.partitions ?? 2;
  const runDir = o.runDir ?? '/runs/20260301-100000-quickstart';
  const failing = new Set(o.failing ?? []);
  const events: RunEvent[] = [];
  let clock = T0;
  const at = (ms: number) => (clock = Math.max(clock, ms));
  const emit = (body: EventBody, ms = clock) => events.push({ time: new Date(at(ms)).toISOString(), ...body } as RunEvent);

  emit({ type: 'run_started', run_id: '20260301-100000-quickstart', name: 'quickstart', run_dir: runDir, spec_file: '/specs/quickstart.yaml', seed: 2020, workers: P });
  const workers = Array.from({ length: P }, (_, i) => `w${i}`);
  workers.forEach((worker, i) => emit({ type: 'worker_up', worker, pid: 101 + i, backend: 'wasm', device: 'cpu', versions: {} }, T0 + 2000));
  const relational = (node: string, op: string, ms: number, rows: Record<string, number>) => {
    emit({ type: 'node_started', node, op });
    emit({ type: 'node_finished', node, op, status: 'completed', seconds: ms / 1000, rows }, clock + ms);
  };
  relational('fashion_train', 'source:idx', 40, { default: 6000 });
  relational('fashion_test', 'source:idx', 15, { default: 1000 });
  emit({ type: 'node_started', node: 'scaled', op: 'transform' });
  emit({ type: 'node_progress', node: 'scaled', done: 3000, total: 6000 }, clock + 100);
  emit({ type: 'node_finished', node: 'scaled', op: 'transform', status: 'completed', seconds: 0.22, rows: { default: 6000 } }, clock + 120);
  relational('scaled_test', 'transform', 12, { default: 1000 });
  relational('split', 'split', 100, { train: 5401, validation: 599 });

  // Model hopping as Cerebro does it: partition w stays on worker w; in sub-epoch k worker w trains trial
  // (k + w) mod trials, so each trial visits every partition once per epoch and no two workers share one.
  emit({ type: 'node_started', node: 'search', op: 'train' });
  const trainStart = clock;
  let seq = 0;
  let t = trainStart;
  const started = new Set<number>();
  const stopped = new Set<number>();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const visits = new Map<number, number>();
    for (let round = 0; round < trials; round++) {
      const units: { w: string; trial: number; partition: number; seq: number; secs: number; closes: boolean }[] = [];
      workers.forEach((w, partition) => {
        const trial = (round + partition) % trials;
        if (stopped.has(trial) || (trials < workers.length && partition >= trials)) return;
        if (!started.has(trial)) {
          started.add(trial);
          emit({ type: 'trial_started', node: 'search', trial, params: PARAMS[trial % PARAMS.length]! }, t);
        }
        const secs = 0.6 + 0.1 * (trial % 3) + (epoch === 0 ? 0.5 : 0);
        emit({ type: 'unit_started', node: 'search', trial, epoch, partition, worker: w, seq }, t);
        visits.set(trial, (visits.get(trial) ?? 0) + 1);
        units.push({ w, trial, partition, seq: seq++, secs, closes: visits.get(trial) === P });
      });
      let end = t;
      for (const u of units) {
        const finish = t + u.secs * 1000;
        end = Math.max(end, finish);
        if (failing.has(u.trial) && epoch === 0) {
          emit({ type: 'unit_finished', node: 'search', trial: u.trial, epoch, partition: u.partition, worker: u.w, seq: u.seq, status: 'failed', seconds: u.secs, error: 'NaN loss' }, finish);
          emit({ type: 'trial_finished', node: 'search', trial: u.trial, params: PARAMS[u.trial % PARAMS.length]!, status: 'failed', epochs: 0, metrics: {}, objective: { metric: 'val_accuracy', mode: 'max', value: null }, seconds: u.secs, bytes_moved: 0, error: 'NaN loss' }, finish);
          stopped.add(u.trial);
          continue;
        }
        const closes = u.closes;
        const va = valAccuracy(u.trial, epoch + 1);
        const metrics = { loss: 1.2 * Math.exp(-0.35 * epoch) - 0.02 * u.trial, accuracy: va + 0.02 };
        const validation = { loss: 1.1 * Math.exp(-0.3 * epoch) - 0.03 * u.trial, accuracy: va };
        emit({ type: 'unit_finished', node: 'search', trial: u.trial, epoch, partition: u.partition, worker: u.w, seq: u.seq, status: 'completed', seconds: u.secs, examples: 2700, metrics, ...(closes ? { validation } : {}), checkpoint: `checkpoints/search/trial-${u.trial}/e${epoch}-p${u.partition}.ckpt`, bytes_moved: 612096 }, finish);
      }
      t = end + 5;
    }
    for (let trial = 0; trial < trials; trial++) {
      if (stopped.has(trial)) continue;
      const va = valAccuracy(trial, epoch + 1);
      emit({ type: 'epoch_finished', node: 'search', trial, epoch: epoch + 1, metrics: { loss: 1.2 * Math.exp(-0.35 * epoch) - 0.02 * trial, accuracy: va + 0.02, val_loss: 1.1 * Math.exp(-0.3 * epoch) - 0.03 * trial, val_accuracy: va } }, t);
    }
  }
  let best: { trial: number; value: number } | undefined;
  for (let trial = 0; trial < trials; trial++) {
    if (stopped.has(trial)) continue;
    const va = valAccuracy(trial, epochs);
    if (!best || va > best.value) best = { trial, value: va };
    emit({ type: 'trial_finished', node: 'search', trial, params: PARAMS[trial % PARAMS.length]!, status: 'completed', epochs, metrics: { loss: 1.2 * Math.exp(-0.35 * (epochs - 1)) - 0.02 * trial, accuracy: va + 0.02, val_loss: 1.1 * Math.exp(-0.3 * (epochs - 1)) - 0.03 * trial, val_accuracy: va }, objective: { metric: 'val_accuracy', mode: 'max', value: va }, checkpoint: `checkpoints/search/trial-${trial}/e${epochs - 1}-p0.ckpt`, seconds: (t - trainStart) / 1000, bytes_moved: 612096 * epochs * P }, t);
  }
  emit({ type: 'node_finished', node: 'search', op: 'train', status: 'completed', seconds: (t - trainStart) / 1000, path: `${runDir}/best-model` }, t + 100);
  emit({ type: 'node_started', node: 'test_metrics', op: 'evaluate' });
  emit({ type: 'node_finished', node: 'test_metrics', op: 'evaluate', status: 'completed', seconds: 0.03, metrics: { loss: 0.458, accuracy: 0.83 } }, clock + 30);
  emit({ type: 'node_started', node: 'publish', op: 'export' });
  emit({ type: 'node_finished', node: 'publish', op: 'export', status: 'completed', seconds: 0.01, path: '/out/quickstart-model' }, clock + 10);
  for (const worker of workers) emit({ type: 'worker_down', worker, reason: 'exited' });
  emit({
    type: 'run_finished',
    status: 'completed',
    run_dir: runDir,
    seconds: (clock + 20 - T0) / 1000,
    best: best ? { node: 'search', trial: best.trial, params: PARAMS[best.trial % PARAMS.length]!, objective: best.value, model: `${runDir}/best-model` } : null,
    bytes_moved: 612096 * epochs * P * trials,
  }, clock + 20);
  return o.cutAfter !== undefined ? events.slice(0, o.cutAfter) : events;
}

/** Writes a run directory as `dlc run` leaves it (without checkpoints and models, which reports only name). */
export function writeFixtureRun(dir: string, o: FixtureOptions = {}): RunEvent[] {
  mkdirSync(join(dir, 'evaluations'), { recursive: true });
  const events = fixtureEvents({ ...o, runDir: dir });
  writeFileSync(join(dir, 'plan.json'), `${JSON.stringify(fixturePlan(o), null, 2)}\n`);
  writeFileSync(join(dir, 'spec.yaml'), 'dlc: 1\nname: quickstart\n');
  writeFileSync(join(dir, 'events.ndjson'), events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  if (events.some((e) => e.type === 'node_finished' && e.node === 'test_metrics')) writeFileSync(join(dir, 'evaluations', 'test_metrics.json'), JSON.stringify({ metrics: { loss: 0.458, accuracy: 0.83 } }));
  return events;
}
