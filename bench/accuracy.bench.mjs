// Test accuracy the Fashion-MNIST specs reach on the full data, and how long they take: `dlc run` of
// specs/fashion-mnist-mlp.yaml and specs/fashion-mnist-cnn.yaml, the best model's accuracy on the 10,000
// test images from the evaluate step (evaluations/test_metrics.json), and, for every epoch of every trial,
// the test accuracy of the checkpoint that closed it (copied as the run goes, evaluated afterwards), so the
// curve is there too.
//
// The CNN grid takes hours on a CPU-only machine (wasm: ~380 images/s per core). Without a native backend
// (tfjs-node, tfjs-node-gpu) the benchmark by default runs the spec's model with the search narrowed to the
// configurations in BENCH_CNN_SPACE for at most BENCH_CNN_MINUTES, stops the run gracefully (as Ctrl-C
// does) and reports the accuracy reached per epoch; BENCH_CNN_MODE=full runs the spec as written.
// BENCH_CNN_RUN_DIR reports a CNN run made outside the benchmark instead (see summarizeRun).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDocument } from 'yaml';
import { cores, dlcCli, fashionFiles, FULL_FASHION, fmt, hasFullFashion, load1, readEvaluations, readEvents, runDlcWatched, runNode } from './lib/train-runs.mjs';

const PARTS = (process.env.BENCH_ACCURACY ?? 'mlp,cnn').split(',').map((s) => s.trim());
const CNN_MINUTES = Number(process.env.BENCH_CNN_MINUTES ?? 40);
// After the graceful stop, how long running units may take to finish before the run is aborted (a second
// SIGINT, as a second Ctrl-C): a unit started just before the budget ran out would otherwise take a whole
// further epoch. Work of an aborted unit is lost; every finished epoch's checkpoint is already copied.
const CNN_GRACE_MINUTES = Number(process.env.BENCH_CNN_GRACE_MINUTES ?? 5);
const CNN_MODE_ENV = process.env.BENCH_CNN_MODE ?? 'auto';
// The configuration(s) the narrowed CNN run trains: one value per search-space entry, or two for one entry
// to train two configurations on two workers.
const CNN_SPACE = JSON.parse(process.env.BENCH_CNN_SPACE ?? '{"filters":[32],"dropout":[0.3,0.5]}');
const KEEP = process.env.BENCH_KEEP_RUNS ?? '';
// A CNN run made outside the benchmark (it takes hours on wasm, so it may span several sessions through
// `dlc run --resume`): its run directory, and the directory its epoch checkpoints were copied into as they
// appeared (files trial-T-epoch-E.ckpt). The CNN part then reports that run instead of starting one.
const CNN_RUN_DIR = process.env.BENCH_CNN_RUN_DIR ?? '';
const CNN_EPOCHS_DIR = process.env.BENCH_CNN_EPOCHS_DIR ?? '';
const TARGETS = { mlp: 0.885, cnn: 0.935 };
const REFERENCE = { mlp: 'Zalando benchmark, MLPClassifier 256-128-100: 0.8833', cnn: 'Zalando benchmark, 2 conv + pooling + BN: 0.934' };

/** The backend dlc's workers would start here: wasm or cpu means no native TensorFlow. */
async function bestBackend(root) {
  const { initEngine } = await import(pathToFileURL(join(root, 'dist', 'runtime', 'engine', 'index.js')).href);
  return (await initEngine({ quiet: true })).backend;
}

/** The CNN spec with its search narrowed to `space` (choice lists), written next to a temporary run. */
function narrowedSpec(root, dir, space) {
  const doc = parseDocument(readFileSync(join(root, 'specs', 'fashion-mnist-cnn.yaml'), 'utf8'));
  const spec = doc.toJS();
  const have = Object.keys(spec.steps.search.search.space);
  const unknown = Object.keys(space).filter((k) => !have.includes(k));
  if (unknown.length) throw new Error(`BENCH_CNN_SPACE names ${unknown.join(', ')}, not in the CNN spec's search space (${have.join(', ')})`);
  for (const k of have) {
    if (!(k in space)) throw new Error(`BENCH_CNN_SPACE must give ${k} (the spec's space has ${have.join(', ')})`);
    doc.setIn(['steps', 'search', 'search', 'space', k], doc.createNode({ choice: space[k] }, { flow: true }));
  }
  doc.setIn(['name'], 'fashion-mnist-cnn-narrowed');
  // As many configurations as workers: under model hopping with a seeded visit order two models that want
  // the same partition next wait for each other, a whole unit at a time; task parallelism gives each worker
  // its own model on a full copy of the data (188 MB), which fits.
  doc.setIn(['steps', 'search', 'parallelism'], 'task');
  doc.setIn(['steps', 'publish', 'path'], './out/model');
  const file = join(dir, 'fashion-mnist-cnn-narrowed.yaml');
  writeFileSync(file, doc.toString());
  return file;
}

