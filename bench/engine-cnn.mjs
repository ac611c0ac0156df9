#!/usr/bin/env node
// Training throughput of the 2-conv CNN from shared/design/ENGINE.md on the tfjs backends the engine can run
// offline: the plain cpu backend, and wasm with runtime/engine/wasm-kernels; plus wasm with one of the
// backend's stock kernels put back, and the replaced kernels timed alone, to show what each replacement is
// worth.
//
//   node scripts/build.mjs && node bench/engine-cnn.mjs [--rounds 3] [--seconds 3] [--variants a,b,...]
//
// Variants (and kernel pairs) run interleaved, A B A B ..., so drift in the machine's load hits them alike;
// each reports the median over rounds with the spread. A round is at least `--seconds` of steps and at least
// one step: on the cpu backend one step of 64 samples takes minutes (its Conv2DBackpropFilter is a scalar
// loop), so a cpu round is a single step. One training step per wasm variant is profiled (tf.profile) to show
// where its time goes; the cpu backend's profile costs another step and is taken only with --profile-cpu.
// Results: bench/results/engine-cnn.{json,md}.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    'profile-cpu': { type: 'boolean', default: false },
    'kernel-seconds': { type: 'string', default: '0.5' },
    variants: { type: 'string', default: 'cpu,wasm,wasm-stock-batchmatmul,wasm-stock-maxpoolgrad' },
    out: { type: 'string', default: join(root, 'bench/results/engine-cnn') },
  },
});
const ROUNDS = Number(args.rounds);
const SECONDS = Number(args.seconds);
const KERNEL_SECONDS = Number(args['kernel-seconds']);
const BATCH = 64;
const log = (line) => process.stderr.write(`${line}\n`);

// The wasm backend's stock kernels, captured before the engine replaces them (same tfjs-core instance: the
// package resolves to the same file from here as from dist/).
const tfCore = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-wasm');
const REPLACED = ['BatchMatMul', 'MaxPoolGrad', 'Conv2DBackpropInput'];
const stockKernels = Object.fromEntries(REPLACED.map((name) => [name, tfCore.getKernel(name, 'wasm')]));

const { initEngine } = await import(join(root, 'dist/runtime/engine/index.js'));
const { WASM_KERNEL_NAMES } = await import(join(root, 'dist/runtime/engine/wasm-kernels/index.js'));
const cpuInfo = await initEngine({ prefer: 'cpu' });
const wasmInfo = await initEngine({});
const tf = wasmInfo.tf;
const engineKernels = Object.fromEntries(WASM_KERNEL_NAMES.map((name) => [name, tf.getKernel(name, 'wasm')]));

/** Puts the stock wasm kernel back for the names in `stock`, the engine's kernel for all others. */
function useKernels(stock) {
  for (const [name, config] of Object.entries(engineKernels)) {
    const wanted = stock.includes(name) ? stockKernels[name] : config;
    if (tf.getKernel(name, 'wasm') === wanted) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(wanted);
  }
}

const VARIANTS = {
  cpu: { backend: 'cpu', stock: [], label: 'cpu (tfjs-backend-cpu)' },
  wasm: { backend: 'wasm', stock: [], label: 'wasm + engine kernels' },
  'wasm-stock-batchmatmul': { backend: 'wasm', stock: ['BatchMatMul'], label: "wasm + engine kernels but wasm's own BatchMatMul" },
  'wasm-stock-maxpoolgrad': { backend: 'wasm', stock: ['MaxPoolGrad'], label: "wasm + engine kernels but wasm's own MaxPoolGrad" },
  'wasm-stock-conv2dbackpropinput': {
    backend: 'wasm',
    stock: ['Conv2DBackpropInput'],
    label: "wasm + engine kernels but wasm's own Conv2DBackpropInput",
  },
};
const chosen = args.variants.split(',');
for (const name of chosen) {
  if (!(name in VARIANTS)) throw new Error(`unknown variant ${name}; known: ${Object.keys(VARIANTS).join(', ')}`);
}

async function activate(variant) {
  await tf.setBackend(VARIANTS[variant].backend);
  useKernels(VARIANTS[variant].stock);
}

