// The loader against training: batches per second from partition files into tensors, next to the rate at
// which the training step consumes batches, for the quickstart pipeline (Fashion-MNIST subset, MLP).
//
// Setup: the quickstart's relational steps run for real (IDX source, normalize, stratified split) and the
// train split is written as BENCH_PARTITIONS Arrow IPC partition files, as the hopper hands them to workers.
// Then, interleaved over BENCH_ROUNDS rounds after BENCH_WARMUP discarded ones, each round runs:
//   A. the loader: every partition file read (readTableFile), turned into examples (tableToExamples),
//      cut into shuffled batches of the spec's batch size (batchesOf, as trainUnit does) and each batch
//      made into its feature and label tensors on the wasm backend, then released;
//   B. the consumer: one trainUnit pass (one epoch) of the quickstart MLP over the same examples, held in
//      memory, on the wasm backend with the engine's kernels — the training step's own consumption rate.
// The figure that compares is the median of the per-round ratios loader batches/s ÷ training batches/s;
// BENCHMARKS.md asks for ≥ 10×. Streaming the files batch by batch (readTableFileBatches) and the loader
// without tensor creation are measured in the same rounds, for where the time goes.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { r2, summarize } from './lib/measure.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 4);
const TARGET = 10;

export async function run({ root, log }) {
  if (ROUNDS < 5 || WARMUP < 1) throw new Error(`BENCH_ROUNDS must be ≥ 5 and BENCH_WARMUP ≥ 1 (got ${ROUNDS}, ${WARMUP})`);
  const dist = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
  const { compile } = await dist('compiler/index.js');
  const { createNodeHost } = await dist('cli/node-host.js');
  const { runRelationalNode } = await dist('runtime/relational/run-node.js');
  const { writeTableFile, readTableFile, readTableFileBatches } = await dist('runtime/data/table-file.js');
  const { tableToExamples, examplesByBatch } = await dist('runtime/data/examples.js');
  const { takeRows } = await dist('runtime/relational/arrow/take-rows.js');
  const { initEngine } = await dist('runtime/engine/index.js');
  const { batchesOf, createTrainer, disposeTrainer, trainUnit, featuresToTensor, bindTrainStep } = await dist('runtime/training/index.js');

  const spec = join(root, 'specs', 'quickstart.yaml');
  const compiled = compile({ file: spec, host: createNodeHost(process.env), mode: 'plan', cores: availableParallelism() });
  if (!compiled.ok) throw new Error(`specs/quickstart.yaml does not compile: ${compiled.errors.map((e) => e.message).join('; ')}`);
  const plan = compiled.plan;
  const node = (id) => plan.nodes.find((n) => n.id === id);
  const ctx = { seed: plan.seed, workDir: tmpdir(), workers: 1 };
  const train = node('search').config;
  const batchSize = train.batch_size;
  const inputShape = train.model.input_shape;

  const dir = mkdtempSync(join(tmpdir(), 'dlc-bench-loader-'));
  try {
    const t0 = performance.now();
    const source = (await runRelationalNode(node('fashion_train'), {}, ctx)).default;
    const scaled = (await runRelationalNode(node('scaled'), { from: source }, ctx)).default;
    const parts = await runRelationalNode(node('split'), { from: scaled }, ctx);
    const relationalMs = performance.now() - t0;
    const trainTable = parts.train;
    const rows = trainTable.numRows;
    const files = [];
    for (let p = 0; p < PARTITIONS; p++) {
      const picks = [];
      for (let r = p; r < rows; r += PARTITIONS) picks.push(r);
      const file = join(dir, `part-${p}.arrow`);
      await writeTableFile(file, takeRows(trainTable, picks));
      files.push(file);
    }
    const fileBytes = files.reduce((n, f) => n + statSync(f).size, 0);
    log(`quickstart relational steps ${relationalMs.toFixed(0)} ms; ${rows} training rows in ${PARTITIONS} partition files, ${(fileBytes / 2 ** 20).toFixed(1)} MiB`);

    const engine = await initEngine({ prefer: 'wasm' });
    const tf = engine.tf;
    if (engine.backend !== 'wasm') log(`note: the wasm backend was not available; training runs on ${engine.backend}`);
    const columns = { features: train.features, label: train.label };
    const examples = tableToExamples(trainTable, columns);
    const units = train.search.space.units.choice;
    const trainers = units.map((u) => {
      const bound = bindTrainStep(train, { units: u, lr: train.search.space.lr.choice[0] });
      return { units: u, trainer: createTrainer(tf, bound, { seed: plan.seed }) };
    });

    const toTensors = (batch) => {
      const x = featuresToTensor(tf, batch.features, inputShape);
      const y = tf.tensor1d(batch.labels, 'int32');
      x.dispose();
      y.dispose();
    };
    let shuffleSeed = 0;
    const loaders = {
      'files → tensors': async () => {
        let batches = 0;
        for (const file of files) {
          const data = tableToExamples(readTableFile(file), columns);
          for await (const batch of batchesOf(data, inputShape, { batchSize, shuffleSeed: ++shuffleSeed })) {
            toTensors(batch);
            batches++;
          }
        }
        return batches;
      },
      'files streamed batch by batch → tensors': async () => {
        let batches = 0;
        for (const file of files) {
          for await (const batch of batchesOf(examplesByBatch(readTableFileBatches(file), columns), inputShape, { batchSize, shuffleSeed: ++shuffleSeed })) {
            toTensors(batch);
            batches++;
          }
        }
        return batches;
      },
      'files → batches (no tensors)': async () => {
        let batches = 0;
        for (const file of files) {
          const data = tableToExamples(readTableFile(file), columns);
          for await (const batch of batchesOf(data, inputShape, { batchSize, shuffleSeed: ++shuffleSeed })) batches += batch.count > 0 ? 1 : 0;
        }
        return batches;
      },
    };
    const consumers = Object.fromEntries(trainers.map(({ units: u, trainer }) => [
      `trainUnit, MLP ${u} units (wasm)`,
      async () => (await trainUnit(tf, trainer, examples, { batchSize, shuffleSeed: ++shuffleSeed })).batches,
    ]));

    const timed = async (fn) => {
      const start = performance.now();
      const batches = await fn();
      const seconds = (performance.now() - start) / 1000;
      return { batches, seconds, rate: batches / seconds };
    };
    const rates = Object.fromEntries([...Object.keys(loaders), ...Object.keys(consumers)].map((k) => [k, []]));
    const batchesPer = {};
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      for (const [name, fn] of [...Object.entries(loaders), ...Object.entries(consumers)]) {
        const r = await timed(fn);
        batchesPer[name] = r.batches;
        if (round >= WARMUP) rates[name].push(r.rate);
      }
      if (round >= WARMUP && (round - WARMUP + 1) % 5 === 0) log(`round ${round - WARMUP + 1}/${ROUNDS}`);
    }
    for (const { trainer } of trainers) disposeTrainer(trainer);

    const main = 'files → tensors';
    const ratios = Object.fromEntries(Object.keys(consumers).map((c) => [c, summarize(rates[main].map((x, i) => x / rates[c][i]))]));
    const worst = Object.entries(ratios).reduce((a, b) => (a[1].median <= b[1].median ? a : b));
    const rateTable = {
      title: 'Batches per second (each round runs every row once, in this order)',
      note: `${ROUNDS} rounds after ${WARMUP} warm-ups; batch size ${batchSize}, input shape [${inputShape.join(', ')}], ${rows} examples in ${PARTITIONS} partition files (${(fileBytes / 2 ** 20).toFixed(1)} MiB, read from the page cache after the first round). Backend: ${engine.backend}.`,
      columns: ['what', 'batches per pass', 'median batches/s', 'min', 'p25', 'p75', 'max'],
      rows: Object.entries(rates).map(([name, xs]) => {
        const s = summarize(xs);
        return [name, batchesPer[name], s.median.toFixed(0), s.min.toFixed(0), s.p25.toFixed(0), s.p75.toFixed(0), s.max.toFixed(0)];
      }),
    };
    const ratioTable = {
      title: 'Loader ÷ training consumption (median of per-round ratios)',
      columns: ['loader', 'consumer', 'ratio (median)', 'p25–p75', 'min'],
      rows: Object.entries(ratios).map(([c, s]) => [main, c, `${r2(s.median)}×`, `${r2(s.p25)}–${r2(s.p75)}×`, `${r2(s.min)}×`]),
    };
    return {
      title: 'Loader: partition files into tensors vs training consumption',
      description: 'Batches per second from Arrow IPC partition files into feature and label tensors (read, examples without copying, shuffled batches, tensors), next to the rate trainUnit consumes batches of the quickstart MLP on the wasm backend, measured in the same rounds.',
      options: { BENCH_ROUNDS: ROUNDS, BENCH_WARMUP: WARMUP, BENCH_PARTITIONS: PARTITIONS },
      targets: [{
        name: `loader batches/s ÷ training batches/s (${worst[0]}, the fastest consumer)`,
        limit: `≥ ${TARGET}×`,
        measured: `${r2(worst[1].median)}×`,
        pass: worst[1].median >= TARGET,
      }],
      tables: [rateTable, ratioTable],
      notes: [
        `quickstart relational steps (IDX source, normalize, stratified split) took ${relationalMs.toFixed(0)} ms once, before the rounds; they are not part of the loader rate.`,
        'The features of a normalized image column are a view of the partition file\'s buffer (zero copy); the copies are the shuffle into batches and the tensors themselves.',
      ],
      figures: { rates, ratios, batchesPer, relationalMs, rows, fileBytes, backend: engine.backend },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
