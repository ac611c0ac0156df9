/**
 * A real redis-server on a loopback port and real `dlc worker` processes, for the cluster tests. Redis
 * persists with AOF (fsync always) so a restart mid-run keeps every job.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CLI, scratchDir } from '../helpers.js';

export const hasRedis = (): boolean => spawnSync('redis-server', ['--version']).status === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Cluster {
  url: string;
  store: string;
  env: Record<string, string>;
  workers: Map<string, ChildProcess>;
  workerLogs: Map<string, string>;
  startRedis(): Promise<void>;
  stopRedis(): Promise<void>;
  startWorker(id: string): Promise<void>;
  close(): Promise<void>;
}

export async function startCluster(options: { workers: string[]; password?: string }): Promise<Cluster> {
  const root = scratchDir('dlc-cluster-');
  const store = join(root, 'store');
  const data = join(root, 'redis');
  mkdirSync(store);
  mkdirSync(data);
  const port = await freePort();
  const env: Record<string, string> = { DLC_HEARTBEAT_MS: '300', DLC_WORKER_TIMEOUT_MS: '3000', DLC_CLUSTER_WAIT_MS: '30000', NO_COLOR: '1' };
  if (options.password) env.DLC_REDIS_PASSWORD = options.password;
  let redis: ChildProcess | undefined;
  const cluster: Cluster = {
    url: `redis://127.0.0.1:${port}/0`,
    store,
    env,
    workers: new Map(),
    workerLogs: new Map(),
    async startRedis() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', data, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no'];
      if (options.password) args.push('--requirepass', options.password);
      redis = spawn('redis-server', args, { stdio: 'ignore' });
      for (let i = 0; i < 100; i++) {
        const ping = spawnSync('redis-cli', ['-p', String(port), ...(options.password ? ['--no-auth-warning', '-a', options.password] : []), 'ping'], { encoding: 'utf8' });
        if (ping.stdout.trim() === 'PONG') return;
        await sleep(100);
      }
      throw new Error('redis-server did not start');
    },
    async stopRedis() {
      if (!redis) return;
      const r = redis;
      const exited = new Promise((res) => r.once('exit', res));
      r.kill('SIGTERM'); // redis-server flushes the AOF and exits
      await exited;
      redis = undefined;
    },
    async startWorker(id: string) {
      const child = spawn(process.execPath, [CLI, 'worker', '--queue', cluster.url, '--store', store, '--id', id], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      cluster.workers.set(id, child);
      cluster.workerLogs.set(id, '');
      child.stderr!.setEncoding('utf8');
      await new Promise<void>((resolve, reject) => {
        child.stderr!.on('data', (c: string) => {
          cluster.workerLogs.set(id, cluster.workerLogs.get(id)! + c);
          if (/ready:/.test(cluster.workerLogs.get(id)!)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`worker ${id} exited with ${code}: ${cluster.workerLogs.get(id)}`)));
      });
    },
    async close() {
      for (const w of cluster.workers.values()) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
      await cluster.stopRedis();
    },
  };
  await cluster.startRedis();
  await Promise.all(options.workers.map((id) => cluster.startWorker(id)));
  return cluster;
}