function buildCnn() {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
const round2 = (v) => Math.round(v * 100) / 100;
function summary(values) {
  const med = median(values);
  return {
    median: round2(med),
    min: round2(Math.min(...values)),
    max: round2(Math.max(...values)),
    spreadPercent: round2(((Math.max(...values) - Math.min(...values)) / med) * 100),
    rounds: values.map(round2),
  };
}

/** Calls `fn` repeatedly for at least `seconds` (and at least once); returns calls per second. */
async function rate(fn, seconds) {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (calls < 1 || elapsed < seconds * 1000) {
    await fn();
    calls++;
    elapsed = performance.now() - start;
  }
  return calls / (elapsed / 1000);
}

// Part 1: training steps. Each variant keeps its own model and batch, living on its backend.
const state = {};
for (const name of chosen) {
  await activate(name);
  const x = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 2), 10), 'float32'));
  const model = buildCnn();
  // Warm-up on 8 samples: creates the optimizer state and XNNPACK operators for the weights without paying
  // a full cpu step.
  const [xWarm, yWarm] = [tf.slice(x, 0, 8), tf.slice(y, 0, 8)];
  await model.trainOnBatch(xWarm, yWarm);
  tf.dispose([xWarm, yWarm]);
  state[name] = { model, x, y, rates: [] };
  log(`${name}: ready`);
}
const tensorsBefore = tf.memory().numTensors;
for (let r = 0; r < ROUNDS; r++) {
  for (const name of chosen) {
    await activate(name);
    const { model, x, y } = state[name];
    const samples = BATCH * (await rate(() => model.trainOnBatch(x, y), SECONDS));
    state[name].rates.push(samples);
    log(`round ${r + 1}/${ROUNDS} ${name}: ${samples.toFixed(1)} samples/s`);
  }
}
const leakedTensors = tf.memory().numTensors - tensorsBefore;

async function profileStep(name) {
  await activate(name);
  const { model, x, y } = state[name];
  const profile = await tf.profile(async () => {
    await model.trainOnBatch(x, y);
  });
  const byKernel = new Map();
  for (const k of profile.kernels) {
    const entry = byKernel.get(k.name) ?? { kernel: k.name, calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byKernel.set(k.name, entry);
  }
  const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
  return {
    totalKernelMs: round2(total),
    top: [...byKernel.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 8)
      .map((e) => ({ ...e, ms: round2(e.ms), share: Math.round((e.ms / total) * 1000) / 1000 })),
  };
}
const profiles = {};
for (const name of chosen) {
  if (VARIANTS[name].backend === 'cpu' && !args['profile-cpu']) continue;
  profiles[name] = await profileStep(name);
}

// Part 2: the replaced kernels alone, stock vs engine, on the shapes this CNN gives them.
await tf.setBackend('wasm');
const kernelInputs = {
  // conv2's ReLU output [64,28,28,64] pooled 2x2, as in the CNN (about half the values are zeros).
  MaxPoolGrad: {
    kernel: 'MaxPoolGrad',
    shapes: 'input [64,28,28,64] (post-ReLU), dy [64,14,14,64], pool 2 stride 2',
    inputs: { input: tf.relu(tf.randomNormal([64, 28, 28, 64], 0, 1, 'float32', 3)), dy: tf.randomNormal([64, 14, 14, 64], 0, 1, 'float32', 4) },
    attrs: { filterSize: 2, strides: 2, pad: 'valid' },
  },
  // dense 12544 -> 128: the weight gradient xᵀ·dy and the input gradient dy·Wᵀ.
  'BatchMatMul xᵀ·dy': {
    kernel: 'BatchMatMul',
    shapes: 'x [64,12544] transposed times dy [64,128] (dense weight gradient)',
    inputs: { a: tf.randomNormal([64, 12544], 0, 1, 'float32', 5), b: tf.randomNormal([64, 128], 0, 1, 'float32', 6) },
    attrs: { transposeA: true, transposeB: false },
  },
  'BatchMatMul dy·Wᵀ': {
    kernel: 'BatchMatMul',
    shapes: 'dy [64,128] times W [12544,128] transposed (dense input gradient)',
    inputs: { a: tf.randomNormal([64, 128], 0, 1, 'float32', 9), b: tf.randomNormal([12544, 128], 0, 1, 'float32', 10) },
    attrs: { transposeA: false, transposeB: true },
  },
  // conv2's input gradient: dy [64,28,28,64], filter [3,3,32,64].
  Conv2DBackpropInput: {
    kernel: 'Conv2DBackpropInput',
    shapes: 'dy [64,28,28,64], filter [3,3,32,64], stride 1, same',
    inputs: { dy: tf.randomNormal([64, 28, 28, 64], 0, 1, 'float32', 7), filter: tf.randomNormal([3, 3, 32, 64], 0, 1, 'float32', 8) },
    attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [64, 28, 28, 32] },
  },
};
const kernelResults = [];
for (const [label, spec] of Object.entries(kernelInputs)) {
  const ms = { stock: [], engine: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const which of ['stock', 'engine']) {
      useKernels(which === 'stock' ? [spec.kernel] : []);
      const perSecond = await rate(() => tf.engine().runKernel(spec.kernel, spec.inputs, spec.attrs).dispose(), KERNEL_SECONDS);
      ms[which].push(1000 / perSecond);
    }
  }
  useKernels([]);
  const stock = summary(ms.stock);
  const engine = summary(ms.engine);
  kernelResults.push({ kernel: label, shapes: spec.shapes, msPerCall: { stock, engine }, speedup: round2(stock.median / engine.median) });
  log(`${label}: stock ${stock.median} ms, engine ${engine.median} ms`);
}

function cpuModel() {
  const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
  return line ? line.split(':')[1].trim() : 'unknown';
}
function nproc() {
  try {
    return Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    return availableParallelism();
  }
}
function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

