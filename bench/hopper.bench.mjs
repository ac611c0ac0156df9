// Model hopper parallelism (Cerebro's MOP) against task parallelism, on 1 and 2 workers: 8 configurations
// × 2 epochs on a Fashion-MNIST subset (BENCH_SUBSET training images, cut from Debian's full data set when
// it is installed, else the shipped 6,000), each variant a whole `dlc run` of a spec generated into a
// temporary directory, the four variants run in an order that rotates every round.
//
// The machine's own ceiling is measured alongside: the hand-written tfjs loop of the overhead benchmark run
// alone and then as two copies at once. Two processes training at the same time here each run slower than
// one alone (the two vCPUs share more of the host than their count says), so no scheduler can reach 2×;
// the ceiling says how close hopper gets to what the machine allows.
//
// Reported: training makespan (first unit handed out until the last finished) and whole-process wall time;
// hopper's speed-up from 1 to 2 workers; hopper's time over task parallelism's; the bytes of model state
// moved (run_finished.bytes_moved and per trial) against Cerebro's k·m·p·|S| + m·|S|; the data each worker
// holds; and, from /proc, the CPU time each worker spent on its units, which says how much of the machine
// the run actually had when other work shared it.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFashionSubset } from './lib/fashion-subset.mjs';
import { summarize } from './lib/measure.mjs';
import { cores, dlcCli, dlcPhases, fashionFiles, fmt, FULL_FASHION, hasFullFashion, load1, mustComplete, readEvents, runDlcWatched, runNode, runNodeAsync } from './lib/train-runs.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 2);
/** Training images (before the 0.9/0.1 split). Bigger units make per-unit costs (checkpoints, hand-offs) a smaller share. */
const SUBSET = Number(process.env.BENCH_SUBSET ?? (hasFullFashion() ? 24000 : 6000));
const CEILING = (process.env.BENCH_CEILING ?? '1') !== '0';
const TARGETS = { speedup: 1.8, hopperOverTask: 1.1, bytes: 0.1 };
const LR = [0.0005, 0.001, 0.002, 0.004];
const DROPOUT = [0.1, 0.3];
const CONFIGS = LR.length * DROPOUT.length;

function specText(data, strategy) {
  return `dlc: 1
name: hopper-${strategy}
description: 8 configurations of one MLP, for the hopper benchmark
seed: 2020
resources:
  workers: 2
sources:
  train_raw: { format: idx, images: ${data}/train-images-idx3-ubyte.gz, labels: ${data}/train-labels-idx1-ubyte.gz }
steps:
  scaled: { op: transform, from: train_raw, normalize: { image: { divide_by: 255 } } }
  split: { op: split, from: scaled, fractions: { train: 0.9, validation: 0.1 }, stratify: label }
  search:
    op: train
    data: { train: split.train, validation: split.validation }
    features: [image]
    label: label
    model:
      input_shape: [28, 28]
      layers:
        - flatten: {}
        - dense: { units: 128, activation: relu }
        - dropout: { rate: "\${hp.dropout}" }
        - dense: { units: 10, activation: softmax }
    optimizer: { name: adam, learning_rate: "\${hp.lr}" }
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    batch_size: 64
    epochs: ${EPOCHS}
    search:
      algorithm: grid
      space:
        lr: { choice: [${LR.join(', ')}] }
        dropout: { choice: [${DROPOUT.join(', ')}] }
      objective: { metric: val_accuracy, mode: max }
    parallelism: { strategy: ${strategy} }
`;
}

/** The models a worker keeps in memory (runtime/worker/trial-models.ts, TrialModels' default capacity). */
const WORKER_MODEL_CACHE = 6;

/**
 * Checkpoint reads the visit order implies: a unit reads its trial's checkpoint unless it is the trial's
 * first, or the worker still holds the model as the trial's previous unit left it (it trained that unit and
 * has not evicted the model since, least recently used first).
 */
