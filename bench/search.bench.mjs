// Adaptive search against the grid on Fashion-MNIST: ASHA and Hyperband search the grid's own space (a
// small MLP: width × learning rate), and each search is a whole `dlc run` on 2 workers with model hopper
// parallelism. Reported per search: the best validation accuracy, the epochs trained over all trials and
// the wall time of the train step. Target (issue #6): within 0.5 points of the grid's best validation
// accuracy using at most half its epochs.
//
// Data: the full Fashion-MNIST when it is installed (Debian's dataset-fashion-mnist, in
// /usr/share/datasets/fashion-mnist), else the subset shipped in specs/data/fashion-mnist-small.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 6);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const SEED = Number(process.env.BENCH_SEED ?? 1);
const FULL = '/usr/share/datasets/fashion-mnist';
const TARGET = { points: 0.5, epochShare: 0.5 };

const SPACE = `      space:
        units: { choice: [32, 128] }
        lr: { choice: [0.0003, 0.001, 0.003, 0.01] }
      objective: { metric: val_accuracy, mode: max }`;

const SEARCHES = [
  { name: 'grid', block: `      algorithm: grid\n${SPACE}` },
  { name: 'hyperband', block: `      algorithm: hyperband\n      max_epochs: ${EPOCHS}\n      eta: 3\n${SPACE}` },
  { name: 'asha', block: `      algorithm: asha\n      trials: 8\n      max_epochs: ${EPOCHS}\n      grace_period: 1\n      reduction_factor: 3\n${SPACE}` },
];

function spec(data, search) {
  return `dlc: 1
name: bench-search
seed: ${SEED}
resources: { workers: ${WORKERS} }
sources:
  train_raw:
    format: idx
    images: ${data}/train-images-idx3-ubyte.gz
    labels: ${data}/train-labels-idx1-ubyte.gz
steps:
  scaled:
    op: transform
    from: train_raw
    normalize: { image: { divide_by: 255 } }
  split:
    op: split
    from: scaled
    fractions: { train: 0.9, validation: 0.1 }
    stratify: label
  search:
    op: train
    data: { train: split.train, validation: split.validation }
    features: [image]
    label: label
    model:
      input_shape: [28, 28]
      layers:
        - flatten: {}
        - dense: { units: "\${hp.units}", activation: relu }
        - dense: { units: 10, activation: softmax }
    optimizer: { name: adam, learning_rate: "\${hp.lr}" }
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    batch_size: 128
    epochs: ${EPOCHS}
    search:
${search}
    parallelism: { strategy: hopper, partitions: ${WORKERS} }
`;
}