const command =
  `node scripts/build.mjs && node bench/engine-cnn.mjs --rounds ${ROUNDS} --seconds ${SECONDS} ` +
  `--kernel-seconds ${KERNEL_SECONDS} --variants ${chosen.join(',')}${args['profile-cpu'] ? ' --profile-cpu' : ''}`;
const results = {
  benchmark: 'engine-cnn',
  date: new Date().toISOString(),
  command,
  model:
    'conv2d 32 3x3 same relu, conv2d 64 3x3 same relu, max-pool 2, flatten, dense 128 relu, dense 10 softmax; adam; categorical cross-entropy',
  input: `batch ${BATCH} of 28x28x1, random data`,
  machine: {
    nproc: nproc(),
    cpu: cpuModel(),
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    loadAverageAtEnd: loadAverage(),
  },
  versions: { ...cpuInfo.versions, ...wasmInfo.versions },
  wasm: wasmInfo.wasm,
  protocol: {
    rounds: ROUNDS,
    minSecondsPerRound: SECONDS,
    minStepsPerRound: 1,
    kernelSecondsPerRound: KERNEL_SECONDS,
    order: 'interleaved',
    warmup: 'one step on 8 samples',
  },
  leakedTensors,
  training: chosen.map((name) => {
    const samplesPerSecond = summary(state[name].rates);
    return {
      variant: name,
      label: VARIANTS[name].label,
      backend: VARIANTS[name].backend,
      samplesPerSecond,
      secondsPer60kEpoch: round2(60000 / samplesPerSecond.median),
      profile: profiles[name],
    };
  }),
  kernels: kernelResults,
};

const cpuMedian = results.training.find((v) => v.variant === 'cpu')?.samplesPerSecond.median;
const md = [
  '# engine-cnn: CNN training throughput by backend',
  '',
  `Model: ${results.model}. Input: ${results.input}.`,
  '',
  `Machine: ${results.machine.nproc} cores (shared with other work; load average at the end ${results.machine.loadAverageAtEnd}), ` +
    `${results.machine.cpu}, Node ${results.machine.node} (${results.machine.platform}); ` +
    `wasm SIMD ${wasmInfo.wasm?.simd ? 'on' : 'off'}, threads ${wasmInfo.wasm?.threads ? 'on' : 'off'}; one thread throughout.`,
  `Versions: ${Object.entries(results.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
  `Protocol: ${ROUNDS} rounds with the variants interleaved, each round at least ${SECONDS} s and at least one step of training, ` +
    `after a warm-up step on 8 samples; median over rounds, spread = (max - min) / median. ` +
    `Tensors leaked over all rounds: ${leakedTensors}.`,
  '',
  `Reproduce: \`${command}\``,
  '',
  '## Training',
  '',
  '| variant | samples/s (median) | min - max | spread | vs cpu | s per 60k-sample epoch |',
  '|---|---:|---:|---:|---:|---:|',
  ...results.training.map(
    (v) =>
      `| ${v.label} | ${v.samplesPerSecond.median.toFixed(1)} | ${v.samplesPerSecond.min.toFixed(1)} - ${v.samplesPerSecond.max.toFixed(1)} | ` +
      `${v.samplesPerSecond.spreadPercent.toFixed(1)}% | ${cpuMedian ? `${(v.samplesPerSecond.median / cpuMedian).toFixed(2)}x` : '-'} | ` +
      `${v.secondsPer60kEpoch.toFixed(0)} |`,
  ),
  '',
  '## Replaced wasm kernels alone (ms per call, same shapes as in the CNN)',
  '',
  '| kernel | shapes | stock wasm (median, min - max) | engine (median, min - max) | speed-up |',
  '|---|---|---:|---:|---:|',
  ...kernelResults.map(
    (k) =>
      `| ${k.kernel} | ${k.shapes} | ${k.msPerCall.stock.median.toFixed(1)} (${k.msPerCall.stock.min.toFixed(1)} - ${k.msPerCall.stock.max.toFixed(1)}) | ` +
      `${k.msPerCall.engine.median.toFixed(1)} (${k.msPerCall.engine.min.toFixed(1)} - ${k.msPerCall.engine.max.toFixed(1)}) | ${k.speedup.toFixed(2)}x |`,
  ),
  '',
  '## Where one training step spends its time (tf.profile, kernel wall time, one step)',
  '',
  ...results.training.filter((v) => v.profile).flatMap((v) => [
    `### ${v.label}: ${v.profile.totalKernelMs.toFixed(0)} ms in kernels`,
    '',
    '| kernel | calls | ms | share |',
    '|---|---:|---:|---:|',
    ...v.profile.top.map((k) => `| ${k.kernel} | ${k.calls} | ${k.ms.toFixed(1)} | ${(k.share * 100).toFixed(1)}% |`),
    '',
  ]),
].join('\n');

mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(`${args.out}.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(`${args.out}.md`, `${md}\n`);
process.stdout.write(`${md}\n`);