function simulatedReads(units) {
  const caches = new Map();
  const lastWorker = new Map();
  let reads = 0;
  for (const u of [...units].sort((a, b) => a.seq - b.seq)) {
    const cache = caches.get(u.worker) ?? [];
    caches.set(u.worker, cache);
    const held = cache.includes(u.trial) && lastWorker.get(u.trial) === u.worker;
    if (lastWorker.has(u.trial) && !held) reads++;
    const at = cache.indexOf(u.trial);
    if (at >= 0) cache.splice(at, 1);
    cache.push(u.trial);
    while (cache.length > WORKER_MODEL_CACHE) cache.shift();
    lastWorker.set(u.trial, u.worker);
  }
  return reads;
}

/** What one checkpoint holds: its size m, split into header, weights and optimizer state. */
async function checkpointAnatomy(root, file) {
  const { readCheckpoint } = await import(pathToFileURL(join(root, 'dist', 'runtime', 'training', 'index.js')).href);
  const { header, data } = await readCheckpoint(file);
  const floats = (entries) => entries.reduce((n, e) => n + e.length, 0);
  const weights = floats(header.model.weights) * 4;
  const optimizer = floats(header.optimizer?.slots ?? []) * 4;
  const bytes = statSync(file).size;
  return { bytes, headerBytes: bytes - data.length, weightBytes: weights, optimizerBytes: optimizer, optimizer: header.optimizer?.className, parameters: weights / 4 };
}

/**
 * What this machine allows two trainings at once: the hand-written loop (bench/lib/tfjs-loop.mjs, the same
 * MLP and data) alone, then two copies at the same time; the ceiling is 2 × alone / the slower of the two.
 */
