#!/usr/bin/env node
// The hand-written side of the overhead benchmark: what a user would write without dlc to train the same
// model on the same data with TensorFlow.js on the same backend. One process, start to finish, reporting
// how long each phase took (milliseconds since the process started) as one JSON line on stdout.
//
//   node bench/lib/tfjs-loop.mjs '<json options>'
//
// Options: trainImages, trainLabels, testImages, testLabels (IDX, gzip), epochs, batchSize, units,
// dropout, lr, out (a directory for the exported model), mode:
//   steps    a per-batch loop in plain tfjs: the examples shuffled in JavaScript each epoch, each batch
//            copied into a tensor, optimizer.minimize on the crossentropy of the softmax output, loss and
//            accuracy summed on the device and read once per epoch (the baseline: the fastest loop a user
//            would write by hand, and the same work per batch as dlc's)
//   fit      tf.LayersModel.fit with shuffle: true (the usual TensorFlow.js way)
//   dlc-loop dlc's own training loop (runtime/training trainUnit) called in this process, without the run
//            machinery around it (no driver, worker, partition files or checkpoints): tells the loop's cost
//            apart from the cost of running it through `dlc run`
//
// The engine is started with dlc's initEngine so the backend is exactly the one dlc's workers use (wasm
// with the same extra gradient kernels); everything else here is plain tfjs.
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const opts = JSON.parse(process.argv[2] ?? '{}');
const mode = opts.mode ?? 'fit';
const since = () => performance.now();
const phases = {};

const { initEngine } = await import('../../dist/runtime/engine/index.js');
const engine = await initEngine({ prefer: opts.backend ?? 'wasm', quiet: true });
const { tf } = engine;
phases.startup = since();

