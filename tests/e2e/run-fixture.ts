/** Small runs through the real CLI: a spec on the shipped Fashion-MNIST subset, and the run's events. */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { CLI, ROOT, scratchDir } from '../helpers.js';
import type { RunEvent } from '../../runtime/events/types.js';

export const DATA = join(ROOT, 'specs', 'data', 'fashion-mnist-small');

export interface SpecOptions {
  parallelism?: string;
  epochs?: number;
  units?: number[];
  lrs?: number[];
  workers?: number;
  extraSteps?: string;
  /** Replaces the grid's search block (YAML, indented under \`search:\`). */
  search?: string;
  /** Epochs per trial as a search parameter `ep` with these choices (instead of a fixed `epochs`). */
  epochChoices?: number[];
  /** `resources.memory_per_worker`, as the spec writes it. */
  memoryPerWorker?: string;
  /** Replaces the model's layers (YAML list items, indented under \`layers:\`). */
  layers?: string;
}

/** Writes a spec into a fresh directory and returns its path. */
export function writeSpec(o: SpecOptions = {}): string {
  const dir = scratchDir('dlc-run-');
  const file = join(dir, 'spec.yaml');
  writeFileSync(
    file,
    `dlc: 1
name: e2e
seed: 7
resources: { workers: ${o.workers ?? 2}${o.memoryPerWorker ? `, memory_per_worker: ${o.memoryPerWorker}` : ''} }
sources:
  train_raw:
    format: idx
    images: ${DATA}/train-images-idx3-ubyte.gz
    labels: ${DATA}/train-labels-idx1-ubyte.gz
  test_raw:
    format: idx
    images: ${DATA}/t10k-images-idx3-ubyte.gz
    labels: ${DATA}/t10k-labels-idx1-ubyte.gz
steps:
  scaled:
    op: transform
    from: train_raw
    normalize: { image: { divide_by: 255 } }
  split:
    op: split
    from: scaled
    fractions: { train: 0.8, validation: 0.2 }
  search:
    op: train
    data: { train: split.train, validation: split.validation }
    features: [image]
    label: label
    model:
      input_shape: [28, 28]
      layers:
${
  o.layers ??
  `        - flatten: {}
        - dense: { units: "\${hp.units}", activation: relu }
        - dense: { units: 10, activation: softmax }`
}
    optimizer: { name: adam, learning_rate: "\${hp.lr}" }
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    batch_size: 64
    epochs: ${o.epochChoices ? '"${hp.ep}"' : (o.epochs ?? 2)}
    search:
${
  o.search ??
  `      algorithm: grid
      space:
        units: { choice: [${(o.units ?? [16, 32]).join(', ')}] }
        lr: { choice: [${(o.lrs ?? [0.003]).join(', ')}] }${o.epochChoices ? `
        ep: { choice: [${o.epochChoices.join(', ')}] }` : ''}
      objective: { metric: val_accuracy, mode: max }`
}
    parallelism: ${o.parallelism ?? 'hopper'}
  test_scaled:
    op: transform
    from: test_raw
    normalize: { image: { divide_by: 255 } }
  test_metrics:
    op: evaluate
    model: search.best
    data: test_scaled
    metrics: [accuracy]
${o.extraSteps ?? ''}`,
  );
  return file;
}

export interface Started {
  child: ReturnType<typeof spawn>;
  events: RunEvent[];
  /** Resolves with the exit status. */
  done: Promise<number | null>;
  stderr: () => string;
  /** Resolves when an event matching `pred` has arrived. */
  when: (pred: (e: RunEvent) => boolean) => Promise<RunEvent>;
}

/** Starts `dlc run ... --json` and collects its events as they arrive. */
export function startRun(args: string[], env: Record<string, string> = {}): Started {
  const child = spawn(process.execPath, [CLI, 'run', ...args, '--json'], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: RunEvent[] = [];
  const waiters: { pred: (e: RunEvent) => boolean; resolve: (e: RunEvent) => void }[] = [];
  let buffer = '';
  let err = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.trim()) continue;
      const e = JSON.parse(line) as RunEvent;
      events.push(e);
      for (const w of [...waiters]) {
        if (w.pred(e)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (c: string) => (err += c));
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    events,
    done,
    stderr: () => err,
    when: (pred) =>
      new Promise((resolve, reject) => {
        const found = events.find(pred);
        if (found) return resolve(found);
        waiters.push({ pred, resolve });
        void done.then(() => reject(new Error(`the run ended before the awaited event; stderr:\n${err}`)));
      }),
  };
}

export function readEvents(runDir: string): RunEvent[] {
  return readFileSync(join(runDir, 'events.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RunEvent);
}

/**
 * Cerebro's invariants on a finished hopper run's events: every (trial, epoch, partition) completed exactly
 * once; at no time two units on one partition, or one model on two workers.
 */
export function checkHopperInvariants(events: readonly RunEvent[], trials: number, epochs: number, partitions: number): void {
  const completed = new Map<string, number>();
  for (const e of events) if (e.type === 'unit_finished' && e.status === 'completed') completed.set(`${e.trial}/${e.epoch}/${e.partition}`, (completed.get(`${e.trial}/${e.epoch}/${e.partition}`) ?? 0) + 1);
  for (let t = 0; t < trials; t++) for (let e = 0; e < epochs; e++) for (let p = 0; p < partitions; p++) assert.equal(completed.get(`${t}/${e}/${p}`), 1, `unit trial ${t} epoch ${e} partition ${p} completed ${completed.get(`${t}/${e}/${p}`) ?? 0} times`);
  assert.equal(completed.size, trials * epochs * partitions);

  const running = new Map<number, { trial: number; partition: number | 'all'; worker: string }>();
  for (const e of events) {
    if (e.type === 'run_started') running.clear(); // a resumed run starts with nothing in flight
    if (e.type === 'unit_started') {
      for (const r of running.values()) {
        assert.notEqual(r.partition, e.partition, `partition ${e.partition} used by trials ${r.trial} and ${e.trial} at once`);
        assert.notEqual(r.trial, e.trial, `trial ${e.trial} on workers ${r.worker} and ${e.worker} at once`);
      }
      running.set(e.seq, { trial: e.trial, partition: e.partition, worker: e.worker });
    }
    if (e.type === 'unit_finished') running.delete(e.seq);
  }
}

export const finalOf = (events: readonly RunEvent[]) =>
  events
    .flatMap((e) => (e.type === 'trial_finished' ? [e] : []))
    .sort((a, b) => a.trial - b.trial)
    .map((e) => ({ trial: e.trial, status: e.status, metrics: e.metrics }));

/** The plan's estimate of the bytes a strategy moves over the run (its training decision's alternative). */
export function plannedBytes(runDir: string, strategy: string): number {
  const plan = JSON.parse(readFileSync(join(runDir, 'plan.json'), 'utf8')) as { nodes: { op: string; decision?: { alternatives: { strategy: string; bytes_moved?: number | null }[] } }[] };
  const bytes = plan.nodes.find((n) => n.op === 'train')?.decision?.alternatives.find((a) => a.strategy === strategy)?.bytes_moved;
  assert.equal(typeof bytes, 'number', `the plan estimates the bytes ${strategy} moves`);
  return bytes!;
}