/**
 * Runs a spec with `dlc run --json`, copying the checkpoint of every epoch's last unit as it appears (the
 * run keeps only each trial's newest two). With `budgetMs`, sends SIGINT when it is spent: dlc stops handing
 * out units and finishes the running ones.
 */
async function runSpec(root, spec, runDir, { budgetMs, log }) {
  const keepDir = join(runDir, '..', `${runDir.split('/').at(-1)}-epochs`);
  mkdirSync(keepDir, { recursive: true });
  const epochCkpts = [];
  const params = new Map();
  let timer;
  let stoppedAt;
  let aborted = false;
  const started = Date.now();
  const r = await runDlcWatched(dlcCli(root), [spec, '--run-dir', runDir], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' },
    cpu: budgetMs === undefined,
    onSpawn: (child) => {
      if (budgetMs !== undefined) {
        timer = setTimeout(() => {
          stoppedAt = Date.now();
          log(`time budget of ${(budgetMs / 60000).toFixed(0)} min spent: stopping the run (SIGINT); running units may finish within ${CNN_GRACE_MINUTES} min`);
          child.kill('SIGINT');
          timer = setTimeout(() => {
            aborted = true;
            log('grace period over: aborting the run (second SIGINT); the unit in progress is lost');
            child.kill('SIGINT');
          }, CNN_GRACE_MINUTES * 60000);
        }, budgetMs);
      }
    },
    onEvent: (e) => {
      if (e.type === 'trial_started') params.set(e.trial, e.params);
      if (e.type === 'unit_finished' && e.status === 'completed' && e.validation && e.checkpoint) {
        const file = join(keepDir, `trial-${e.trial}-epoch-${e.epoch + 1}.ckpt`);
        copyFileSync(join(runDir, e.checkpoint), file);
        epochCkpts.push({ file, trial: e.trial, epoch: e.epoch + 1, params: params.get(e.trial) ?? {} });
      }
      if (e.type === 'epoch_finished') {
        log(`trial ${e.trial} epoch ${e.epoch}: val_accuracy ${fmt(e.metrics.val_accuracy, 4)} (${((Date.now() - started) / 60000).toFixed(1)} min)`);
      }
    },
  });
  clearTimeout(timer);
  return { r, keepDir, epochCkpts, stoppedAt, started, aborted };
}