/** An IDX file as its element bytes and dimensions. */
function readIdx(path) {
  const bytes = gunzipSync(readFileSync(path));
  const dims = bytes[3];
  const shape = Array.from({ length: dims }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  return { shape, data: bytes.subarray(4 + 4 * dims) };
}
function load(images, labels) {
  const x = readIdx(images);
  const y = readIdx(labels);
  const features = new Float32Array(x.data.length);
  for (let i = 0; i < features.length; i++) features[i] = x.data[i] / 255;
  return { features, labels: Int32Array.from(y.data), count: x.shape[0], shape: x.shape.slice(1) };
}
const train = load(opts.trainImages, opts.trainLabels);
const test = load(opts.testImages, opts.testLabels);
phases.data = since();

const layers = (spec) => [
  tf.layers.flatten({ inputShape: spec.shape }),
  tf.layers.dense({ units: opts.units, activation: 'relu' }),
  ...(opts.dropout > 0 ? [tf.layers.dropout({ rate: opts.dropout })] : []),
  tf.layers.dense({ units: 10, activation: 'softmax' }),
];

const epochSeconds = [];
// CPU time (user + system) of this process per epoch: other work on the machine inflates it far less than wall time.
const epochCpu = [];
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
let trainMetrics;
let testMetrics;
let model;
// With a seed, every mode starts from the weights dlc's trainer builds from that seed (the seed of dlc's
// trial), so the loops and `dlc run` train the same model from the same point.
const { createTrainer, trainUnit, evaluate } = await import('../../dist/runtime/training/index.js');
const dlcSpec = (shape) => ({
  model: {
    input_shape: shape,
    layers: [{ flatten: {} }, { dense: { units: opts.units, activation: 'relu' } }, ...(opts.dropout > 0 ? [{ dropout: { rate: opts.dropout } }] : []), { dense: { units: 10, activation: 'softmax' } }],
  },
  optimizer: { name: 'adam', learning_rate: opts.lr },
  loss: 'sparse_categorical_crossentropy',
  metrics: ['accuracy'],
});
function startFromDlcWeights(handModel, shape) {
  if (opts.seed === undefined) return;
  const reference = createTrainer(tf, dlcSpec(shape), { seed: opts.seed });
  const weights = reference.model.getWeights();
  handModel.setWeights(weights);
  reference.model.dispose();
}
if (mode === 'fit') {
  model = tf.sequential({ layers: layers(train) });
  startFromDlcWeights(model, train.shape);
  model.compile({ optimizer: tf.train.adam(opts.lr, 0.9, 0.999, 1e-7), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.tensor(train.features, [train.count, ...train.shape]);
  const y = tf.tensor1d(Float32Array.from(train.labels));
  phases.build = since();
  let began = 0;
  let cpuBegan = 0;
  const history = await model.fit(x, y, {
    batchSize: opts.batchSize,
    epochs: opts.epochs,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onEpochBegin: async () => {
        began = performance.now();
        cpuBegan = cpuNow();
      },
      onEpochEnd: async () => {
        epochSeconds.push((performance.now() - began) / 1000);
        epochCpu.push(cpuNow() - cpuBegan);
      },
    },
  });
  phases.training = since();
  trainMetrics = { loss: history.history.loss.at(-1), accuracy: history.history.acc?.at(-1) ?? history.history.accuracy?.at(-1) };
  tf.dispose([x, y]);
  const xt = tf.tensor(test.features, [test.count, ...test.shape]);
  const yt = tf.tensor1d(Float32Array.from(test.labels));
  const [loss, accuracy] = model.evaluate(xt, yt, { batchSize: 256 });
  testMetrics = { loss: (await loss.data())[0], accuracy: (await accuracy.data())[0] };
  tf.dispose([xt, yt, loss, accuracy]);
  phases.evaluate = since();
} else if (mode === 'steps') {
  model = tf.sequential({ layers: layers(train) });
  startFromDlcWeights(model, train.shape);
  const optimizer = tf.train.adam(opts.lr, 0.9, 0.999, 1e-7);
  const width = train.features.length / train.count;
  const xBuf = new Float32Array(opts.batchSize * width);
  const yBuf = new Int32Array(opts.batchSize);
  phases.build = since();
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const began = performance.now();
    const cpuBegan = cpuNow();
    const order = Uint32Array.from({ length: train.count }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let sums = tf.zeros([2]);
    for (let start = 0; start < train.count; start += opts.batchSize) {
      const n = Math.min(opts.batchSize, train.count - start);
      for (let k = 0; k < n; k++) {
        const row = order[start + k];
        xBuf.set(train.features.subarray(row * width, (row + 1) * width), k * width);
        yBuf[k] = train.labels[row];
      }
      const x = tf.tensor(xBuf.subarray(0, n * width), [n, ...train.shape]);
      const y = tf.tensor1d(yBuf.subarray(0, n), 'int32');
      const next = tf.tidy(() => {
        let correct;
        const loss = optimizer.minimize(() => {
          const p = model.apply(x, { training: true });
          correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(p, -1), y), 'float32')));
          const picked = tf.sum(tf.mul(tf.oneHot(y, 10), p), -1);
          return tf.neg(tf.mean(tf.log(tf.clipByValue(picked, 1e-7, 1 - 1e-7))));
        }, true);
        const batch = tf.stack([tf.mul(loss, n), correct]);
        correct.dispose();
        return tf.add(sums, batch);
      });
      sums.dispose();
      sums = next;
      tf.dispose([x, y]);
    }
    const [lossSum, correct] = await sums.data();
    sums.dispose();
    trainMetrics = { loss: lossSum / train.count, accuracy: correct / train.count };
    epochSeconds.push((performance.now() - began) / 1000);
    epochCpu.push(cpuNow() - cpuBegan);
  }
  phases.training = since();
  // Batches cut in JavaScript, as in training: slicing one big tensor is a slow copy on the wasm backend.
  let correct = 0;
  for (let start = 0; start < test.count; start += 256) {
    const n = Math.min(256, test.count - start);
    const hits = tf.tidy(() => {
      const x = tf.tensor(test.features.subarray(start * width, (start + n) * width), [n, ...test.shape]);
      const p = model.predict(x);
      return tf.sum(tf.cast(tf.equal(tf.argMax(p, -1), tf.tensor1d(test.labels.subarray(start, start + n), 'int32')), 'float32'));
    });
    correct += (await hits.data())[0];
    hits.dispose();
  }
  testMetrics = { accuracy: correct / test.count };
  phases.evaluate = since();
} else if (mode === 'dlc-loop') {
  const trainer = createTrainer(tf, dlcSpec(train.shape), { seed: opts.seed ?? 1 });
  model = trainer.model;
  phases.build = since();
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const cpuBegan = cpuNow();
    const r = await trainUnit(tf, trainer, train, { batchSize: opts.batchSize, shuffleSeed: opts.shuffleSeeds?.[epoch] ?? epoch });
    epochSeconds.push(r.seconds);
    epochCpu.push(cpuNow() - cpuBegan);
    trainMetrics = r.metrics;
  }
  phases.training = since();
  testMetrics = (await evaluate(tf, trainer, test, { batchSize: 256 })).metrics;
  phases.evaluate = since();
} else {
  throw new Error(`unknown mode ${mode}`);
}

// Export in the tfjs format (model.json + weights.bin), as dlc's export step does.
mkdirSync(opts.out, { recursive: true });
await model.save(
  tf.io.withSaveHandler(async (artifacts) => {
    const parts = Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData];
    const weights = Buffer.concat(parts.map((b) => Buffer.from(b)));
    writeFileSync(join(opts.out, 'weights.bin'), weights);
    const manifest = [{ paths: ['./weights.bin'], weights: artifacts.weightSpecs }];
    writeFileSync(join(opts.out, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, format: 'layers-model', weightsManifest: manifest }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.length } };
  }),
);
phases.export = since();

process.stdout.write(`${JSON.stringify({ mode, backend: engine.backend, phases, epochSeconds, epochCpu, examples: train.count, trainMetrics, testMetrics })}\n`);
