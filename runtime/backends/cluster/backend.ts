/**
 * The cluster backend, driver side: units go through BullMQ on a real Redis to `dlc worker` processes on
 * any machine sharing the store. Each worker has its own queue, so the hopper's choice of worker (the one
 * holding the partition) is where the unit runs. A worker is lost when its heartbeat stops moving while
 * Redis answers; a Redis that is down (restarting) pauses the run instead of losing everyone.
 */
import type { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Task, TaskResult } from '../../worker/protocol.js';
import { TaskFailedError, WorkerLostError, type WorkerBackend, type WorkerInfo } from '../types.js';
import { ioredisOptions, type RedisTarget } from './connection.js';
import { HEARTBEAT_MS, keys, LOST_AFTER_MS, type JobAnswer, type JobData, type WorkerRegistration } from './keys.js';

/** Answers kept for jobs not yet registered as pending; far more than a driver has in flight at once. */
const EARLY_KEPT = 256;

export interface ClusterBackendOptions {
  target: RedisTarget;
  prefix: string;
  run: string;
  store: string;
  /** Wait until this many workers serve the store (default 1). */
  minWorkers: number;
  /** How long to wait for them. */
  waitMs: number;
  log: (level: 'info' | 'warn', message: string) => void;
}

interface Pending {
  worker: string;
  resolve: (r: TaskResult) => void;
  reject: (e: Error) => void;
}