function evaluateCheckpoints(root, runDir, ckpts, files) {
  if (ckpts.length === 0) return [];
  const args = { plan: join(runDir, 'plan.json'), node: 'search', images: files.testImages, labels: files.testLabels, checkpoints: ckpts };
  const r = runNode([join(root, 'bench', 'lib', 'eval-checkpoints.mjs'), JSON.stringify(args)], { cwd: root });
  if (r.status !== 0) throw new Error(`evaluating checkpoints failed:\n${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

async function runPart(root, dir, part, { log, mode }) {
  const files = fashionFiles(FULL_FASHION);
  const name = part === 'mlp' ? 'fashion-mnist-mlp' : 'fashion-mnist-cnn';
  const spec = part === 'cnn' && mode === 'narrowed' ? narrowedSpec(root, dir, CNN_SPACE) : join(root, 'specs', `${name}.yaml`);
  const lint = runNode([dlcCli(root), 'lint', spec], { cwd: root });
  if (lint.status !== 0) throw new Error(`${spec} does not lint clean:\n${lint.stdout}${lint.stderr}`);
  const runDir = join(dir, part);
  const budgetMs = part === 'cnn' && mode === 'narrowed' ? CNN_MINUTES * 60000 : undefined;
  log(`${part}: dlc run ${spec.startsWith(root) ? spec.slice(root.length + 1) : spec}${budgetMs ? ` for at most ${CNN_MINUTES} min` : ''}; load ${load1()}`);
  const loadBefore = load1();
  const { r, epochCkpts, stoppedAt, started, aborted } = await runSpec(root, spec, runDir, { budgetMs, log });
  const loadAfter = load1();
  const events = readEvents(runDir);
  // An aborted run (second SIGINT) ends without run_finished: it stopped by the budget, not by failing.
  const finished = events.findLast((e) => e.type === 'run_finished') ?? (aborted ? { status: 'interrupted', seconds: r.ms / 1000 } : undefined);
  if (!finished || (finished.status !== 'completed' && !(budgetMs && stoppedAt && finished.status === 'interrupted'))) {
    throw new Error(`${part}: dlc run ended ${finished?.status ?? 'without run_finished'} (exit ${r.status}):\n${r.stderr.slice(-3000)}`);
  }
  const evaluation = readEvaluations(runDir).test_metrics ?? null;
  log(`${part}: run ${finished.status} in ${fmt(r.ms / 60000, 1)} min; evaluating ${epochCkpts.length} epoch checkpoints on the test images`);
  const perEpoch = evaluateCheckpoints(root, runDir, epochCkpts, files);
  const outcome = outcomeOf(events, perEpoch, evaluation, 'running when stopped');
  const workers = events.filter((e) => e.type === 'worker_up');
  if (KEEP) {
    const keep = join(KEEP, `${part}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(keep, { recursive: true });
    copyFileSync(join(runDir, 'events.ndjson'), join(keep, 'events.ndjson'));
    copyFileSync(join(runDir, 'plan.json'), join(keep, 'plan.json'));
    writeFileSync(join(keep, 'per-epoch-test.json'), `${JSON.stringify(perEpoch, null, 2)}\n`);
  }
  return {
    part,
    spec: spec.startsWith(root) ? spec.slice(root.length + 1) : spec,
    mode: part === 'cnn' ? mode : 'full',
    ...(budgetMs ? { narrowedTo: { space: CNN_SPACE, minutes: CNN_MINUTES } } : {}),
    status: finished.status,
    wallSeconds: r.ms / 1000,
    runSeconds: finished.seconds,
    cpuSeconds: r.cpuSeconds,
    stoppedAfterSeconds: stoppedAt ? (stoppedAt - started) / 1000 : null,
    aborted,
    load: { before: loadBefore, after: loadAfter },
    workers: workers.map((w) => `${w.worker} ${w.backend} ${w.device}`),
    ...outcome,
  };
}

/**
 * What a run's events and its epoch checkpoints' test figures say: every trial with its curve, the best by
 * val_accuracy at its last epoch, and the figure. That is the evaluate step's test accuracy when the run
 * completed, otherwise the test accuracy of the best trial's last finished epoch (what the evaluate step
 * would have reported had the run ended there).
 */
function outcomeOf(events, perEpoch, evaluation, unfinished) {
  const trials = events.filter((e) => e.type === 'trial_started').map((e) => {
    const end = events.find((f) => f.type === 'trial_finished' && f.trial === e.trial);
    const epochs = events.filter((f) => f.type === 'epoch_finished' && f.trial === e.trial).map((f) => ({ epoch: f.epoch, ...f.metrics }));
    return { trial: e.trial, params: e.params, status: end?.status ?? unfinished, epochs: epochs.length, last: epochs.at(-1) ?? null, curve: epochs, seconds: end?.seconds ?? null };
  });
  const objective = (t) => t.last?.val_accuracy ?? -Infinity;
  const best = [...trials].sort((a, b) => objective(b) - objective(a))[0];
  const bestTest = perEpoch.filter((x) => x.trial === best?.trial).sort((a, b) => a.epoch - b.epoch);
  return {
    evaluation,
    best: best ? { trial: best.trial, params: best.params, epochs: best.epochs, val_accuracy: best.last?.val_accuracy ?? null } : null,
    testAccuracy: evaluation?.metrics?.accuracy ?? bestTest.at(-1)?.metrics?.accuracy ?? null,
    bestTestCurve: bestTest.map((x) => ({ epoch: x.epoch, accuracy: x.metrics.accuracy, loss: x.metrics.loss })),
    trials,
    perEpoch: perEpoch.map((x) => ({ trial: x.trial, epoch: x.epoch, accuracy: x.metrics.accuracy, loss: x.metrics.loss })),
  };
}

