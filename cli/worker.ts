/** `dlc worker`: serve units of cluster runs (runtime/worker/cluster-worker.ts) until stopped. */
import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { CommandContext } from './commands.js';
import { UsageError } from './usage-error.js';

export default async function worker(ctx: CommandContext): Promise<number> {
  const queue = typeof ctx.flags.queue === 'string' ? ctx.flags.queue : undefined;
  const storeFlag = typeof ctx.flags.store === 'string' ? ctx.flags.store : undefined;
  if (!queue) throw new UsageError('dlc worker needs --queue redis://host:port/db');
  if (!storeFlag) throw new UsageError('dlc worker needs --store PATH (the shared store)');
  const store = resolve(ctx.cwd, storeFlag);
  if (!existsSync(store) || !statSync(store).isDirectory()) {
    ctx.stderr.write(`dlc worker: the store ${store} is not a directory\n`);
    return 1;
  }
  const devices = typeof ctx.flags.devices === 'string' ? ctx.flags.devices : 'cpu';
  let device: 'cpu' | 'gpu' = 'cpu';
  if (devices === 'gpu') device = 'gpu';
  else if (/^\d+$/.test(devices)) {
    // Set before TensorFlow.js loads: CUDA reads it once.
    process.env.CUDA_VISIBLE_DEVICES = devices;
    process.env.CUDA_DEVICE_ORDER = 'PCI_BUS_ID';
    device = 'gpu';
  } else if (devices !== 'cpu') throw new UsageError(`--devices takes cpu, gpu or a GPU index, got '${devices}'`);
  else process.env.CUDA_VISIBLE_DEVICES = '-1';

  const { parseRedisUrl, ClusterConfigError } = await import('../runtime/backends/cluster/connection.js');
  const { DEFAULT_PREFIX } = await import('../runtime/backends/cluster/keys.js');
  let target;
  try {
    target = parseRedisUrl(queue, ctx.env);
  } catch (error) {
    if (error instanceof ClusterConfigError) {
      ctx.stderr.write(`dlc worker: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const { serveCluster } = await import('../runtime/worker/cluster-worker.js');
  const id = typeof ctx.flags.id === 'string' ? ctx.flags.id : `${hostname()}-${process.pid}`;
  const log = (line: string) => ctx.stderr.write(`${new Date().toISOString()} ${line}\n`);
  let served: Awaited<ReturnType<typeof serveCluster>>;
  try {
    served = await serveCluster({ target, store, id, prefix: ctx.env.DLC_REDIS_PREFIX ?? DEFAULT_PREFIX, backend: (typeof ctx.flags.backend === 'string' ? ctx.flags.backend : 'auto') as never, device, log });
  } catch (error) {
    ctx.stderr.write(`dlc worker: cannot serve ${target.label}: ${(error as Error).message}\n`);
    return 1;
  }
  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = () => {
      if (stopping) process.exit(130);
      stopping = true;
      log('stopping: the unit in progress finishes first (Ctrl-C again to abort)');
      void served.stop().then(resolveStop);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
