/**
 * What the driver asks of a backend, whichever it is (local processes now, a cluster queue later): start
 * workers, run a task on a named worker, learn when a worker is gone, shut down.
 */
import type { Task, TaskResult } from '../worker/protocol.js';

export interface WorkerInfo {
  id: string;
  pid: number;
  backend: string;
  device: string;
  versions: Record<string, string>;
}

/** A task failed inside the worker; `user` failures come from the spec or data and print without a stack. */
export class TaskFailedError extends Error {
  constructor(
    message: string,
    readonly user: boolean,
  ) {
    super(message);
    this.name = 'TaskFailedError';
  }
}

/** The worker died (or was declared dead) while the task ran; the task did not happen. */
export class WorkerLostError extends Error {
  constructor(
    readonly worker: string,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerLostError';
  }
}

export interface WorkerBackend {
  readonly workers: readonly WorkerInfo[];
  /** Workers still alive. */
  alive(): string[];
  run(worker: string, task: Task): Promise<TaskResult>;
  /** Called once per worker that goes away without being asked to. */
  onLost(listener: (worker: string, detail: string) => void): void;
  /** Asks every worker to finish its task and exit; kills those that do not within `graceMs`. */
  shutdown(graceMs?: number): Promise<void>;
  /** Kills every worker now. */
  kill(): void;
  /** Links between workers, for groups that train one trial together; absent where workers cannot reach each other. */
  readonly peers?: PeerLinks;
}

export interface PeerLinks {
  /** Where `worker` accepts links from the other members of a group (a Unix socket path). */
  endpoint(worker: string): string;
  /**
   * Tells `worker`, without waiting for its current task, that `group` has failed: its links close and the
   * group's task there fails instead of waiting for a member that will never answer.
   */
  abort(worker: string, group: string, reason: string): void;
}