/**
 * The CNN part from a run made outside the benchmark (BENCH_CNN_RUN_DIR): its events (one stretch per
 * session, from each run_started to the last event before the next), the evaluate step's result if it
 * finished, and the test accuracy of every kept epoch checkpoint.
 */
function summarizeRun(root, runDir, epochsDir, { log }) {
  const files = fashionFiles(FULL_FASHION);
  const events = readEvents(runDir);
  const params = new Map(events.filter((e) => e.type === 'trial_started').map((e) => [e.trial, e.params]));
  const at = (e) => Date.parse(e.time);
  let activeMs = 0;
  let sessions = 0;
  let from;
  let last;
  for (const e of events) {
    if (e.type === 'run_started') {
      if (from !== undefined && last !== undefined) activeMs += at(last) - at(from);
      from = e;
      sessions++;
    }
    last = e;
  }
  if (from !== undefined && last !== undefined) activeMs += at(last) - at(from);
  const epochCkpts = epochsDir && existsSync(epochsDir)
    ? readdirSync(epochsDir).flatMap((f) => {
        const m = /^trial-(\d+)-epoch-(\d+)\.ckpt$/.exec(f);
        return m ? [{ file: join(epochsDir, f), trial: Number(m[1]), epoch: Number(m[2]), params: params.get(Number(m[1])) ?? {} }] : [];
      })
    : [];
  log(`cnn: reporting the run in ${runDir} (${sessions} session(s), ${fmt(activeMs / 60000, 1)} min running); evaluating ${epochCkpts.length} epoch checkpoints on the test images`);
  const perEpoch = evaluateCheckpoints(root, runDir, epochCkpts, files);
  const done = events.findLast((e) => e.type === 'run_finished')?.status === 'completed';
  const evaluation = done ? (readEvaluations(runDir).test_metrics ?? null) : null;
  return {
    part: 'cnn',
    spec: join(runDir, 'spec.yaml'),
    mode: 'run',
    fromRun: { dir: runDir, sessions, finished: done },
    status: done ? 'completed' : 'in progress',
    wallSeconds: activeMs / 1000,
    runSeconds: activeMs / 1000,
    cpuSeconds: null,
    stoppedAfterSeconds: null,
    aborted: false,
    load: { before: '–', after: '–' },
    workers: [...new Set(events.filter((e) => e.type === 'worker_up').map((w) => `${w.worker} ${w.backend} ${w.device}`))],
    ...outcomeOf(events, perEpoch, evaluation, 'not finished yet'),
  };
}

/**
 * Parts of an earlier result that this run does not repeat (BENCH_ACCURACY names fewer parts), each with
 * when, at which revision and by which command it was measured, so one file keeps both specs' figures.
 */
function carriedOver(resultsDir, skip) {
  const file = join(resultsDir, 'accuracy.json');
  if (!existsSync(file)) return [];
  try {
    const old = JSON.parse(readFileSync(file, 'utf8'));
    return (old.figures?.parts ?? [])
      .filter((p) => !skip.includes(p.part))
      .map((p) => ({ ...p, carried: p.carried ?? { date: old.date, revision: old.revision, command: old.command, machine: old.machine } }));
  } catch {
    return [];
  }
}