export async function run({ root, log }) {
  const cli = join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error('dist/cli/main.js is missing: build first (node scripts/build.mjs), or run through npm run bench');
  const full = existsSync(join(FULL, 'train-images-idx3-ubyte.gz'));
  const data = full ? FULL : join(root, 'specs', 'data', 'fashion-mnist-small');
  log(`data: ${full ? 'full Fashion-MNIST (60,000 training images)' : 'the shipped 6,000-image subset'} at ${data}`);
  const dir = mkdtempSync(join(tmpdir(), 'dlc-bench-search-'));
  const results = [];
  try {
    for (const s of SEARCHES) {
      const file = join(dir, `${s.name}.yaml`);
      writeFileSync(file, spec(data, s.block));
      log(`${s.name}: dlc run`);
      const r = spawnSync(process.execPath, [cli, 'run', file, '--json', '--run-dir', join(dir, `run-${s.name}`)], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20, env: { ...process.env, NO_COLOR: '1' } });
      if (r.status !== 0) throw new Error(`${s.name}: dlc run exited ${r.status ?? r.signal}\n${r.stderr.slice(-4000)}`);
      const events = r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
      const trained = events.filter((e) => e.type === 'epoch_finished');
      const ends = events.filter((e) => e.type === 'trial_finished');
      const node = events.find((e) => e.type === 'node_finished' && e.node === 'search');
      const finished = events.at(-1);
      // The model the search picks (run_finished.best): what a user of the search gets.
      const best = finished.best.objective;
      const configurations = new Set(events.filter((e) => e.type === 'trial_started' && e.parent === undefined).map((e) => JSON.stringify(e.params))).size;
      const row = {
        name: s.name,
        bestValAccuracy: best,
        bestTrial: finished.best,
        epochs: trained.length,
        trials: ends.length,
        configurations,
        statuses: Object.fromEntries(['completed', 'promoted', 'stopped_early'].map((k) => [k, ends.filter((e) => e.status === k).length])),
        trainSeconds: node.seconds,
        runSeconds: finished.seconds,
        units: events.filter((e) => e.type === 'unit_finished' && e.status === 'completed').length,
      };
      log(`${s.name}: best val_accuracy ${best.toFixed(4)}, ${row.epochs} epochs, ${row.trainSeconds} s`);
      results.push(row);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const grid = results.find((r) => r.name === 'grid');
  const targets = [];
  for (const r of results.filter((x) => x.name !== 'grid')) {
    const gap = (grid.bestValAccuracy - r.bestValAccuracy) * 100;
    const share = r.epochs / grid.epochs;
    targets.push({ name: `${r.name}: best val_accuracy within ${TARGET.points} points of the grid's`, limit: `≤ ${TARGET.points} points below`, measured: `${gap.toFixed(2)} points ${gap >= 0 ? 'below' : 'above'}`, pass: gap <= TARGET.points });
    targets.push({ name: `${r.name}: epochs at most half the grid's`, limit: `≤ ${TARGET.epochShare * grid.epochs} epochs`, measured: `${r.epochs} (${(share * 100).toFixed(0)}%)`, pass: share <= TARGET.epochShare });
  }
  const pct = (x) => `${(x * 100).toFixed(2)}%`;
  return {
    title: 'search: ASHA and Hyperband against the grid on Fashion-MNIST',
    description: `MLP (flatten, dense units relu, dense 10 softmax), adam, batch 128, ${EPOCHS} epochs at most; space units ∈ {32, 128} × lr ∈ {0.0003, 0.001, 0.003, 0.01} (the grid: 8 configurations × ${EPOCHS} epochs). Hyperband: max_epochs ${EPOCHS}, eta 3. ASHA: 8 configurations, grace_period 1, reduction_factor 3. Each search is one \`dlc run\` with ${WORKERS} workers, model hopper parallelism over ${WORKERS} partitions, seed ${SEED}. Data: ${full ? 'full Fashion-MNIST, 54,000 training / 6,000 validation images (stratified 90/10 split of the 60,000 training images)' : 'the shipped subset (6,000 images), the full set not being installed'}.`,
    options: { BENCH_EPOCHS: EPOCHS, BENCH_WORKERS: WORKERS, BENCH_SEED: SEED },
    targets,
    tables: [
      {
        title: 'Results',
        columns: ['search', 'best val_accuracy', 'vs grid (points)', 'epochs trained', 'share of grid epochs', 'trials (configurations)', 'completed / promoted / stopped', 'train step wall time (s)', 'whole run (s)'],
        rows: results.map((r) => [
          r.name,
          pct(r.bestValAccuracy),
          r.name === 'grid' ? '' : ((r.bestValAccuracy - grid.bestValAccuracy) * 100).toFixed(2),
          r.epochs,
          `${((r.epochs / grid.epochs) * 100).toFixed(0)}%`,
          `${r.trials} (${r.configurations})`,
          `${r.statuses.completed} / ${r.statuses.promoted} / ${r.statuses.stopped_early}`,
          r.trainSeconds,
          r.runSeconds,
        ]),
      },
    ],
    figures: { data: full ? 'full' : 'subset', results },
    notes: [
      'Best val_accuracy is that of the model the search picks (run_finished.best): the best trial by its last epoch\'s val_accuracy.',
      'Epochs trained counts epoch_finished events: each is one configuration training one epoch over all partitions. A promoted configuration continues from its checkpoint, so its earlier epochs are not trained again.',
      'Hyperband and ASHA sample the grid\'s choices at random (seeded), so two of their configurations can coincide.',
    ],
  };
}
