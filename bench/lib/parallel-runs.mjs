// `dlc run` of the Fashion-MNIST subset under one training strategy, read back as what the parallel
// benchmark reports: the bytes the runtime moved against the plan's estimate and Cerebro's formula for that
// strategy, the data the workers held, the train step's seconds and the validation accuracy.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A spec training an MLP 784-<units>-10 with Adam, batch 64, on 2 workers: a grid of `units` × `lrs`
 * (× `dropouts`, a dropout layer after the hidden one, when given). One architecture per run when `units`
 * has one value, so every configuration's checkpoint is the size the plan estimates.
 */
export function writeSpec(root, file, { parallelism, epochs, units, lrs = [0.002], dropouts = null, seed = 5 }) {
  const data = join(root, 'specs', 'data', 'fashion-mnist-small');
  const dropout = dropouts ? '\n        - dropout: { rate: "${hp.dropout}" }' : '';
  const dropoutSpace = dropouts ? `, dropout: { choice: [${dropouts.join(', ')}] }` : '';
  writeFileSync(
    file,
    `dlc: 1
name: parallel-bench
seed: ${seed}
resources: { workers: 2 }
sources:
  raw: { format: idx, images: ${data}/train-images-idx3-ubyte.gz, labels: ${data}/train-labels-idx1-ubyte.gz }
steps:
  scaled: { op: transform, from: raw, normalize: { image: { divide_by: 255 } } }
  split: { op: split, from: scaled, fractions: { train: 0.8, validation: 0.2 } }
  search:
    op: train
    data: { train: split.train, validation: split.validation }
    features: [image]
    label: label
    model:
      input_shape: [28, 28]
      layers:
        - flatten: {}
        - dense: { units: "\${hp.units}", activation: relu }${dropout}
        - dense: { units: 10, activation: softmax }
    optimizer: { name: adam, learning_rate: "\${hp.lr}" }
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    batch_size: 64
    epochs: ${epochs}
    search:
      algorithm: grid
      space: { units: { choice: [${units.join(', ')}] }, lr: { choice: [${lrs.join(', ')}] }${dropoutSpace} }
      objective: { metric: val_accuracy, mode: max }
    parallelism: ${parallelism}
`,
  );
  return file;
}

/** The data each worker held: partition files by the units it ran (all of them for a whole-data unit, its dealt share in a group). */
function dataHeld(runDir, units) {
  const dir = join(runDir, 'work', 'search', 'train');
  if (!existsSync(dir)) return null;
  const parts = readdirSync(dir).filter((f) => f.endsWith('.arrow')).sort().map((f) => statSync(join(dir, f)).size);
  const held = {};
  const hold = (worker, i) => (held[worker] ??= new Set()).add(i);
  for (const u of units) {
    if (typeof u.partition === 'number') hold(u.worker, u.partition);
    else if (u.workers && u.workers.length > 1) u.workers.forEach((w, rank) => parts.forEach((_, i) => i % u.workers.length === rank && hold(w, i)));
    else parts.forEach((_, i) => hold(u.worker, i));
  }
  const perWorker = Object.values(held).map((s) => [...s].reduce((n, i) => n + parts[i], 0));
  return { data: parts.reduce((a, b) => a + b, 0), total: perWorker.reduce((a, b) => a + b, 0), largest: Math.max(...perWorker) };
}

/** Runs the spec to completion and reads back its events and plan. `row` names the plan's alternative for the strategy. */
export function dlcRun(root, specFile, runDir, row) {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'run', specFile, '--run-dir', runDir, '--json', '--no-cache'], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`dlc run ${specFile} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const plan = JSON.parse(readFileSync(join(runDir, 'plan.json'), 'utf8'));
  const decision = plan.nodes.find((n) => n.op === 'train').decision;
  const alternative = decision.alternatives.find((a) => a.strategy === row) ?? null;
  const finished = events.at(-1);
  const trainNode = events.find((e) => e.type === 'node_finished' && e.node === 'search');
  const units = events.filter((e) => e.type === 'unit_finished' && e.status === 'completed');
  const trials = events.filter((e) => e.type === 'trial_finished');
  const accuracies = trials.map((t) => t.metrics?.val_accuracy).filter((x) => typeof x === 'number');
  return {
    decision,
    bytes: finished.bytes_moved,
    estimate: alternative?.bytes_moved ?? null,
    /** The plan's seconds for the strategy. */
    cost: alternative?.cost ?? null,
    cerebro: alternative?.reference_bytes ?? null,
    storageEstimate: alternative?.storage_bytes ?? null,
    held: dataHeld(runDir, units),
    seconds: trainNode.seconds,
    best: finished.best?.objective ?? null,
    meanAccuracy: accuracies.length ? accuracies.reduce((a, b) => a + b, 0) / accuracies.length : null,
    trials: trials.length,
  };
}