export async function run({ root, resultsDir, log }) {
  if (!hasFullFashion()) throw new Error(`the full Fashion-MNIST is not at ${FULL_FASHION} (Debian: apt-get install dataset-fashion-mnist)`);
  const unknown = PARTS.filter((p) => p !== 'mlp' && p !== 'cnn');
  if (unknown.length) throw new Error(`BENCH_ACCURACY takes mlp and/or cnn, not ${unknown.join(', ')}`);
  const backend = await bestBackend(root);
  const mode = CNN_MODE_ENV === 'auto' ? (backend === 'wasm' || backend === 'cpu' ? 'narrowed' : 'full') : CNN_MODE_ENV;
  if (mode !== 'narrowed' && mode !== 'full') throw new Error(`BENCH_CNN_MODE is auto, full or narrowed, not ${mode}`);
  const dir = mkdtempSync(join(tmpdir(), 'dlc-bench-accuracy-'));
  const parts = [];
  try {
    for (const part of PARTS) parts.push(part === 'cnn' && CNN_RUN_DIR ? summarizeRun(root, CNN_RUN_DIR, CNN_EPOCHS_DIR, { log }) : await runPart(root, dir, part, { log, mode }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  parts.push(...carriedOver(resultsDir, PARTS));
  parts.sort((a, b) => a.part.localeCompare(b.part) * -1);
  const byPart = Object.fromEntries(parts.map((p) => [p.part, p]));
  const targets = parts.map((p) => {
    const partial = p.status !== 'completed';
    return {
      name: `best ${p.part.toUpperCase()} test accuracy (${p.spec}${p.part === 'cnn' && p.mode === 'narrowed' ? `, narrowed, stopped after ${fmt(p.stoppedAfterSeconds / 60, 0)} min at epoch ${p.best?.epochs}` : ''}${p.fromRun ? `, a run over ${p.fromRun.sessions} session(s), ${p.status} at epoch ${p.best?.epochs}` : ''}${p.carried ? `; measured ${p.carried.date} at ${p.carried.revision}` : ''})`,
      limit: `≥ ${TARGETS[p.part]}`,
      measured: `${fmt(p.testAccuracy, 4)}${partial ? (p.fromRun ? ' (the run has not finished: its best trial\'s last epoch so far)' : ' (not yet at target: run stopped by its time budget)') : ''}`,
      pass: p.testAccuracy !== null && p.testAccuracy >= TARGETS[p.part],
    };
  });

  const summary = {
    title: 'Runs',
    columns: ['spec', 'measured', 'run', 'workers', 'wall time', 'CPU (whole tree)', 'load before → after', 'best trial', 'its epochs', 'its val_accuracy', 'test accuracy', 'reference'],
    rows: parts.map((p) => [
      p.spec,
      p.carried ? `${p.carried.date} at ${p.carried.revision} (\`${p.carried.command}\`), load ${p.load.before} → ${p.load.after}` : 'this run',
      p.fromRun
        ? `${p.status}; ${p.fromRun.sessions} session(s) of dlc run${p.fromRun.sessions > 1 ? ' and --resume' : ''} (${p.fromRun.dir}); wall time from its events, session by session, pauses and other work on the machine included`
        : p.status === 'completed'
          ? 'completed'
          : `stopped after ${fmt(p.stoppedAfterSeconds / 60, 1)} min (budget ${p.narrowedTo?.minutes ?? CNN_MINUTES} min)${p.aborted ? '; a unit still running after the grace period was aborted' : ''}`,
      p.workers.join(', '),
      `${fmt(p.wallSeconds / 60, 1)} min`,
      p.cpuSeconds === null ? '–' : `${fmt(p.cpuSeconds / 60, 1)} min`,
      `${p.load.before} → ${p.load.after}`,
      p.best ? `${p.best.trial} ${JSON.stringify(p.best.params)}` : '–',
      p.best?.epochs ?? '–',
      fmt(p.best?.val_accuracy, 4),
      fmt(p.testAccuracy, 4),
      REFERENCE[p.part],
    ]),
  };
  const trialTables = parts.map((p) => ({
    title: `${p.part.toUpperCase()} trials`,
    columns: ['trial', 'params', 'status', 'epochs', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'test accuracy, last epoch', 'seconds'],
    rows: p.trials.map((t) => {
      const test = p.perEpoch.filter((x) => x.trial === t.trial).sort((a, b) => a.epoch - b.epoch).at(-1);
      return [t.trial, JSON.stringify(t.params), t.status, t.epochs, fmt(t.last?.loss, 4), fmt(t.last?.accuracy, 4), fmt(t.last?.val_loss, 4), fmt(t.last?.val_accuracy, 4), fmt(test?.accuracy, 4), fmt(t.seconds, 0)];
    }),
  }));
  const curveTables = parts.map((p) => {
    const trials = p.trials.map((t) => t.trial);
    const maxEpoch = Math.max(0, ...p.trials.map((t) => t.epochs));
    return {
      title: `${p.part.toUpperCase()} per epoch: val_accuracy / test accuracy of that epoch's checkpoint`,
      columns: ['epoch', ...trials.map((t) => `trial ${t}`)],
      rows: Array.from({ length: maxEpoch }, (_, i) => [
        i + 1,
        ...trials.map((t) => {
          const tr = p.trials.find((x) => x.trial === t);
          const v = tr.curve.find((c) => c.epoch === i + 1)?.val_accuracy;
          const test = p.perEpoch.find((x) => x.trial === t && x.epoch === i + 1)?.accuracy;
          return v === undefined ? '' : `${fmt(v, 4)} / ${fmt(test, 4)}`;
        }),
      ]),
    };
  });
  const notes = [];
  for (const p of parts.filter((x) => x.carried)) notes.push(`The ${p.part.toUpperCase()} figures are carried over from an earlier run (${p.carried.date}, ${p.carried.revision}): this run was limited to BENCH_ACCURACY=${PARTS.join(',')}.`);
  if (byPart.cnn?.fromRun) {
    const r = byPart.cnn.fromRun;
    notes.push(
      `The CNN part reports a run made outside the benchmark (BENCH_CNN_RUN_DIR=${r.dir}; the spec it ran is its spec.yaml, trials ${byPart.cnn.trials.map((t) => JSON.stringify(t.params)).join(', ')}): on wasm it takes hours, so it runs over several sessions through dlc run --resume. ${r.finished ? 'It has finished: the figure is its evaluate step on the test images.' : 'It has not finished: the figure is the test accuracy of its best trial\'s last finished epoch.'}`,
    );
  }
  if (byPart.cnn?.mode === 'narrowed') {
    const narrowed = byPart.cnn.narrowedTo ?? { space: CNN_SPACE, minutes: CNN_MINUTES };
    notes.push(
      `The CNN ran narrowed to ${JSON.stringify(narrowed.space)} (BENCH_CNN_SPACE) under task parallelism for at most ${narrowed.minutes} minutes (BENCH_CNN_MINUTES) because the workers here have no native TensorFlow (backend ${backend}); the full grid of specs/fashion-mnist-cnn.yaml is meant for a machine with tfjs-node or a GPU (BENCH_CNN_MODE=full).`,
    );
  }
  // A run reported from its directory has no load figures ('–').
  const loads = parts.flatMap((p) => [p.load.before, p.load.after]).filter((l) => typeof l === 'number');
  if (loads.some((l) => l > cores())) notes.push(`The 1-minute load average exceeded the ${cores()} cores around these runs (max ${Math.max(...loads)}): other work shared the CPUs, so the wall times are longer than this machine needs when idle.`);
  notes.push('Test accuracy per epoch is measured on copies of the checkpoints that closed each epoch (the run itself keeps only the newest two per trial) after the run, with the same loss and metrics as the train step; only the evaluate step\'s figure (or, for a stopped run, the best trial\'s last epoch) is the headline, never the best epoch picked by its test accuracy.');

  return {
    title: 'Fashion-MNIST accuracy on the full data (MLP and CNN specs)',
    description: `\`dlc run\` of the Fashion-MNIST specs on the full data set (60,000 training images, 10% of them held out for validation by a stratified split; 10,000 test images), workers with the ${backend} backend. The best trial (by val_accuracy at its last epoch) is evaluated on the test images by the spec's evaluate step.`,
    options: {
      BENCH_ACCURACY: PARTS.join(','),
      ...(PARTS.includes('cnn') && CNN_RUN_DIR ? { BENCH_CNN_RUN_DIR: CNN_RUN_DIR, BENCH_CNN_EPOCHS_DIR: CNN_EPOCHS_DIR } : {}),
      ...(PARTS.includes('cnn') && !CNN_RUN_DIR ? { BENCH_CNN_MODE: CNN_MODE_ENV, BENCH_CNN_MINUTES: CNN_MINUTES, BENCH_CNN_GRACE_MINUTES: CNN_GRACE_MINUTES, BENCH_CNN_SPACE: `'${JSON.stringify(CNN_SPACE)}'` } : {}),
    },
    targets,
    tables: [summary, ...trialTables, ...curveTables],
    notes,
    figures: { backend, cnnMode: mode, parts },
  };
}
