import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers.js';
import type { RunEvent, RunFinished, WorkerUp } from '../../runtime/events/types.js';
import { checkHopperInvariants, finalOf, readEvents, startRun, writeSpec } from '../e2e/run-fixture.js';
import { hasRedis, startCluster, type Cluster } from './cluster-harness.js';

const skip = hasRedis() ? false : 'redis-server is not installed (Debian package redis-server)';
let cluster: Cluster;

before(async () => {
  if (!skip) cluster = await startCluster({ workers: ['cw0', 'cw1', 'cw2'], password: 's3cret-test-pw' });
});
after(async () => {
  await cluster?.close();
});

const runDirOf = (events: readonly RunEvent[]) => (events.find((e) => e.type === 'run_started') as { run_dir: string }).run_dir;
const clusterArgs = () => ['--cluster', cluster.url, '--store', cluster.store, '--workers', '3'];

test('a SIGKILLed worker mid-unit: its unit is re-run elsewhere, every unit trained exactly once', { skip }, async () => {
  const spec = writeSpec({ epochs: 2, workers: 3 });
  const run = startRun([spec, ...clusterArgs()], cluster.env);
  const up = (await run.when((e) => e.type === 'worker_up' && e.worker === 'cw1')) as WorkerUp;
  await run.when((e) => e.type === 'unit_started' && e.worker === 'cw1');
  process.kill(up.pid, 'SIGKILL');
  assert.equal(await run.done, 0, run.stderr());
  assert.ok(run.events.some((e) => e.type === 'worker_down' && e.worker === 'cw1'));
  checkHopperInvariants(run.events, 2, 2, 3);
  assert.equal((run.events.at(-1) as RunFinished).status, 'completed');
  await cluster.startWorker('cw1b');
});

test('Redis restarted mid-run (AOF): the run carries on and finishes with every unit once', { skip }, async () => {
  const spec = writeSpec({ epochs: 2, workers: 3 });
  const run = startRun([spec, ...clusterArgs()], cluster.env);
  let n = 0;
  await run.when((e) => e.type === 'unit_finished' && e.status === 'completed' && ++n === 3);
  await cluster.stopRedis();
  await new Promise((r) => setTimeout(r, 1500));
  await cluster.startRedis();
  assert.equal(await run.done, 0, run.stderr());
  checkHopperInvariants(run.events, 2, 2, 3);
  assert.equal((run.events.at(-1) as RunFinished).status, 'completed');
});

test('the driver killed and resumed with --cluster: finishes, no unit twice, same metrics as a local run', { skip }, async () => {
  const spec = writeSpec({ epochs: 2, workers: 3, parallelism: '{ strategy: hopper, partitions: 3 }' });
  const run = startRun([spec, ...clusterArgs()], cluster.env);
  let n = 0;
  await run.when((e) => e.type === 'unit_finished' && e.status === 'completed' && ++n === 4);
  const dir = runDirOf(run.events);
  run.child.kill('SIGKILL');
  await run.done;
  const resumed = startRun(['--resume', dir, '--cluster', cluster.url, '--store', cluster.store], cluster.env);
  assert.equal(await resumed.done, 0, resumed.stderr());
  const events = readEvents(dir);
  checkHopperInvariants(events, 2, 2, 3);
  // The seeded visit order makes the cluster's results those of a local run with the same partitions.
  const local = startRun([spec, '--run-dir', join(dir, '..', 'local-reference')]);
  assert.equal(await local.done, 0, local.stderr());
  assert.deepEqual(finalOf(events), finalOf(local.events));
});

test('the Redis password never appears on a command line or in output; a URL with a password is refused', { skip }, async () => {
  const spec = writeSpec({ epochs: 1 });
  const withPassword = runCli(['run', spec, '--cluster', cluster.url.replace('//', '//:s3cret-test-pw@'), '--store', cluster.store], { env: cluster.env });
  assert.equal(withPassword.status, 1);
  assert.match(withPassword.stderr, /carries a password; remove it/);
  assert.doesNotMatch(withPassword.stderr, /s3cret-test-pw/);
  const wrong = runCli(['run', spec, '--cluster', cluster.url, '--store', cluster.store], { env: { ...cluster.env, DLC_REDIS_PASSWORD: 'wrong', DLC_CLUSTER_WAIT_MS: '2000' } });
  assert.equal(wrong.status, 1);
  assert.doesNotMatch(wrong.stderr + wrong.stdout, /s3cret-test-pw|wrong/);
  for (const log of cluster.workerLogs.values()) assert.doesNotMatch(log, /s3cret-test-pw/);
});
