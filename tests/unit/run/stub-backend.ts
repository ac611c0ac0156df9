/**
 * A worker backend without TensorFlow for driving train-node.ts in tests: a "model" is one number w in
 * [0, 1) kept in the checkpoint file (so checkpoints, copies and resumes behave as they do for real), each
 * unit moves it towards 1 at a rate set by the trial's values, and the metrics are read off it. Units end
 * after seeded random delays, so results arrive in a different order from one seed to the next.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { WorkerBackend, WorkerInfo } from '../../../runtime/backends/types.js';
import { createRng } from '../../../runtime/random/rng.js';
import type { Task, TaskResult, TrainUnitTask } from '../../../runtime/worker/protocol.js';

/** How fast a configuration learns: best near lr = 0.01 and with more units. */
export function rateOf(params: Record<string, unknown>): number {
  const lr = Number(params.lr ?? 0.01);
  const units = Number(params.units ?? 64);
  const fit = Math.max(0.02, 1 - Math.abs(Math.log10(lr) + 2) / 2);
  return 0.5 * fit * (units / (units + 32));
}

/** One unit's step: a partition's share of an epoch's progress. */
export function stepOf(w: number, params: Record<string, unknown>, parts: number): number {
  return w + ((1 - w) * rateOf(params)) / parts;
}

export class StubBackend implements WorkerBackend {
  readonly workers: WorkerInfo[];
  readonly tasks: TrainUnitTask[] = [];
  private readonly rng;

  constructor(
    count: number,
    private readonly parts: number,
    delaySeed: number,
  ) {
    this.workers = Array.from({ length: count }, (_, i) => ({ id: `w${i}`, pid: 0, backend: 'stub', device: 'cpu', versions: {} }));
    this.rng = createRng(delaySeed, 'stub-delays');
  }

  alive(): string[] {
    return this.workers.map((w) => w.id);
  }

  async run(_worker: string, task: Task): Promise<TaskResult> {
    if (task.type !== 'train_unit') throw new Error(`the stub only trains, not ${task.type}`);
    this.tasks.push(task);
    const w0 = task.checkpointIn === null ? 0 : (JSON.parse(readFileSync(task.checkpointIn, 'utf8')) as { w: number }).w;
    const parts = task.partition === 'all' ? 1 : this.parts;
    const w = stepOf(w0, task.setup.params, parts);
    await new Promise((r) => setTimeout(r, this.rng.int(0, 3)));
    writeFileSync(task.checkpointOut, JSON.stringify({ w, trial: task.trial, epoch: task.epoch }));
    return {
      type: 'train_unit',
      metrics: { loss: 1 - w },
      ...(task.validation ? { validation: { loss: 1 - w, accuracy: w } } : {}),
      examples: 100,
      seconds: 0.01,
      checkpointBytes: 10,
      bytesRead: 0,
    };
  }

  onLost(): void {}
  async shutdown(): Promise<void> {}
  kill(): void {}
}
