/**
 * Where a strategy's tasks run: on worker threads, or one after another in the calling thread when the
 * join has one worker (the contract's "1 runs it in the calling process"). Strategies see one interface.
 */
import { runTask, type Task, type TaskResult } from './tasks.js';
import { runOnThreads } from './worker-pool.js';

export interface Runner {
  workers: number;
  /** Whether buffers handed between tasks must be SharedArrayBuffers. */
  shared: boolean;
  run<R extends TaskResult>(tasks: { worker: number; task: Task }[]): Promise<R[]>;
}

export function makeRunner(workers: number): Runner {
  if (workers <= 1) {
    return {
      workers: 1,
      shared: false,
      run: async <R extends TaskResult>(tasks: { worker: number; task: Task }[]) => tasks.map(({ task }) => runTask(task).result as R),
    };
  }
  return { workers, shared: true, run: <R extends TaskResult>(tasks: { worker: number; task: Task }[]) => runOnThreads<R>(tasks) };
}

/** [start, end) of share `i` of `n` rows split `parts` ways, as even as whole rows allow. */
export function share(n: number, parts: number, i: number): [number, number] {
  return [Math.floor((n * i) / parts), Math.floor((n * (i + 1)) / parts)];
}
