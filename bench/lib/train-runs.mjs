// Shared pieces of the training benchmarks (overhead, hopper, accuracy): whole processes timed with their
// CPU time, `dlc run` read back through its event stream, and the machine's load around each measurement.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's dataset-fashion-mnist: the full 60k/10k Fashion-MNIST. */
export const FULL_FASHION = '/usr/share/datasets/fashion-mnist';

export function fashionFiles(dir) {
  return {
    trainImages: join(dir, 'train-images-idx3-ubyte.gz'),
    trainLabels: join(dir, 'train-labels-idx1-ubyte.gz'),
    testImages: join(dir, 't10k-images-idx3-ubyte.gz'),
    testLabels: join(dir, 't10k-labels-idx1-ubyte.gz'),
  };
}

export const hasFullFashion = () => Object.values(fashionFiles(FULL_FASHION)).every((f) => existsSync(f));

export const load1 = () => Math.round(loadavg()[0] * 100) / 100;
export const cores = () => availableParallelism();

const TIME = '/usr/bin/time';
const hasTime = existsSync(TIME);

/**
 * Runs `node ...args` to completion. Wall time from spawn to exit, and when GNU time is there, the CPU time
 * (user + system) of the process and every descendant it waited for (so `dlc run`'s workers count too).
 * The 1-minute load average is sampled before and after.
 */
export function runNode(args, { cwd, env, timeoutMs } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'dlc-bench-time-'));
  const timeFile = join(tmp, 'time');
  const command = hasTime ? TIME : process.execPath;
  const argv = hasTime ? ['-f', '%U %S', '-o', timeFile, process.execPath, ...args] : args;
  const loadBefore = load1();
  const startedAt = Date.now();
  const t = process.hrtime.bigint();
  const r = spawnSync(command, argv, { cwd, env: env ?? process.env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...(timeoutMs ? { timeout: timeoutMs } : {}) });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  let cpuSeconds = null;
  try {
    const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(/\s+/).map(Number);
    if (Number.isFinite(user) && Number.isFinite(sys)) cpuSeconds = user + sys;
  } catch {
    // no GNU time: CPU time unknown
  }
  rmSync(tmp, { recursive: true, force: true });
  if (r.error) throw r.error;
  return { ms, cpuSeconds, startedAt, status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, load: { before: loadBefore, after: load1() } };
}

/**
 * Runs `node ...args` without blocking, handing each line of its stdout to `onLine` as it comes (`dlc run
 * --json` prints its events so). Resolves like runNode, CPU time included when GNU time is there.
 */
export function runNodeAsync(args, { cwd, env, onLine, onSpawn, cpu = true } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'dlc-bench-time-'));
  const timeFile = join(tmp, 'time');
  // Without the GNU time wrapper the child is node itself, so a signal sent to it reaches dlc (cpu: false).
  const timed = cpu && hasTime;
  const command = timed ? TIME : process.execPath;
  const argv = timed ? ['-f', '%U %S', '-o', timeFile, process.execPath, ...args] : args;
  const loadBefore = load1();
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const t = process.hrtime.bigint();
    const child = spawn(command, argv, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (s) => {
      stdout += s;
      partial += s;
      const lines = partial.split('\n');
      partial = lines.pop();
      for (const line of lines) onLine?.(line);
    });
    child.stderr.setEncoding('utf8').on('data', (s) => {
      stderr += s;
    });
    child.on('error', reject);
    onSpawn?.(child);
    child.on('close', (status, signal) => {
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      let cpuSeconds = null;
      try {
        const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(/\s+/).map(Number);
        if (Number.isFinite(user) && Number.isFinite(sys)) cpuSeconds = user + sys;
      } catch {
        // no GNU time: CPU time unknown
      }
      rmSync(tmp, { recursive: true, force: true });
      resolve({ ms, cpuSeconds, startedAt, status, signal, stdout, stderr, load: { before: loadBefore, after: load1() } });
    });
  });
}

/** CPU seconds (user + system) a live process has used so far, from /proc (Linux); null elsewhere. */
export function processCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * `dlc run --json`, watching its events as they come: the CPU time each worker process spends on each
 * unit (from /proc at unit_started and unit_finished), which other work on the machine inflates far less
 * than wall time.
 */
