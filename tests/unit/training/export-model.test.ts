// Exporting in the standard tfjs LayersModel format and loading it back with tf.loadLayersModel through
// the node:fs IOHandlers: same topology, same weights, same predictions.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Tensor } from '@tensorflow/tfjs-core';
import { exportTfjsModel, fileLoadHandler, loadTfjsModel } from '../../../runtime/training/export-model.js';
import { trainUnit } from '../../../runtime/training/train-unit.js';
import { createTrainer, disposeTrainer } from '../../../runtime/training/trainer.js';
import { clusters, cpuTf, maxDifference, tempDir, uniform, weightsOf } from './fixture.js';

const dir = tempDir('export');
after(() => dir.remove());

test('an exported model loads with tf.loadLayersModel and predicts the same', async () => {
  const tf = await cpuTf();
  const trainer = createTrainer(tf, {
    model: {
      input_shape: [8, 8, 1],
      layers: [
        { conv2d: { filters: 3, kernel_size: 3, activation: 'relu', kernel_l2: 0.001 } },
        { batch_normalization: {} },
        { max_pooling2d: { pool_size: 2 } },
        { flatten: {} },
        { dropout: { rate: 0.2 } },
        { dense: { units: 4, activation: 'softmax' } },
      ],
    },
    optimizer: 'adam',
    loss: 'sparse_categorical_crossentropy',
  }, { seed: 5 });
  const data = clusters(32, 64, 4, 3);
  await trainUnit(tf, trainer, data, { batchSize: 8 });

  const out = join(dir.path, 'best-model');
  const files = await exportTfjsModel(trainer.model, out);
  assert.ok(existsSync(files.modelJson) && existsSync(files.weightsBin));
  const json = JSON.parse(readFileSync(files.modelJson, 'utf8')) as { format: string; weightsManifest: { paths: string[] }[]; modelTopology: { class_name: string } };
  assert.equal(json.format, 'layers-model');
  assert.deepEqual(json.weightsManifest[0]!.paths, ['./weights.bin']);
  assert.equal(json.modelTopology.class_name, 'Sequential');

  // Through tf.loadLayersModel directly, and through the convenience wrapper (directory path).
  const loaded = await tf.loadLayersModel(fileLoadHandler(tf, files.modelJson));
  const again = await loadTfjsModel(tf, out);
  assert.equal(maxDifference(weightsOf(loaded), weightsOf(trainer.model)), 0);
  assert.equal(maxDifference(weightsOf(again), weightsOf(trainer.model)), 0);
  const x = tf.tensor(uniform(5 * 64, 9), [5, 8, 8, 1]);
  const expected = trainer.model.predict(x) as Tensor;
  const actual = loaded.predict(x) as Tensor;
  assert.equal(maxDifference([Float32Array.from(actual.dataSync())], [Float32Array.from(expected.dataSync())]), 0);
  tf.dispose([x, expected, actual]);
  loaded.dispose();
  again.dispose();
  disposeTrainer(trainer);
});

test('loading a missing model names the file', async () => {
  const tf = await cpuTf();
  await assert.rejects(loadTfjsModel(tf, join(dir.path, 'nowhere')), /cannot read tfjs model .*nowhere\/model\.json/);
});
