#!/usr/bin/env node
// Test accuracy of saved training checkpoints: each one loaded into its trial's model (built from the run's
// plan) and evaluated on IDX test files, the same loss and metrics as the train step, in inference mode.
// Prints one JSON line: [{ file, trial, epoch, metrics, examples, seconds }].
//
//   node bench/lib/eval-checkpoints.mjs '{"plan": "RUN/plan.json", "node": "search", "images": ..., "labels": ...,
//                                        "checkpoints": [{"file": ..., "trial": 0, "epoch": 1, "params": {...}}]}'
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const opts = JSON.parse(process.argv[2] ?? '{}');
const { initEngine } = await import('../../dist/runtime/engine/index.js');
const { bindTrainStep, createTrainer, disposeTrainer, evaluate, loadCheckpoint } = await import('../../dist/runtime/training/index.js');
const { tf } = await initEngine({ prefer: opts.backend ?? 'wasm', quiet: true });

function readIdx(path) {
  const bytes = gunzipSync(readFileSync(path));
  const dims = bytes[3];
  return bytes.subarray(4 + 4 * dims);
}
const pixels = readIdx(opts.images);
const features = new Float32Array(pixels.length);
for (let i = 0; i < features.length; i++) features[i] = pixels[i] / 255;
const labels = Int32Array.from(readIdx(opts.labels));

const plan = JSON.parse(readFileSync(opts.plan, 'utf8'));
const node = plan.nodes.find((n) => n.id === opts.node);
if (!node) throw new Error(`no node ${opts.node} in ${opts.plan}`);
const out = [];
for (const c of opts.checkpoints) {
  const trainer = createTrainer(tf, bindTrainStep(node.config, c.params), { seed: 0 });
  try {
    await loadCheckpoint(tf, c.file, { model: trainer.model });
    const r = await evaluate(tf, trainer, { features, labels }, { batchSize: 256 });
    out.push({ file: c.file, trial: c.trial, epoch: c.epoch, metrics: r.metrics, examples: r.examples, seconds: r.seconds });
  } finally {
    disposeTrainer(trainer);
  }
}
process.stdout.write(`${JSON.stringify(out)}\n`);
