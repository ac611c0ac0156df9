/**
 * Worker threads for joins, kept between joins (starting one costs tens of milliseconds) and unref'd while
 * idle so they never hold the process open. Every task names its thread: a strategy's rounds give each
 * thread the same share of rows every time, so "the worker that holds these rows" means something and the
 * bytes moved between workers can be counted.
 *
 * Threads rather than child processes: the tables live in SharedArrayBuffers every thread reads in place,
 * where a child process would have to be sent a copy of every byte (bench/results/join.md, "workers").
 */
import { Worker } from 'node:worker_threads';
import type { Task, TaskResult } from './tasks/index.js';

interface Pending {
  resolve: (r: TaskResult) => void;
  reject: (e: Error) => void;
}

class JoinThread {
  readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  dead = false;

  constructor() {
    // The thread runs a plain module file: flags about how the main script was given (--input-type for
    // `node -e`) would make it refuse to start.
    const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
    this.worker = new Worker(new URL('./join-worker.js', import.meta.url), { execArgv });
    this.worker.unref();
    this.worker.on('message', (msg: { id: number; ok: boolean; result?: TaskResult; error?: { name: string; message: string; stack?: string } }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) this.worker.unref();
      if (msg.ok) p.resolve(msg.result!);
      else {
        const e = new Error(msg.error!.message);
        e.name = msg.error!.name;
        e.stack = msg.error!.stack;
        p.reject(e);
      }
    });
    const fail = (e: Error): void => {
      this.dead = true;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`a join worker exited with code ${code}`)));
  }

  run(task: Task): Promise<TaskResult> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, task });
    });
  }
}

const threads: JoinThread[] = [];

/** Runs each task on the thread it names (threads start on first use and stay for later joins). */
export function runOnThreads<R extends TaskResult>(tasks: { worker: number; task: Task }[]): Promise<R[]> {
  for (const { worker } of tasks) {
    if (threads[worker] === undefined || threads[worker]!.dead) threads[worker] = new JoinThread();
  }
  return Promise.all(tasks.map(({ worker, task }) => threads[worker]!.run(task) as Promise<R>));
}

/** Stops every join thread (for tests and benchmarks that want a clean exit or a cold start). */
export async function stopJoinThreads(): Promise<void> {
  const all = threads.splice(0);
  await Promise.all(all.map((t) => t.worker.terminate()));
}
