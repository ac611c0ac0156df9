// Not a test: compares the training loop of train-unit.ts with tfjs-layers' model.trainOnBatch on the same
// model, data and batches, alternating the two so background load affects both alike.
//   node dist/tests/unit/training/step-loop-benchmark.js [cpu|wasm] [mlp|cnn]
// Prints examples per CPU-second (less sensitive to other processes than wall time) and per wall-second,
// the median of 8 passes each after one warm-up pass.
import { initEngine, type BackendName } from '../../../runtime/engine/index.js';
import { batchesOf } from '../../../runtime/training/batches.js';
import { trainUnit } from '../../../runtime/training/train-unit.js';
import { createTrainer, type TrainerSpec } from '../../../runtime/training/trainer.js';
import { uniform } from './fixture.js';

const backend = (process.argv[2] ?? 'cpu') as BackendName;
const kind = process.argv[3] === 'cnn' ? 'cnn' : 'mlp';
const { tf, backend: active } = await initEngine({ prefer: backend });

const shape = kind === 'mlp' ? [784] : [28, 28, 1];
const count = kind === 'mlp' ? 2048 : 256;
const batchSize = 64;
const data = {
  features: Float32Array.from(uniform(count * 784, 1), (v) => (v + 1) / 2),
  labels: Int32Array.from(uniform(count, 2), (v) => Math.floor(((v + 1) / 2) * 10)),
};
const spec: TrainerSpec = {
  model: {
    input_shape: shape,
    layers: kind === 'mlp'
      ? [{ dense: { units: 128, activation: 'relu' } }, { dense: { units: 10, activation: 'softmax' } }]
      : [{ conv2d: { filters: 16, kernel_size: 3, activation: 'relu' } }, { max_pooling2d: { pool_size: 2 } }, { flatten: {} }, { dense: { units: 10, activation: 'softmax' } }],
  },
  optimizer: 'adam',
  loss: 'sparse_categorical_crossentropy',
  metrics: ['accuracy'],
};

const ours = createTrainer(tf, spec, { seed: 1 });
const reference = createTrainer(tf, spec, { seed: 1 });
reference.model.compile({ optimizer: reference.optimizer.optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });

const loops: Record<string, (seed: number) => Promise<void>> = {
  'train-unit loop': async (seed) => {
    await trainUnit(tf, ours, data, { batchSize, shuffleSeed: seed });
  },
  trainOnBatch: async (seed) => {
    for await (const batch of batchesOf(data, shape, { batchSize, shuffleSeed: seed })) {
      const x = tf.tensor(batch.features, [batch.count, ...shape]);
      const y = tf.tensor(batch.labels, [batch.count], 'float32');
      await reference.model.trainOnBatch(x, y);
      tf.dispose([x, y]);
    }
  },
};

const samples: Record<string, { cpu: number; wall: number }[]> = {};
for (const [name, loop] of Object.entries(loops)) {
  await loop(0);
  samples[name] = [];
}
for (let pass = 1; pass <= 8; pass++) {
  for (const [name, loop] of Object.entries(loops)) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await loop(pass);
    const used = process.cpuUsage(cpu);
    samples[name]!.push({ cpu: (used.user + used.system) / 1e6, wall: (performance.now() - start) / 1000 });
  }
}
const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;
for (const [name, runs] of Object.entries(samples)) {
  const perCpu = count / median(runs.map((r) => r.cpu));
  const perWall = count / median(runs.map((r) => r.wall));
  console.log(`${active} ${kind} ${name}: ${perCpu.toFixed(0)} examples per CPU-second, ${perWall.toFixed(0)} per wall-second`);
}
