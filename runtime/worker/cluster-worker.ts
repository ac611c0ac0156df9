/**
 * `dlc worker`: a worker on any machine that reaches the Redis queue and the shared store. It registers
 * itself with a heartbeat, takes units from its own BullMQ queue (so a unit goes to the worker that holds
 * its partition), runs them with the same task runner as a local worker, and answers through the job.
 */
import { hostname } from 'node:os';
import { freemem } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import { initEngine, type BackendName } from '../engine/index.js';
import { ioredisOptions, type RedisTarget } from '../backends/cluster/connection.js';
import { HEARTBEAT_MS, keys, type JobAnswer, type JobData, type WorkerRegistration } from '../backends/cluster/keys.js';
import type { Task } from './protocol.js';
import { createTaskRunner } from './task-runner.js';
import { isUserError } from './user-errors.js';

export interface ClusterWorkerOptions {
  target: RedisTarget;
  store: string;
  id: string;
  prefix: string;
  backend: 'auto' | BackendName;
  device: 'cpu' | 'gpu';
  log: (line: string) => void;
}

/** Every path a task names must lie inside the store: a job can never make a worker read or write elsewhere. */
function checkPaths(task: Task, store: string): void {
  const paths: string[] = [];
  if (task.type === 'train_unit') paths.push(...task.data, ...(task.validation ?? []), task.checkpointOut, ...(task.checkpointIn ? [task.checkpointIn] : []));
  if (task.type === 'evaluate') paths.push(...task.data, task.checkpoint);
  if (task.type === 'export_model') paths.push(task.checkpoint, task.dir);
  for (const p of paths) {
    const r = relative(store, resolve(p));
    if (r.startsWith('..') || isAbsolute(r)) throw new RangeError(`the task names ${p}, which is outside this worker's store ${store}`);
  }
}

export async function serveCluster(o: ClusterWorkerOptions): Promise<{ stop: () => Promise<void> }> {
  const engine = await initEngine({ prefer: o.backend, device: o.device, quiet: true });
  const runner = createTaskRunner(engine);
  const { Worker } = await import('bullmq');
  const { Redis } = await import('ioredis');
  const options = ioredisOptions(o.target);
  const redis = new Redis(options as never);
  redis.on('error', () => {});
  // Say so at once when Redis is not there, instead of waiting on a connection that retries forever.
  const reachable = await Promise.race([redis.ping().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 10_000))]);
  if (!reachable) {
    redis.disconnect();
    throw new Error(`Redis at ${o.target.label} did not answer within 10 s`);
  }

  const registration = (): WorkerRegistration => ({
    id: o.id,
    host: hostname(),
    pid: process.pid,
    backend: engine.backend,
    device: o.device,
    versions: { ...engine.versions },
    freeMemory: freemem(),
    store: o.store,
    partitions: runner.heldFiles(),
    started,
  });
  const started = new Date().toISOString();
  await redis.hset(keys.workers(o.prefix), o.id, JSON.stringify(registration()));
  let beats = 0;
  const beat = async (): Promise<void> => {
    try {
      await redis.incr(keys.heartbeat(o.prefix, o.id));
      await redis.expire(keys.heartbeat(o.prefix, o.id), 3600);
      if (++beats % 10 === 0) await redis.hset(keys.workers(o.prefix), o.id, JSON.stringify(registration()));
    } catch {
      // Redis is away (restarting); the next beat tries again.
    }
  };
  await beat();
  const timer = setInterval(() => void beat(), HEARTBEAT_MS());

  const worker = new Worker<JobData, JobAnswer>(
    keys.queue(o.id),
    async (job) => {
      const { task, run } = job.data;
      const what = task.type === 'train_unit' ? `trial ${task.trial} epoch ${task.epoch} partition ${task.partition}` : task.type;
      o.log(`${run}: ${what}`);
      try {
        checkPaths(task, o.store);
        return { ok: true, result: await runner.run(task) };
      } catch (error) {
        const user = isUserError(error);
        const message = error instanceof Error ? (user ? error.message : (error.stack ?? error.message)) : String(error);
        o.log(`${run}: ${what} failed: ${message.split('\n')[0]}`);
        return { ok: false, message, user };
      }
    },
    { connection: options as never, prefix: o.prefix, concurrency: 1, lockDuration: 120_000, stalledInterval: 30_000, maxStalledCount: 0 },
  );
  worker.on('error', () => {});
  await worker.waitUntilReady();
  o.log(`worker ${o.id} ready: ${engine.backend} backend on ${o.device}, store ${o.store}, queue ${o.target.label}`);

  return {
    stop: async () => {
      clearInterval(timer);
      await worker.close();
      try {
        await redis.hdel(keys.workers(o.prefix), o.id);
        await redis.del(keys.heartbeat(o.prefix, o.id));
      } finally {
        redis.disconnect();
      }
    },
  };
}
