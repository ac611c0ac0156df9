/**
 * The local backend: one child process per worker slot, speaking the worker protocol over Node's IPC
 * channel (structured clone, so typed arrays and nested data cross intact). A worker that exits without
 * being asked to is lost: its task's promise rejects with WorkerLostError and listeners hear about it once.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeArgsFor, type WorkerSlot } from '../../devices/placement.js';
import type { DriverMessage, Task, TaskResult, TrialSetup, WorkerMessage } from '../../worker/protocol.js';
import { WORKER_ENV } from '../../worker/protocol.js';
import { TaskFailedError, WorkerLostError, type PeerLinks, type WorkerBackend, type WorkerInfo } from '../types.js';

const WORKER_SCRIPT = fileURLToPath(new URL('../../worker/main.js', import.meta.url));
const STDERR_TAIL = 4000;

export interface LocalPoolOptions {
  slots: readonly WorkerSlot[];
  /** Backend to prefer in every worker (`DLC_BACKEND`); default auto. */
  backend?: string;
  /** How long a worker may take to start its engine. */
  startTimeoutMs?: number;
  /** `none` when no task will need TensorFlow.js (external trainers only): workers skip starting it. */
  engine?: 'none';
  /** Persistent trainers each worker starts first thing, before its engine (start-trainers.ts). */
  trainers?: readonly TrialSetup[];
}

/** An environment variable holds at most 128 KiB on Linux; larger setups start by task once workers are up. */
const MAX_TRAINERS_ENV = 64 * 1024;

interface Member {
  id: string;
  child: ChildProcess;
  info?: WorkerInfo;
  pending: Map<number, { resolve: (r: TaskResult) => void; reject: (e: Error) => void }>;
  stderr: string;
  exiting: boolean;
  gone: boolean;
}

function trainersEnv(trainers: readonly TrialSetup[] | undefined): Record<string, string> {
  if (!trainers || trainers.length === 0) return {};
  const json = JSON.stringify(trainers);
  return json.length <= MAX_TRAINERS_ENV ? { [WORKER_ENV.trainers]: json } : {};
}

export class LocalPool implements WorkerBackend {
  readonly workers: WorkerInfo[] = [];
  private readonly members = new Map<string, Member>();
  private readonly lostListeners: ((worker: string, detail: string) => void)[] = [];
  private nextId = 1;
  /** Holds the workers' peer sockets; short, as a socket path must be (108 bytes on Linux). */
  private readonly peerDir = mkdtempSync(join(tmpdir(), 'dlc-peers-'));

  private constructor() {}

  static async start(options: LocalPoolOptions): Promise<LocalPool> {
    const pool = new LocalPool();
    try {
      await Promise.all(options.slots.map((slot) => pool.spawn(slot, options)));
    } catch (error) {
      pool.kill();
      throw error;
    }
    pool.workers.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
    return pool;
  }

  private spawn(slot: WorkerSlot, options: LocalPoolOptions): Promise<void> {
    const id = `w${slot.id}`;
    const child = fork(WORKER_SCRIPT, [], {
      env: {
        ...process.env,
        ...slot.env,
        [WORKER_ENV.id]: id,
        [WORKER_ENV.backend]: options.backend ?? process.env[WORKER_ENV.backend] ?? 'auto',
        [WORKER_ENV.device]: slot.device.kind,
        ...(options.engine ? { [WORKER_ENV.engine]: options.engine } : {}),
        ...trainersEnv(options.trainers),
      },
      execArgv: nodeArgsFor(slot),
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const member: Member = { id, child, pending: new Map(), stderr: '', exiting: false, gone: false };
    this.members.set(id, member);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      member.stderr = (member.stderr + chunk).slice(-STDERR_TAIL);
    });

    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${id} did not start within ${(options.startTimeoutMs ?? 120_000) / 1000} s`)), options.startTimeoutMs ?? 120_000);
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          const device = slot.device.kind === 'gpu' ? `gpu:${slot.device.index}` : 'cpu';
          member.info = { id, pid: message.pid, backend: message.backend, device, versions: message.versions };
          this.workers.push(member.info);
          resolve();
        } else if (message.type === 'fatal') {
          clearTimeout(timer);
          reject(new Error(`worker ${id}: ${message.message}`));
        } else if (message.type === 'result' || message.type === 'failed') {
          const waiter = member.pending.get(message.id);
          if (!waiter) return;
          member.pending.delete(message.id);
          if (message.type === 'result') waiter.resolve(message.result);
          else waiter.reject(new TaskFailedError(message.message, message.user));
        }
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`worker ${id} could not start: ${error.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        member.gone = true;
        const how = signal ? `killed by ${signal}` : `exited with status ${code}`;
        const tail = member.stderr.trim().split('\n').slice(-5).join('\n');
        const detail = tail ? `${how}: ${tail}` : how;
        for (const waiter of member.pending.values()) waiter.reject(new WorkerLostError(id, `worker ${id} ${detail}`));
        member.pending.clear();
        if (!member.info) reject(new Error(`worker ${id} ${detail}`));
        else if (!member.exiting) for (const listener of this.lostListeners) listener(id, detail);
      });
    });
  }

  readonly peers: PeerLinks = {
    endpoint: (worker) => join(this.peerDir, `${worker}.sock`),
    abort: (worker, group, reason) => {
      const member = this.members.get(worker);
      if (!member || member.gone) return;
      member.child.send({ type: 'abort_group', group, reason } satisfies DriverMessage, () => {});
    },
  };

  alive(): string[] {
    return [...this.members.values()].filter((m) => !m.gone && m.info).map((m) => m.id);
  }

  onLost(listener: (worker: string, detail: string) => void): void {
    this.lostListeners.push(listener);
  }

  run(worker: string, task: Task): Promise<TaskResult> {
    const member = this.members.get(worker);
    if (!member || member.gone) return Promise.reject(new WorkerLostError(worker, `worker ${worker} is not running`));
    const id = this.nextId++;
    return new Promise<TaskResult>((resolve, reject) => {
      member.pending.set(id, { resolve, reject });
      const message: DriverMessage = { type: 'task', id, task };
      member.child.send(message, (error) => {
        if (error && member.pending.delete(id)) reject(new WorkerLostError(worker, `worker ${worker}: ${error.message}`));
      });
    });
  }

  async shutdown(graceMs = 30_000): Promise<void> {
    const running = [...this.members.values()].filter((m) => !m.gone);
    await Promise.all(
      running.map(
        (m) =>
          new Promise<void>((resolve) => {
            m.exiting = true;
            if (m.gone) return resolve();
            const timer = setTimeout(() => {
              m.child.kill('SIGKILL');
            }, graceMs);
            m.child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            try {
              m.child.send({ type: 'shutdown' } satisfies DriverMessage);
            } catch {
              m.child.kill('SIGKILL');
            }
          }),
      ),
    );
    rmSync(this.peerDir, { recursive: true, force: true });
  }

  kill(): void {
    for (const m of this.members.values()) {
      m.exiting = true;
      if (!m.gone) m.child.kill('SIGKILL');
    }
    rmSync(this.peerDir, { recursive: true, force: true });
  }
}