export class ClusterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterError';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ClusterBackend implements WorkerBackend {
  readonly workers: WorkerInfo[] = [];
  private readonly live = new Set<string>();
  private readonly queues = new Map<string, Queue>();
  private readonly events = new Map<string, QueueEvents>();
  private readonly pending = new Map<string, Pending>();
  /**
   * Answers that arrived before their job was registered as pending: a quick task (an export) can finish
   * before `queue.add` returns its id to the driver, and its completion event would otherwise be dropped.
   */
  private readonly early = new Map<string, unknown>();
  private readonly lostListeners: ((worker: string, detail: string) => void)[] = [];
  private readonly lastBeat = new Map<string, { value: string | null; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private watching = false;
  private closed = false;

  private constructor(
    private readonly o: ClusterBackendOptions,
    private readonly redis: Redis,
    private readonly bull: typeof import('bullmq'),
  ) {}

  static async connect(o: ClusterBackendOptions): Promise<ClusterBackend> {
    const bull = await import('bullmq');
    const { Redis: RedisClient } = await import('ioredis');
    const redis = new RedisClient({ ...ioredisOptions(o.target), lazyConnect: true } as never) as unknown as Redis;
    redis.on('error', () => {});
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      redis.disconnect();
      throw new ClusterError(`cannot reach Redis at ${o.target.label}: ${(error as Error).message}`);
    }
    const backend = new ClusterBackend(o, redis, bull);
    try {
      await backend.takeDriverLock();
      await backend.discover();
    } catch (error) {
      await backend.shutdown();
      throw error;
    }
    backend.timer = setInterval(() => void backend.watch(), HEARTBEAT_MS());
    return backend;
  }

  /** One driver per run: a second `dlc run --resume` of a run still being driven is refused. */
  private async takeDriverLock(): Promise<void> {
    const key = keys.driver(this.o.prefix, this.o.run);
    const ttl = LOST_AFTER_MS();
    const deadline = Date.now() + ttl * 2;
    for (;;) {
      const ok = await this.redis.set(key, String(process.pid), 'PX', ttl, 'NX');
      if (ok === 'OK') break;
      // A driver killed a moment ago leaves its lock until it expires.
      if (Date.now() > deadline) throw new ClusterError(`another driver is running ${this.o.run} (lock ${key}); stop it first`);
      await sleep(250);
    }
  }

  private async discover(): Promise<void> {
    const deadline = Date.now() + this.o.waitMs;
    let announced = false;
    for (;;) {
      const found = await this.probeWorkers();
      if (found.length >= this.o.minWorkers || (Date.now() > deadline && found.length > 0)) {
        for (const r of found) {
          this.workers.push({ id: r.id, pid: r.pid, backend: r.backend, device: `${r.device}@${r.host}`, versions: r.versions });
          this.live.add(r.id);
          await this.watchQueue(r.id);
        }
        return;
      }
      if (Date.now() > deadline) {
        throw new ClusterError(`no dlc worker serves the store ${this.o.store} on ${this.o.target.label}; start some with: dlc worker --queue ${this.o.target.label} --store ${this.o.store}`);
      }
      if (!announced) {
        this.o.log('info', `waiting for ${this.o.minWorkers} worker(s) on ${this.o.target.label} (found ${found.length})`);
        announced = true;
      }
    }
  }

  /** Registered workers whose heartbeat moves, serving the same store. */
  private async probeWorkers(): Promise<WorkerRegistration[]> {
    const all = Object.values(await this.redis.hgetall(keys.workers(this.o.prefix))).map((v) => JSON.parse(v) as WorkerRegistration);
    const before = await Promise.all(all.map((r) => this.redis.get(keys.heartbeat(this.o.prefix, r.id))));
    await sleep(HEARTBEAT_MS() * 2.5);
    const after = await Promise.all(all.map((r) => this.redis.get(keys.heartbeat(this.o.prefix, r.id))));
    const alive = all.filter((_, i) => after[i] !== null && after[i] !== before[i]);
    for (const r of alive) {
      if (r.store !== this.o.store) this.o.log('warn', `worker ${r.id} on ${r.host} serves the store ${r.store}, not ${this.o.store}; not using it`);
    }
    const now = Date.now();
    for (let i = 0; i < all.length; i++) this.lastBeat.set(all[i]!.id, { value: after[i] ?? null, at: now });
    return alive.filter((r) => r.store === this.o.store).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  }

  private connectionOptions(): Record<string, unknown> {
    return ioredisOptions(this.o.target);
  }

  private async watchQueue(worker: string): Promise<void> {
    const name = keys.queue(worker);
    const queue = new this.bull.Queue<JobData, JobAnswer>(name, { connection: this.connectionOptions() as never, prefix: this.o.prefix });
    const events = new this.bull.QueueEvents(name, { connection: this.connectionOptions() as never, prefix: this.o.prefix });
    queue.on('error', () => {});
    events.on('error', () => {});
    events.on('completed', ({ jobId, returnvalue }) => this.settle(worker, jobId, returnvalue as unknown));
    events.on('failed', ({ jobId, failedReason }) => this.settle(worker, jobId, { ok: false, message: failedReason, user: false } satisfies JobAnswer));
    await events.waitUntilReady();
    this.queues.set(worker, queue as unknown as Queue);
    this.events.set(worker, events);
  }

  /** Job ids count per queue, so pending jobs are keyed by worker and id. */
  private settle(worker: string, jobId: string, raw: unknown): void {
    const key = `${worker}/${jobId}`;
    const p = this.pending.get(key);
    if (!p) {
      // Also the event of a job the poll settled first: keep a bounded few, oldest out.
      this.early.set(key, raw);
      if (this.early.size > EARLY_KEPT) this.early.delete(this.early.keys().next().value!);
      return;
    }
    this.pending.delete(key);
    const answer = (typeof raw === 'string' ? JSON.parse(raw) : raw) as JobAnswer;
    if (answer.ok) p.resolve(answer.result);
    else p.reject(new TaskFailedError(answer.message, answer.user));
  }

  /** Heartbeats, and jobs whose end an event may have missed (a Redis restart drops pub/sub-like reads). */
  private async watch(): Promise<void> {
    if (this.closed || this.watching) return;
    this.watching = true;
    try {
      await this.watchOnce();
    } finally {
      this.watching = false;
    }
  }

  private async watchOnce(): Promise<void> {
    let values: (string | null)[];
    const ids = [...this.live];
    try {
      values = ids.length === 0 ? [] : await this.redis.mget(...ids.map((w) => keys.heartbeat(this.o.prefix, w)));
      await this.redis.pexpire(keys.driver(this.o.prefix, this.o.run), LOST_AFTER_MS());
    } catch (error) {
      if (process.env.DLC_DEBUG_CLUSTER) process.stderr.write(`watch: ${(error as Error).message}\n`);
      // Redis is away: nobody's silence counts until it is back.
      const now = Date.now();
      for (const b of this.lastBeat.values()) b.at = now;
      return;
    }
    const now = Date.now();
    ids.forEach((w, i) => {
      const seen = this.lastBeat.get(w);
      if (!seen || seen.value !== values[i]) this.lastBeat.set(w, { value: values[i] ?? null, at: now });
      else if (now - seen.at > LOST_AFTER_MS()) this.lose(w, `no heartbeat for ${Math.round((now - seen.at) / 1000)} s`);
    });
    for (const [key, p] of this.pending) {
      const queue = this.queues.get(p.worker);
      if (!queue) continue;
      const jobId = key.slice(p.worker.length + 1);
      try {
        const job = await this.bull.Job.fromId(queue as never, jobId);
        if (process.env.DLC_DEBUG_CLUSTER) process.stderr.write(`poll ${key}: ${job ? await job.getState() : 'missing'}\n`);
        if (job && (await job.isCompleted())) this.settle(p.worker, jobId, job.returnvalue);
      } catch (error) {
        if (process.env.DLC_DEBUG_CLUSTER) process.stderr.write(`poll ${key}: ${(error as Error).message}\n`);
      }
    }
  }

  private lose(worker: string, detail: string): void {
    if (!this.live.delete(worker)) return;
    for (const [key, p] of this.pending) {
      if (p.worker !== worker) continue;
      this.pending.delete(key);
      p.reject(new WorkerLostError(worker, `worker ${worker} lost: ${detail}`));
    }
    // Its queue is nobody's now; a worker that comes back under the same id must not run stale units.
    void this.queues.get(worker)?.obliterate({ force: true }).catch(() => {});
    for (const l of this.lostListeners) l(worker, detail);
  }

  alive(): string[] {
    return [...this.live];
  }

  onLost(listener: (worker: string, detail: string) => void): void {
    this.lostListeners.push(listener);
  }

  async run(worker: string, task: Task): Promise<TaskResult> {
    const queue = this.queues.get(worker);
    if (!queue || !this.live.has(worker)) throw new WorkerLostError(worker, `worker ${worker} is not serving this run`);
    const job = await (queue as unknown as Queue<JobData, JobAnswer>).add('unit', { run: this.o.run, task }, { removeOnComplete: { age: 3600 }, removeOnFail: { age: 3600 } });
    return new Promise<TaskResult>((resolve, reject) => {
      if (!this.live.has(worker)) return reject(new WorkerLostError(worker, `worker ${worker} lost`));
      const key = `${worker}/${job.id!}`;
      this.pending.set(key, { worker, resolve, reject });
      if (this.early.has(key)) {
        const raw = this.early.get(key);
        this.early.delete(key);
        this.settle(worker, job.id!, raw);
      }
    });
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const p of this.pending.values()) p.reject(new WorkerLostError(p.worker, 'the driver is shutting down'));
    this.pending.clear();
    this.early.clear();
    await Promise.allSettled([...this.events.values()].map((e) => e.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    try {
      await this.redis.del(keys.driver(this.o.prefix, this.o.run));
    } catch {
      // The lock expires on its own.
    }
    this.redis.disconnect();
  }

  kill(): void {
    void this.shutdown();
  }
}
