// External trainers: dlc driving the PyTorch trainer (specs/trainers/torch_mlp.py, protocol dlc-trainer/1)
// under model hopping, against the same script run by hand, unit after unit, with the same requests.
//
// Each round runs, interleaved: A. `dlc run` on 1 worker (hopper, 2 partitions); B. by hand: the units of
// A's run replayed in A's order by piping each request to the script directly (same partitions as .npy,
// same checkpoints chain, same parameters); C. `dlc run` on 2 workers. Figures:
//   - overhead per unit: median over units of (dlc's unit seconds ÷ the hand-run unit seconds) − 1, and
//     the whole training step (A's train node seconds ÷ B's total) — target ≤ 5%;
//   - speed-up: A's train node seconds ÷ C's — target ≥ 1.8×.
// Needs Debian's python3-torch (/usr/bin/python3). BENCH_ROUNDS (default 3), BENCH_TRIALS (4), BENCH_EPOCHS (1).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { r2, summarize } from './lib/measure.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TRIALS = Number(process.env.BENCH_TRIALS ?? 4);
const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 1);
const PYTHON = '/usr/bin/python3';

function spec(root, dir) {
  const lrs = [0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007, 0.008].slice(0, TRIALS);
  const data = join(root, 'specs', 'data', 'fashion-mnist-small');
  const file = join(dir, 'spec.yaml');
  writeFileSync(
    file,
    `dlc: 1
name: external-bench
seed: 3
sources:
  raw: { format: idx, images: ${data}/train-images-idx3-ubyte.gz, labels: ${data}/train-labels-idx1-ubyte.gz }
steps:
  scaled: { op: transform, from: raw, normalize: { image: { divide_by: 255 } } }
  split: { op: split, from: scaled, fractions: { train: 0.9, validation: 0.1 } }
  search:
    op: train
    data: { train: split.train, validation: split.validation }
    features: [image]
    label: label
    model: { command: [${PYTHON}, ${join(root, 'specs', 'trainers', 'torch_mlp.py')}] }
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    batch_size: 64
    epochs: ${EPOCHS}
    search:
      algorithm: grid
      space: { lr: { choice: [${lrs.join(', ')}] } }
      objective: { metric: val_accuracy, mode: max }
    parallelism: { strategy: hopper, partitions: 2 }
`,
  );
  return file;
}

