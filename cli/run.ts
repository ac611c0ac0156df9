/**
 * `dlc run SPEC`: compiles with data checks as errors, creates the run directory and executes the plan on
 * local worker processes. `--resume RUN_DIR` continues a run that was stopped or killed, from its own plan
 * and events; `--replay RUN_DIR` repeats another run's visit order. Ctrl-C stops gracefully (running units
 * finish and checkpoint), a second Ctrl-C kills the workers. Exit 0 done, 1 failed, 2 usage, 130 stopped.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ExecutionPlan } from '../compiler/phases/5-plan/plan-types.js';
import type { CommandContext } from './commands.js';
import { compileSpec } from './compile-spec.js';
import { useColor } from './diagnostics-output.js';
import { UsageError } from './usage-error.js';

export default async function run(ctx: CommandContext): Promise<number> {
  const resumeDir = typeof ctx.flags.resume === 'string' ? ctx.flags.resume : undefined;
  const replayDir = typeof ctx.flags.replay === 'string' ? ctx.flags.replay : undefined;
  if (resumeDir !== undefined && ctx.positionals.length > 0) throw new UsageError('--resume continues a run from its own plan; give the run directory only, not a spec');
  if (resumeDir === undefined && ctx.positionals.length === 0) throw new UsageError('dlc run needs a spec file (or --resume RUN_DIR)');
  if (resumeDir !== undefined && replayDir !== undefined) throw new UsageError('--resume and --replay cannot be combined');
  if (resumeDir !== undefined && ctx.flags['run-dir'] !== undefined) throw new UsageError('--run-dir names a new run directory; --resume continues an existing one');
  const clusterFlag = typeof ctx.flags.cluster === 'string' ? ctx.flags.cluster : undefined;
  const storeFlag = typeof ctx.flags.store === 'string' ? resolve(ctx.cwd, ctx.flags.store) : undefined;

  const { parseEvents, EventBus, NdjsonFileSink, NdjsonStreamSink } = await import('../runtime/events/sinks.js');
  const { createRunDir, openRunDir, RunDirError, RUN_FILES } = await import('../runtime/store/run-dir.js');

  let plan: ExecutionPlan;
  let dir: import('../runtime/store/run-dir.js').RunDir;
  let earlier: import('../runtime/events/types.js').RunEvent[] = [];
  try {
    if (resumeDir !== undefined) {
      const opened = openRunDir(resolve(ctx.cwd, resumeDir));
      plan = opened.plan;
      dir = opened.dir;
      earlier = parseEvents(opened.eventsText);
      const last = earlier.findLast((e) => e.type === 'run_finished');
      if (last?.type === 'run_finished' && last.status === 'completed') {
        ctx.stderr.write(`dlc run: ${dir.path} already finished; nothing to resume\n`);
        return 0;
      }
    } else {
      const result = compileSpec(ctx, 'run');
      if (!result.ok || !result.plan) return 1;
      plan = result.plan;
      const specText = readFileSync(plan.spec_file, 'utf8');
      const explicit = typeof ctx.flags['run-dir'] === 'string' ? resolve(ctx.cwd, ctx.flags['run-dir']) : undefined;
      const cluster = clusterSettings(plan, clusterFlag, storeFlag);
      // On a cluster every worker reads and writes the run's files, so the run lives in the shared store.
      const root = cluster ? join(cluster.store, 'runs') : undefined;
      dir = createRunDir({ plan, specText, ...(explicit !== undefined ? { explicit } : {}), ...(root !== undefined ? { root } : {}) });
    }
  } catch (error) {
    if (error instanceof RunDirError) {
      ctx.stderr.write(`dlc run: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  let replay: { entries: import('../runtime/scheduler/index.js').VisitEntry[]; from: string } | undefined;
  if (replayDir !== undefined) {
    try {
      const source = openRunDir(resolve(ctx.cwd, replayDir));
      const { visitLogFromEvents } = await import('../runtime/run/visit-log.js');
      replay = { entries: visitLogFromEvents(parseEvents(source.eventsText)), from: source.dir.path };
      if (replay.entries.length === 0) throw new RunDirError(`${source.dir.path} recorded no finished units to replay`);
    } catch (error) {
      if (error instanceof RunDirError) {
        ctx.stderr.write(`dlc run: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  }

  const cluster = clusterSettings(plan, clusterFlag, storeFlag);
  let createBackend: (() => Promise<import('../runtime/backends/types.js').WorkerBackend>) | undefined;
  if (cluster) {
    const { parseRedisUrl, ClusterConfigError } = await import('../runtime/backends/cluster/connection.js');
    let target: import('../runtime/backends/cluster/connection.js').RedisTarget;
    try {
      target = parseRedisUrl(cluster.queue, ctx.env);
    } catch (error) {
      if (error instanceof ClusterConfigError) {
        ctx.stderr.write(`dlc run: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    const inStore = relative(cluster.store, dir.path);
    if (inStore.startsWith('..') || isAbsolute(inStore)) {
      ctx.stderr.write(`dlc run: the run directory ${dir.path} is outside the cluster store ${cluster.store}; workers could not reach it\n`);
      return 1;
    }
    createBackend = async () => {
      const { ClusterBackend } = await import('../runtime/backends/cluster/backend.js');
      const { DEFAULT_PREFIX } = await import('../runtime/backends/cluster/keys.js');
      return ClusterBackend.connect({
        target,
        prefix: ctx.env.DLC_REDIS_PREFIX ?? DEFAULT_PREFIX,
        run: dir.id,
        store: cluster.store,
        minWorkers: plan.resources.workers_from === 'auto' ? 1 : plan.resources.workers,
        waitMs: Number(ctx.env.DLC_CLUSTER_WAIT_MS ?? 60_000),
        log: (level, message) => bus.emit({ type: 'log', level, message }),
      });
    };
  }

  let stopping = false;
  let backend: import('../runtime/backends/types.js').WorkerBackend | undefined;
  const bus = new EventBus();
  const runStarted = performance.now();
  // Bytes the trials finished so far moved, for the run_finished record of an aborted run.
  let bytesMoved = 0;
  bus.add({
    emit: (e) => {
      if (e.type === 'trial_finished') bytesMoved += e.bytes_moved ?? 0;
    },
  });
  // The first stop request (Ctrl-C, SIGTERM or `q` in the terminal UI) lets running units finish and
  // checkpoint; a second one kills the workers. Either way the run's record ends with run_finished
  // (written synchronously), so the run directory says how it ended and that it can be resumed.
  let aborting = false;
  const requestStop = (): void => {
    if (aborting) return;
    if (!stopping) {
      stopping = true;
      bus.emit({ type: 'log', level: 'warn', message: 'stopping: running units finish and checkpoint (Ctrl-C again to abort now)' });
      return;
    }
    aborting = true;
    backend?.kill();
    bus.emit({
      type: 'run_finished',
      status: 'interrupted',
      run_dir: dir.path,
      seconds: (performance.now() - runStarted) / 1000,
      best: null,
      bytes_moved: bytesMoved,
      error: 'aborted by a second stop request: the units that were running are lost and will be trained again on resume',
    });
    // Give the terminal back (raw mode off, cursor shown) before leaving, but never wait long for it.
    void Promise.race([tui?.close?.(), new Promise((r) => setTimeout(r, 500))]).finally(() => process.exit(130));
  };
  const onSigint = requestStop;

  bus.add(new NdjsonFileSink(join(dir.path, RUN_FILES.events)));
  const { selectReporter } = await import('../runtime/reporters/select-reporter.js');
  const reporter = selectReporter({ json: ctx.flags.json === true, plain: ctx.flags.plain === true, stderrIsTTY: ctx.stderr.isTTY === true, env: ctx.env });
  let tui: import('../runtime/events/types.js').EventSink | undefined;
  if (reporter === 'json') bus.add(new NdjsonStreamSink(ctx.stdout));
  else if (reporter === 'tui') {
    const { TuiReporter } = await (await import('../runtime/reporters/tui/load-tui.js')).loadTuiReporter();
    const { outlineOf } = await import('../runtime/reporters/view/plan-outline.js');
    tui = new TuiReporter({ out: ctx.stderr, input: process.stdin, color: useColor(ctx.stderr, ctx.env), cwd: ctx.cwd, outline: outlineOf(plan), earlier, onStop: requestStop });
    bus.add(tui);
  } else {
    const { PlainReporter } = await import('../runtime/reporters/plain.js');
    bus.add(new PlainReporter(ctx.stderr, { color: useColor(ctx.stderr, ctx.env), cwd: ctx.cwd, verbose: ctx.flags.verbose === true }));
  }

  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const { executeRun } = await import('../runtime/run/execute.js');
    const backendFlag = typeof ctx.flags.backend === 'string' ? ctx.flags.backend : undefined;
    const { StepCache } = await import('../runtime/store/step-cache.js');
    const { dlcVersion } = await import('./version.js');
    const cacheDir = ctx.env.DLC_CACHE_DIR ? resolve(ctx.cwd, ctx.env.DLC_CACHE_DIR) : join(dirname(plan.spec_file), '.dlc-cache');
    const cache = ctx.flags['no-cache'] === true ? undefined : new StepCache(cacheDir, dlcVersion());
    const result = await executeRun({
      plan,
      ...(cache ? { cache } : {}),
      dir,
      bus,
      earlierEvents: earlier,
      ...(replay ? { replay } : {}),
      ...(backendFlag ? { backend: backendFlag } : {}),
      ...(createBackend ? { createBackend } : {}),
      stopRequested: () => stopping,
      onBackend: (b) => {
        backend = b;
      },
    });
    await bus.close();
    tui = undefined;
    return result.status === 'completed' ? 0 : result.status === 'interrupted' ? 130 : 1;
  } finally {
    // An error out of the run must still give the terminal back (raw mode off, cursor shown).
    await tui?.close?.();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/** Where the cluster is, from the command line or `resources.cluster`; undefined for a local run. */
function clusterSettings(plan: ExecutionPlan, queueFlag: string | undefined, storeFlag: string | undefined): { queue: string; store: string } | undefined {
  const queue = queueFlag ?? plan.resources.cluster?.queue;
  if (queue === undefined) return undefined;
  const store = storeFlag ?? plan.resources.cluster?.store;
  if (store === undefined) throw new UsageError('a cluster run needs a shared store: --store PATH or resources.cluster.store');
  return { queue, store: resolve(store) };
}