async function machineCeiling(root, files, dir, tag) {
  const script = join(root, 'bench', 'lib', 'tfjs-loop.mjs');
  const args = (name) => [script, JSON.stringify({ mode: 'steps', backend: 'wasm', ...files, epochs: EPOCHS, units: 128, dropout: 0.2, lr: 0.001, batchSize: 64, out: join(dir, `ceiling-${tag}-${name}`), seed: 1 })];
  const seconds = (r, what) => {
    if (r.status !== 0) throw new Error(`${what} exited ${r.status ?? r.signal}:\n${r.stderr.slice(-2000)}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)).epochSeconds.reduce((a, b) => a + b, 0);
  };
  const alone = seconds(runNode(args('alone'), { cwd: root }), 'the hand-written loop');
  const pair = await Promise.all([runNodeAsync(args('a'), { cwd: root }), runNodeAsync(args('b'), { cwd: root })]);
  const together = pair.map((r) => seconds(r, 'the hand-written loop (two at once)'));
  return { alone, together, ceiling: (2 * alone) / Math.max(...together) };
}

/** bytes_moved the plan estimates for a spec's train node at a worker count (`dlc plan --json`). */
function plannedBytes(root, cli, spec, workers, env) {
  const r = runNode([cli, 'plan', spec, '--json', '--workers', String(workers)], { cwd: root, env });
  if (r.status !== 0) throw new Error(`dlc plan ${spec} failed:\n${r.stdout}${r.stderr}`);
  const plan = JSON.parse(r.stdout);
  const node = (plan.nodes ?? plan.plan?.nodes ?? []).find((n) => n.op === 'train');
  const decision = node?.decision;
  const chosen = decision?.alternatives?.find((a) => a.strategy === decision.strategy);
  return chosen?.bytes_moved ?? null;
}

export async function run({ root, log }) {
  if (ROUNDS < 3) throw new Error(`BENCH_ROUNDS must be ≥ 3 (got ${ROUNDS})`);
  const dir = mkdtempSync(join(tmpdir(), 'dlc-bench-hopper-'));
  const shipped = join(root, 'specs', 'data', 'fashion-mnist-small');
  let data = shipped;
  if (SUBSET !== 6000) {
    if (!hasFullFashion()) throw new Error(`BENCH_SUBSET=${SUBSET} needs the full Fashion-MNIST (apt-get install dataset-fashion-mnist); without it use BENCH_SUBSET=6000`);
    data = join(dir, 'data');
    rmSync(data, { recursive: true, force: true });
    mkdirSync(data, { recursive: true });
    writeFashionSubset(FULL_FASHION, data, SUBSET);
  }
  // The hand-written loops of the ceiling evaluate on the shipped 1,000 test images (cheap; not timed).
  const loopFiles = { ...fashionFiles(data), testImages: fashionFiles(shipped).testImages, testLabels: fashionFiles(shipped).testLabels };
  const specs = {};
  for (const strategy of ['hopper', 'task']) {
    specs[strategy] = join(dir, `${strategy}.yaml`);
    writeFileSync(specs[strategy], specText(data, strategy));
  }
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
  const cli = dlcCli(root);
  for (const file of Object.values(specs)) {
    const lint = runNode([cli, 'lint', file], { cwd: root, env });
    if (lint.status !== 0) throw new Error(`the generated spec does not lint clean:\n${lint.stdout}${lint.stderr}`);
  }

  const variants = [
    { name: 'hopper-1', strategy: 'hopper', workers: 1 },
    { name: 'hopper-2', strategy: 'hopper', workers: 2 },
    { name: 'task-1', strategy: 'task', workers: 1 },
    { name: 'task-2', strategy: 'task', workers: 2 },
  ];
  let anatomy;
  const runOne = async (v, tag) => {
    const runDir = join(dir, `${v.name}-${tag}`);
    const r = await runDlcWatched(cli, [specs[v.strategy], '--run-dir', runDir, '--workers', String(v.workers), '--backend', 'wasm'], { cwd: root, env });
    mustComplete(r, runDir, `dlc run (${v.name})`);
    const events = readEvents(runDir);
    const p = dlcPhases(events, r.startedAt, r.startedAt + r.ms);
    const partDir = join(runDir, 'work', 'search', 'train');
    const parts = readdirSync(partDir).filter((f) => f.endsWith('.arrow')).sort().map((f) => statSync(join(partDir, f)).size);
    // Every unit writes one checkpoint of the same size (one architecture); its first unit reads none.
    const ckptDir = join(runDir, 'checkpoints', 'search', 'trial-0');
    const ckpt = join(ckptDir, readdirSync(ckptDir).find((f) => f.endsWith('.ckpt')));
    anatomy ??= await checkpointAnatomy(root, ckpt);
    const m = statSync(ckpt).size;
    const units = p.units;
    const written = units.length * m;
    const read = p.bytesMoved - written;
    const readsSimulated = simulatedReads(units);
    const trials = events.filter((e) => e.type === 'trial_finished').map((e) => ({ trial: e.trial, bytes: e.bytes_moved, status: e.status, value: e.objective?.value }));
    // The data a worker holds: the partitions it trained on (all of them under task parallelism).
    const held = {};
    for (const u of units) {
      held[u.worker] ??= new Set();
      if (u.partition === 'all') parts.forEach((_, i) => held[u.worker].add(i));
      else held[u.worker].add(u.partition);
    }
    const heldBytes = Object.values(held).map((s) => [...s].reduce((n, i) => n + parts[i], 0));
    // How much of the makespan each worker had a unit in hand (handed out until finished, as the driver saw it).
    const startedAt = new Map(events.filter((e) => e.type === 'unit_started').map((e) => [e.seq, Date.parse(e.time)]));
    const busy = {};
    for (const e of events.filter((x) => x.type === 'unit_finished' && x.status === 'completed')) busy[e.worker] = (busy[e.worker] ?? 0) + (Date.parse(e.time) - startedAt.get(e.seq)) / 1000;
    const busyShare = Object.values(busy).reduce((a, b) => a + b, 0) / Object.keys(busy).length / p.training;
    const workerCpu = r.unitCpu.reduce((n, u) => n + u.cpu, 0);
    const perWorker = {};
    for (const u of r.unitCpu) perWorker[u.worker] = (perWorker[u.worker] ?? 0) + u.cpu;
    const busiestWorkerCpu = Math.max(...Object.values(perWorker));
    rmSync(runDir, { recursive: true, force: true });
    return {
      wall: r.ms / 1000,
      cpu: r.cpuSeconds,
      load: r.load,
      makespan: p.training,
      trainNode: p.trainNodeSeconds,
      unitSeconds: p.unitSeconds,
      units: units.length,
      workerCpu,
      busiestWorkerCpu,
      busyShare,
      // Cores' worth of CPU the workers got while training: at most the worker count.
      coresUsed: workerCpu / p.training,
      partitions: parts.length,
      dataBytes: parts.reduce((a, b) => a + b, 0),
      heldPerWorker: Math.max(...heldBytes),
      m,
      bytesMoved: p.bytesMoved,
      written,
      read,
      readsSimulated,
      trials,
      best: Math.max(...trials.map((t) => t.value ?? -Infinity)),
    };
  };

  const planned = Object.fromEntries(variants.map((v) => [v.name, plannedBytes(root, cli, specs[v.strategy], v.workers, env)]));
  log(`${CONFIGS} configurations × ${EPOCHS} epochs, ${SUBSET} training images, ${variants.map((v) => v.name).join(', ')}; ${WARMUP} warm-up + ${ROUNDS} rounds, order rotating`);
  const results = Object.fromEntries(variants.map((v) => [v.name, []]));
  const roundLoads = [];
  const ceilings = [];
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]);
    const loadBefore = load1();
    const got = {};
    for (const v of order) got[v.name] = await runOne(v, `${round}`);
    const ceiling = CEILING ? await machineCeiling(root, loopFiles, dir, `${round}`) : null;
    const measured = round >= WARMUP;
    if (measured) {
      for (const v of variants) results[v.name].push(got[v.name]);
      if (ceiling) ceilings.push(ceiling);
      roundLoads.push({ before: loadBefore, after: load1() });
    }
    log(`${measured ? `round ${round - WARMUP + 1}/${ROUNDS}` : 'warm-up'}: ${variants.map((v) => `${v.name} ${fmt(got[v.name].makespan, 1)} s (${fmt(got[v.name].coresUsed, 2)} cores)`).join(', ')}${ceiling ? `; two loops at once: ${fmt(ceiling.ceiling)}× of one` : ''}; load ${loadBefore} → ${load1()}`);
  }
  rmSync(dir, { recursive: true, force: true });

  const per = (a, b, key = 'makespan') => results[a].map((x, i) => x[key] / results[b][i][key]);
  const speedup = summarize(per('hopper-1', 'hopper-2'));
  const speedupTask = summarize(per('task-1', 'task-2'));
  const hopperOverTask2 = summarize(per('hopper-2', 'task-2'));
  const hopperOverTask1 = summarize(per('hopper-1', 'task-1'));
  const speedupWall = summarize(per('hopper-1', 'hopper-2', 'wall'));
  // CPU-normalized speed-up: the 1-worker run's CPU time in its units over the 2-worker run's busiest worker's,
  // i.e. the speed-up had each worker had a core to itself. Extra work that parallelism causes (checkpoints
  // read and written, a second engine) and uneven load stay in; other work on the machine drops out, and so
  // does time a worker spends waiting between units, which makes this an upper bound.
  const ceilingSum = ceilings.length ? summarize(ceilings.map((c) => c.ceiling)) : null;
  const ofCeiling = ceilings.length ? summarize(per('hopper-1', 'hopper-2').map((x, i) => x / ceilings[i].ceiling)) : null;
  const speedupPerCore = summarize(results['hopper-1'].map((x, i) => x.workerCpu / results['hopper-2'][i].busiestWorkerCpu));

  // Bytes: Cerebro's k·m·p·|S| + m·|S| with this run's m (checkpoint bytes) and p (partitions = workers).
  const formula = (v) => {
    const x = results[v][0];
    const k = EPOCHS;
    const p = x.partitions;
    return k * x.m * p * CONFIGS + x.m * CONFIGS;
  };
  const bytesRows = variants.map((v) => {
    const xs = results[v.name];
    const x = xs[0];
    const f = v.strategy === 'hopper' ? formula(v.name) : x.m * CONFIGS;
    const moved = summarize(xs.map((y) => y.bytesMoved));
    return {
      variant: v.name,
      m: x.m,
      formula: f,
      formulaText: v.strategy === 'hopper' ? `k·m·p·|S| + m·|S| = ${EPOCHS}·m·${x.partitions}·${CONFIGS} + m·${CONFIGS}` : `m·|S| (models only; p·⟨D⟩ of data besides)`,
      moved,
      ratio: moved.median / f,
      planned: planned[v.name],
      planRatio: planned[v.name] ? moved.median / planned[v.name] : null,
      writtenPerM: x.written / x.m,
      readPerM: summarize(xs.map((y) => y.read / y.m)),
      readsSimulated: summarize(xs.map((y) => y.readsSimulated)),
      perTrial: summarize(xs.flatMap((y) => y.trials.map((t) => t.bytes / y.m))),
    };
  });
  const hop2 = bytesRows.find((b) => b.variant === 'hopper-2');
  // The hops Cerebro counts, one model transfer per unit: dlc's checkpoints written, one per unit.
  const writtenVsHops = Object.fromEntries(
    bytesRows.filter((b) => b.variant.startsWith('hopper')).map((b) => [b.variant, (b.writtenPerM * b.m) / (EPOCHS * b.m * results[b.variant][0].partitions * CONFIGS)]),
  );
  const hop1 = bytesRows.find((b) => b.variant === 'hopper-1');

  const loads = roundLoads.flatMap((l) => [l.before, l.after]);
  const busy = loads.filter((l) => l > cores()).length;
  const coresHopper2 = summarize(results['hopper-2'].map((x) => x.coresUsed));
  const loadNote =
    busy > 0
      ? `The 1-minute load average exceeded the ${cores()} cores at ${busy} of ${loads.length} samples (max ${Math.max(...loads)}): other work shared the CPUs. The 2-worker runs got ${fmt(coresHopper2.median)} cores' worth of CPU (median; min ${fmt(coresHopper2.min)}), not 2, so the wall-time speed-up measures the machine's spare capacity as much as dlc; the CPU-normalized row shows the speed-up with that taken out (an upper bound: it leaves out time a worker waits between units).`
      : `The 1-minute load average stayed at or below the ${cores()} cores (max ${Math.max(...loads)}).`;

  const rr = (s) => `${fmt(s.median)}× (p25–p75 ${fmt(s.p25)}–${fmt(s.p75)}, n ${s.n})`;
  const targets = [
    { name: 'hopper speed-up, 1 → 2 workers (training makespan, median of per-round ratios)', limit: `≥ ${TARGETS.speedup}×`, measured: rr(speedup), pass: speedup.median >= TARGETS.speedup },
    { name: 'hopper / task parallel time, 2 workers (makespan)', limit: `≤ ${TARGETS.hopperOverTask}×`, measured: rr(hopperOverTask2), pass: hopperOverTask2.median <= TARGETS.hopperOverTask },
    ...['hopper-2', 'hopper-1'].map((name) => {
      const b = bytesRows.find((x) => x.variant === name);
      return {
        name: `hopper bytes moved, ${name === 'hopper-2' ? '2 workers' : '1 worker'} / the plan's estimate (dlc plan --json)`,
        limit: `within ±${TARGETS.bytes * 100}%`,
        measured: b.planned === null ? 'no estimate in the plan' : `${fmt(b.planRatio)}× (${fmt(b.moved.median / 1e6, 1)} MB vs ${fmt(b.planned / 1e6, 1)} MB)`,
        pass: b.planned !== null && Math.abs(b.planRatio - 1) <= TARGETS.bytes,
      };
    }),
  ];

  const stat = (xs) => summarize(xs.filter((x) => x !== null && Number.isFinite(x)));
  const cell = (xs, d = 2) => {
    const s = stat(xs);
    return s.n ? `${fmt(s.median, d)} (${fmt(s.min, d)}–${fmt(s.max, d)})` : '–';
  };
  const timeTable = {
    title: 'Times per variant (seconds: median, min–max over the rounds)',
    note: 'makespan: first unit handed out until the last one finished. busy: the share of the makespan a worker had a unit in hand (mean over workers; the rest is waiting for a unit it may run, or for the driver). cores used: the workers\' CPU seconds during their units (from /proc) over the makespan, i.e. how many cores the run actually got; V8\'s helper threads (garbage collection, compiling the wasm module in the background early in a run) count too, so one worker can show a little more than 1.',
    columns: ['variant', 'partitions', 'units', 'makespan', 'sum of unit seconds', 'workers busy', 'workers\' CPU in units', 'cores used', 'train step', 'whole process', 'CPU (whole tree)', 'best val_accuracy'],
    rows: variants.map((v) => {
      const xs = results[v.name];
      return [v.name, xs[0].partitions, xs[0].units, cell(xs.map((x) => x.makespan)), cell(xs.map((x) => x.unitSeconds)), cell(xs.map((x) => x.busyShare)), cell(xs.map((x) => x.workerCpu)), cell(xs.map((x) => x.coresUsed)), cell(xs.map((x) => x.trainNode)), cell(xs.map((x) => x.wall)), cell(xs.map((x) => x.cpu)), cell(xs.map((x) => x.best), 4)];
    }),
  };
  const ratioTable = {
    title: 'Ratios, per round (median, p25–p75, min–max)',
    columns: ['figure', 'median', 'p25–p75', 'min–max'],
    rows: [
      ['hopper speed-up 1 → 2 workers (makespan)', speedup],
      ['hopper speed-up 1 → 2 workers (whole process wall)', speedupWall],
      ['hopper speed-up 1 → 2 workers, CPU-normalized (1 worker\'s CPU in units / the busiest of 2 workers\'; an upper bound)', speedupPerCore],
      ['task speed-up 1 → 2 workers (makespan)', speedupTask],
      ['hopper / task, 2 workers (makespan)', hopperOverTask2],
      ['hopper / task, 1 worker (makespan)', hopperOverTask1],
      ...(ceilingSum ? [['the machine\'s ceiling: two hand-written loops at once / one alone (2 × alone ÷ slower of the two)', ceilingSum], ['hopper speed-up 1 → 2 workers / the machine\'s ceiling (same round)', ofCeiling]] : []),
    ].map(([n, s]) => [n, `${fmt(s.median)}×`, `${fmt(s.p25)}–${fmt(s.p75)}×`, `${fmt(s.min)}–${fmt(s.max)}×`]),
  };
  const a = anatomy;
  const bytesTable = {
    title: 'Model state moved (bytes_moved) against Cerebro',
    note: `m = one checkpoint file = ${a.bytes} bytes: ${a.weightBytes} of weights (${a.parameters} float32 parameters), ${a.optimizerBytes} of ${a.optimizer} optimizer state (first and second moments, 2 × the weights, plus 2 scalars) and ${a.headerBytes} of header (JSON layout, SHA-256). dlc's bytes_moved counts each unit's checkpoint written (k·p·|S| of them, exactly) plus the checkpoints read when a model arrives at a worker that does not hold it in memory (a model returning to the worker that trained it last is not read again, unless that worker has evicted it: it keeps ${WORKER_MODEL_CACHE} models). "reads the visit order implies" replays the units in the order they were handed out through that rule; it matching the measured reads says the accounting is exact. k = ${EPOCHS}, |S| = ${CONFIGS}, p = partitions. The checkpoints written alone, one per unit, are ${Object.entries(writtenVsHops).map(([v, x]) => `${fmt(x)}× k·m·p·|S| (${v})`).join(' and ')}: Cerebro's first term, one model transfer per unit; dlc moves a model through the store, so a hop to another worker costs a write and a read (2m), a return to the worker that holds it only the write, a new model nothing (it is built from the seed where it first trains), and task parallelism writes a checkpoint every epoch (k·m·|S|) where Cerebro ships each final model once (m·|S|).`,
    columns: ['variant', 'bytes_moved (median)', 'plan estimate', 'measured / plan', 'Cerebro formula', 'formula bytes', 'measured / Cerebro', 'written (× m)', 'read (× m, median, min–max)', 'reads the visit order implies (median)', 'per trial (× m, median, min–max)'],
    rows: bytesRows.map((b) => [
      b.variant,
      b.moved.median,
      b.planned ?? '–',
      b.planRatio === null ? '–' : `${fmt(b.planRatio)}×`,
      b.formulaText,
      b.formula,
      `${fmt(b.ratio)}×`,
      b.writtenPerM,
      `${fmt(b.readPerM.median, 1)} (${fmt(b.readPerM.min, 0)}–${fmt(b.readPerM.max, 0)})`,
      fmt(b.readsSimulated.median, 1),
      `${fmt(b.perTrial.median, 1)} (${fmt(b.perTrial.min, 0)}–${fmt(b.perTrial.max, 0)})`,
    ]),
  };
  const storageTable = {
    title: 'Training data each worker holds',
    columns: ['variant', 'data (all partitions)', 'largest share one worker holds', 'share of the data'],
    rows: variants.map((v) => {
      const x = results[v.name][0];
      return [v.name, `${fmt(x.dataBytes / 1e6, 1)} MB`, `${fmt(x.heldPerWorker / 1e6, 1)} MB`, fmt(x.heldPerWorker / x.dataBytes)];
    }),
  };
  const roundTable = {
    title: 'Rounds (makespan in seconds, cores used)',
    columns: ['round', 'load before → after', ...variants.map((v) => v.name)],
    rows: roundLoads.map((l, i) => [i + 1, `${l.before} → ${l.after}`, ...variants.map((v) => `${fmt(results[v.name][i].makespan)} (${fmt(results[v.name][i].coresUsed)})`)]),
  };

  return {
    title: 'Model hopper vs task parallelism, 1 and 2 workers',
    description: `${CONFIGS} configurations (grid: learning rate ${LR.join(', ')} × dropout ${DROPOUT.join(', ')}) of an MLP 784-128-10, Adam, batch 64, ${EPOCHS} epochs, on ${SUBSET === 6000 ? 'the shipped Fashion-MNIST subset' : `the first ${SUBSET} training images of Fashion-MNIST`} (${Math.round(SUBSET * 0.9)} training and ${Math.round(SUBSET * 0.1)} validation images after a stratified 0.9/0.1 split), validation after every epoch; wasm backend. Each variant is a whole \`dlc run --workers N\`; under hopper the training data is cut into one partition per worker, under task every worker trains on all of it. ${WARMUP} warm-up round(s), then ${ROUNDS} rounds, each running the four variants in an order that rotates by one per round. ${loadNote}`,
    options: { BENCH_ROUNDS: ROUNDS, BENCH_WARMUP: WARMUP, BENCH_EPOCHS: EPOCHS, BENCH_SUBSET: SUBSET, BENCH_CEILING: CEILING ? 1 : 0 },
    targets,
    tables: [ratioTable, timeTable, bytesTable, storageTable, roundTable],
    notes: [
      ...(ceilingSum
        ? [`The machine's ceiling: the hand-written tfjs loop of the overhead benchmark (same MLP, same data, ${EPOCHS} epochs) took ${fmt(summarize(ceilings.map((c) => c.alone)).median)} s alone and ${fmt(summarize(ceilings.map((c) => Math.max(...c.together))).median)} s when two copies ran at once (medians), so two trainings at once get ${fmt(ceilingSum.median)}× the work of one done here, not 2×: a pure integer loop scales 2.00× on these two vCPUs, vector-heavy wasm kernels do not. Hopper's speed-up is ${fmt(ofCeiling.median)} of that ceiling.`]
        : []),
      'Data parallelism, parameter server and model averaging are compared with hopper in the parallel benchmark (bench/results/parallel.md).',
    ],
    figures: { configs: CONFIGS, epochs: EPOCHS, subset: SUBSET, checkpoint: anatomy, results, roundLoads, bytes: bytesRows, writtenVsHops, ceilings, planned },
  };
}
