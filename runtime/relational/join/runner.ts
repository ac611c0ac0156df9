/**
 * Where a strategy's tasks run. Worker 0 is the calling thread: it reads the caller's Arrow buffers in
 * place and does its share while worker threads 1..n-1 do theirs (the contract's "1 runs it in the
 * calling process" is the case n = 1). Strategies see one interface and hand each worker the tables it
 * may read: the originals for worker 0, shared copies of the rows they need for the others.
 */
import { runTask, type Task, type TaskResult } from './tasks/index.js';
import { runOnThreads } from './worker-pool.js';

export interface Runner {
  workers: number;
  /** Whether buffers handed between tasks must be SharedArrayBuffers. */
  shared: boolean;
  run<R extends TaskResult>(tasks: { worker: number; task: Task }[]): Promise<R[]>;
}

export function makeRunner(workers: number): Runner {
  const n = Math.max(1, Math.floor(workers));
  return {
    workers: n,
    shared: n > 1,
    run: async <R extends TaskResult>(tasks: { worker: number; task: Task }[]): Promise<R[]> => {
      const elsewhere = tasks.map((t, i) => ({ ...t, i })).filter((t) => t.worker !== 0);
      // Worker threads start first; then this thread does worker 0's share.
      const pending = elsewhere.length === 0 ? Promise.resolve([] as R[]) : runOnThreads<R>(elsewhere.map(({ worker, task }) => ({ worker: worker - 1, task })));
      const results = new Array<R>(tasks.length);
      let failure: unknown;
      for (const [i, t] of tasks.entries()) {
        if (t.worker !== 0) continue;
        try {
          results[i] = runTask(t.task).result as R;
        } catch (e) {
          failure ??= e;
        }
      }
      const done = await pending;
      elsewhere.forEach((t, k) => (results[t.i] = done[k]!));
      if (failure !== undefined) throw failure;
      return results;
    },
  };
}

/** [start, end) of share `i` of `n` rows split `parts` ways, as even as whole rows allow. */
export function share(n: number, parts: number, i: number): [number, number] {
  return [Math.floor((n * i) / parts), Math.floor((n * (i + 1)) / parts)];
}