export async function runDlcWatched(cli, args, { cwd, env, onEvent, onSpawn, cpu } = {}) {
  const pids = new Map();
  const open = new Map();
  const unitCpu = [];
  const onLine = (line) => {
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      return;
    }
    onEvent?.(e);
    if (e.type === 'worker_up') pids.set(e.worker, e.pid);
    else if (e.type === 'unit_started') open.set(e.seq, processCpuSeconds(pids.get(e.worker)));
    else if (e.type === 'unit_finished' && open.has(e.seq)) {
      const end = processCpuSeconds(pids.get(e.worker));
      const begin = open.get(e.seq);
      open.delete(e.seq);
      if (begin !== null && end !== null) unitCpu.push({ seq: e.seq, trial: e.trial, epoch: e.epoch, worker: e.worker, cpu: end - begin, seconds: e.seconds });
    }
  };
  const r = await runNodeAsync([cli, 'run', ...args, '--json'], { cwd, env, onLine, onSpawn, cpu });
  return { ...r, unitCpu };
}

/** The records of a run's events.ndjson (a cut-short last line is skipped, as docs/events.md allows). */
export function readEvents(runDir) {
  const out = [];
  for (const line of readFileSync(join(runDir, 'events.ndjson'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // a crash may leave the last line incomplete
    }
  }
  return out;
}

/** The evaluate steps' results (evaluations/<node>.json) of a run. */
export function readEvaluations(runDir) {
  const dir = join(runDir, 'evaluations');
  if (!existsSync(dir)) return {};
  return Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => [f.slice(0, -5), JSON.parse(readFileSync(join(dir, f), 'utf8'))]));
}

const at = (e) => Date.parse(e.time);

/**
 * Where a `dlc run`'s time went, in seconds, from its events and the moment the process was spawned:
 * start-up (spawn until every worker has its engine), data (sources and relational steps, then cutting the
 * training data into partition files), training (first unit handed out until the last one finished: the
 * units' own seconds plus checkpoints, validation and messages), finish (exporting the best model, evaluate
 * and export steps), exit (from run_finished until the process ended).
 */
export function dlcPhases(events, spawnedAt, exitedAtMs) {
  const first = (pred) => events.find(pred);
  const last = (pred) => events.findLast(pred);
  const workersUp = last((e) => e.type === 'worker_up');
  const trainStarted = first((e) => e.type === 'node_started' && e.op === 'train');
  const firstUnit = first((e) => e.type === 'unit_started');
  const lastUnit = last((e) => e.type === 'unit_finished');
  const runFinished = last((e) => e.type === 'run_finished');
  const units = events.filter((e) => e.type === 'unit_finished' && e.status === 'completed');
  const s = (a, b) => (a === undefined || b === undefined ? null : (b - a) / 1000);
  return {
    startup: s(spawnedAt, workersUp && at(workersUp)),
    data: s(workersUp && at(workersUp), firstUnit && at(firstUnit)),
    dataRelational: s(workersUp && at(workersUp), trainStarted && at(trainStarted)),
    dataPartitions: s(trainStarted && at(trainStarted), firstUnit && at(firstUnit)),
    training: s(firstUnit && at(firstUnit), lastUnit && at(lastUnit)),
    unitSeconds: units.reduce((n, e) => n + (e.seconds ?? 0), 0),
    finish: s(lastUnit && at(lastUnit), runFinished && at(runFinished)),
    exit: exitedAtMs === undefined ? null : s(runFinished && at(runFinished), exitedAtMs),
    units: units.map((e) => ({ seq: e.seq, trial: e.trial, epoch: e.epoch, partition: e.partition, worker: e.worker, seconds: e.seconds, examples: e.examples, bytes: e.bytes_moved })),
    trainNodeSeconds: last((e) => e.type === 'node_finished' && e.op === 'train')?.seconds ?? null,
    runSeconds: runFinished?.seconds ?? null,
    bytesMoved: runFinished?.bytes_moved ?? null,
    status: runFinished?.status ?? 'unknown',
  };
}

/** The dlc command line: `node dist/cli/main.js ...`. */
export const dlcCli = (root) => join(root, 'dist', 'cli', 'main.js');

/** Fails with the run's own words when `dlc run` did not complete. */
export function mustComplete(r, runDir, what) {
  let status = 'unknown';
  try {
    status = readEvents(runDir).findLast((e) => e.type === 'run_finished')?.status ?? 'no run_finished';
  } catch {
    // no events file at all
  }
  if (r.status !== 0 || status !== 'completed') {
    throw new Error(`${what} exited ${r.status ?? r.signal} with run status ${status}:\n${(r.stdout ?? '').slice(-3000)}${(r.stderr ?? '').slice(-3000)}`);
  }
}

/** Median, quartiles and extremes, rounded for tables. */
export const fmt = (x, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
