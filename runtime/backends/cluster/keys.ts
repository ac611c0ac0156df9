/**
 * Names in Redis. Workers are shared by runs; everything a run owns lives under its own namespace
 * (`<prefix>:run:<run id>:...`), and every job names its run, so two runs on one Redis never mix.
 */
export const DEFAULT_PREFIX = 'dlc';

export const keys = {
  /** Hash: worker id → its registration (JSON). */
  workers: (prefix: string) => `${prefix}:workers`,
  /** Counter a live worker increments every heartbeat. */
  heartbeat: (prefix: string, worker: string) => `${prefix}:hb:${worker}`,
  /** The BullMQ queue a worker takes its units from (partition affinity: one queue per worker). */
  queue: (worker: string) => `worker-${worker.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
  /** Set while a driver runs the run; a second driver for the same run is refused. */
  driver: (prefix: string, run: string) => `${prefix}:run:${run}:driver`,
};

export interface WorkerRegistration {
  id: string;
  host: string;
  pid: number;
  backend: string;
  device: string;
  versions: Record<string, string>;
  freeMemory: number;
  /** The store path the worker serves (must match the driver's). */
  store: string;
  /** Partition files the worker holds in memory. */
  partitions: string[];
  started: string;
}

/** What a job carries and what its worker answers: the worker protocol's task and result. */
export interface JobData {
  run: string;
  task: import('../../worker/protocol.js').Task;
}

export type JobAnswer = { ok: true; result: import('../../worker/protocol.js').TaskResult } | { ok: false; message: string; user: boolean };

export const HEARTBEAT_MS = (): number => Number(process.env.DLC_HEARTBEAT_MS ?? 1000);
/** A worker whose heartbeat has not moved for this long, while Redis answered, is lost. */
export const LOST_AFTER_MS = (): number => Number(process.env.DLC_WORKER_TIMEOUT_MS ?? 10_000);