function dlcRun(root, specFile, runDir, workers) {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'run', specFile, '--run-dir', runDir, '--workers', String(workers), '--json'], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`dlc run failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

/** The units of a finished run, replayed by hand in its order: one process per unit, request on stdin. */
function byHand(root, runDir, events, scratch) {
  const plan = JSON.parse(readFileSync(join(runDir, 'plan.json'), 'utf8'));
  const node = plan.nodes.find((n) => n.op === 'train');
  const params = new Map(events.filter((e) => e.type === 'trial_started').map((e) => [e.trial, e.params]));
  const work = join(runDir, 'work', node.id);
  const parts = readdirSync(join(work, 'train')).filter((f) => f.endsWith('.arrow')).sort().map((f) => join(work, 'train', f));
  const npy = (p) => ({ features: `${p}.features.npy`, labels: `${p}.labels.npy` });
  const last = new Map();
  const times = [];
  const done = events.filter((e) => e.type === 'unit_finished' && e.status === 'completed').sort((a, b) => a.seq - b.seq);
  const perTrial = new Map();
  for (const u of done) {
    const n = (perTrial.get(u.trial) ?? 0) + 1;
    perTrial.set(u.trial, n);
    const out = join(scratch, `t${u.trial}-${n}.pt`);
    const closes = n % 2 === 0;
    const request = {
      protocol: 'dlc-trainer/1',
      task: 'train',
      trial: u.trial,
      params: params.get(u.trial),
      epoch: u.epoch,
      partition: u.partition,
      data: { format: 'npy', files: [npy(parts[u.partition])] },
      ...(closes ? { validation: { format: 'npy', files: [npy(join(work, 'validation.arrow'))] } } : {}),
      features: ['image'],
      label: 'label',
      batch_size: 64,
      seed: 1,
      shuffle_seed: 2,
      checkpoint_in: last.get(u.trial) ?? null,
      checkpoint_out: out,
    };
    const t = process.hrtime.bigint();
    const r = spawnSync(PYTHON, [join(root, 'specs', 'trainers', 'torch_mlp.py')], { input: JSON.stringify(request), encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
    if (r.status !== 0) throw new Error(`the trainer failed by hand: ${r.stderr.slice(-1000)}`);
    times.push({ seq: u.seq, seconds: Number(process.hrtime.bigint() - t) / 1e9, dlc: u.seconds });
    last.set(u.trial, out);
  }
  return times;
}

export async function run({ root, log }) {
  if (spawnSync(PYTHON, ['-c', 'import torch, numpy']).status !== 0) throw new Error(`${PYTHON} cannot import torch (apt-get install python3-torch)`);
  const scratch = mkdtempSync(join(tmpdir(), 'dlc-external-bench-'));
  const specFile = spec(root, scratch);
  const rows = [];
  const unitRatios = [];
  const stepRatios = [];
  const speedups = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const one = join(scratch, `one-${round}`);
      const a = dlcRun(root, specFile, one, 1);
      const aStep = a.find((e) => e.type === 'node_finished' && e.op === 'train').seconds;
      const hand = byHand(root, one, a, mkdtempSync(join(scratch, 'hand-')));
      const bTotal = hand.reduce((s, u) => s + u.seconds, 0);
      const c = dlcRun(root, specFile, join(scratch, `two-${round}`), 2);
      const cStep = c.find((e) => e.type === 'node_finished' && e.op === 'train').seconds;
      for (const u of hand) unitRatios.push(u.dlc / u.seconds);
      stepRatios.push(aStep / bTotal);
      speedups.push(aStep / cStep);
      rows.push([round + 1, hand.length, r2(aStep), r2(bTotal), r2(cStep), r2(aStep / bTotal), r2(aStep / cStep)]);
      log(`round ${round + 1}: dlc 1 worker ${r2(aStep)} s, by hand ${r2(bTotal)} s, dlc 2 workers ${r2(cStep)} s`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const unit = summarize(unitRatios);
  const step = summarize(stepRatios);
  const speed = summarize(speedups);
  return {
    title: 'External trainer (PyTorch) under model hopping',
    description: `${TRIALS} configurations × ${EPOCHS} epoch(s) × 2 partitions of the shipped Fashion-MNIST subset, PyTorch 1.13 CPU MLP through dlc-trainer/1.`,
    options: { BENCH_ROUNDS: ROUNDS, BENCH_TRIALS: TRIALS, BENCH_EPOCHS: EPOCHS },
    targets: [
      { name: 'dlc overhead per unit (median of unit ratios − 1)', limit: '≤ 5%', measured: `${r2((unit.median - 1) * 100)}%`, pass: unit.median - 1 <= 0.05 },
      { name: 'speed-up, 2 workers vs 1', limit: '≥ 1.8×', measured: `${r2(speed.median)}×`, pass: speed.median >= 1.8 },
    ],
    tables: [
      { title: 'Rounds', columns: ['round', 'units', 'dlc 1 worker: train step s', 'by hand: sum of units s', 'dlc 2 workers: train step s', 'step ratio', 'speed-up'], rows },
      {
        title: 'Spread',
        columns: ['figure', 'median', 'p25', 'p75', 'min', 'max'],
        rows: [
          ['unit ratio dlc ÷ by hand', ...['median', 'p25', 'p75', 'min', 'max'].map((k) => r2(unit[k]))],
          ['train step ÷ by hand total', ...['median', 'p25', 'p75', 'min', 'max'].map((k) => r2(step[k]))],
          ['speed-up 2 workers', ...['median', 'p25', 'p75', 'min', 'max'].map((k) => r2(speed[k]))],
        ],
      },
    ],
    notes: [
      "A unit's dlc time is measured in the worker around the trainer's process (request, .npy conversion on first use of a partition, spawn, result); by hand is the same process run directly with the same request.",
      'Each unit starts a Python process that imports torch; that start-up is part of both sides.',
    ],
  };
}
