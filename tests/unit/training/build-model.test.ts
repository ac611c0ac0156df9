// Building models from `layers:` specs: every layer type of the catalog builds and takes a training step,
// snake_case arguments reach tfjs under their tfjs names, initial weights follow the seed, and features
// stored in another shape (a [28, 28] image) feed a model whose input is [28, 28, 1].
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Sequential } from '@tensorflow/tfjs-layers';
import { LAYER_NAMES } from '../../../compiler/spec/layers.js';
import type { LayerItem } from '../../../compiler/spec/types.js';
import type { BoundModelSpec } from '../../../runtime/training/bind-hyperparameters.js';
import { buildModel, featuresToTensor, ModelSpecError, reshapeToInput } from '../../../runtime/training/build-model.js';
import { trainUnit } from '../../../runtime/training/train-unit.js';
import { createTrainer, disposeTrainer } from '../../../runtime/training/trainer.js';
import { cpuTf, maxDifference, uniform, weightsOf } from './fixture.js';

/**
 * One small model per catalog layer: an input shape the layer accepts, the layer with most of its arguments
 * set, and whatever makes the output a vector for a dense softmax head.
 */
const CASES: Record<string, { input: number[]; layers: LayerItem[]; integerInputs?: number }> = {
  dense: { input: [5], layers: [{ dense: { units: 4, activation: 'relu', use_bias: true, kernel_initializer: 'he_normal', kernel_l2: 0.01 } }] },
  conv1d: { input: [8, 3], layers: [{ conv1d: { filters: 4, kernel_size: 3, strides: 1, padding: 'same', dilation_rate: 1, activation: 'relu', kernel_l2: 0.001 } }, { flatten: {} }] },
  conv2d: { input: [6, 6, 2], layers: [{ conv2d: { filters: 3, kernel_size: [3, 3], strides: 1, padding: 'valid', activation: 'elu', use_bias: false } }, { flatten: {} }] },
  depthwise_conv2d: { input: [6, 6, 2], layers: [{ depthwise_conv2d: { kernel_size: 3, depth_multiplier: 2, strides: 1, padding: 'same', activation: 'relu6' } }, { flatten: {} }] },
  separable_conv2d: { input: [6, 6, 2], layers: [{ separable_conv2d: { filters: 3, kernel_size: 3, depth_multiplier: 1, padding: 'same', activation: 'selu', kernel_initializer: 'glorot_uniform', kernel_l2: 0.001 } }, { flatten: {} }] },
  max_pooling1d: { input: [8, 3], layers: [{ max_pooling1d: { pool_size: 2, strides: 2, padding: 'valid' } }, { flatten: {} }] },
  max_pooling2d: { input: [6, 6, 2], layers: [{ max_pooling2d: { pool_size: [2, 2], padding: 'same' } }, { flatten: {} }] },
  average_pooling1d: { input: [8, 3], layers: [{ average_pooling1d: { pool_size: 2 } }, { flatten: {} }] },
  average_pooling2d: { input: [6, 6, 2], layers: [{ average_pooling2d: { pool_size: 2, strides: 1 } }, { flatten: {} }] },
  global_average_pooling1d: { input: [8, 3], layers: [{ global_average_pooling1d: {} }] },
  global_average_pooling2d: { input: [6, 6, 2], layers: [{ global_average_pooling2d: {} }] },
  global_max_pooling1d: { input: [8, 3], layers: [{ global_max_pooling1d: null }] },
  global_max_pooling2d: { input: [6, 6, 2], layers: [{ global_max_pooling2d: {} }] },
  flatten: { input: [3, 4], layers: [{ flatten: {} }] },
  dropout: { input: [5], layers: [{ dense: { units: 4 } }, { dropout: { rate: 0.5 } }] },
  spatial_dropout1d: { input: [8, 3], layers: [{ spatial_dropout1d: { rate: 0.3 } }, { flatten: {} }] },
  batch_normalization: { input: [5], layers: [{ batch_normalization: { momentum: 0.9, epsilon: 0.001, axis: -1, center: true, scale: true } }] },
  layer_normalization: { input: [5], layers: [{ layer_normalization: { epsilon: 0.001, axis: -1 } }] },
  lstm: { input: [4, 3], layers: [{ lstm: { units: 3, activation: 'tanh', recurrent_activation: 'hard_sigmoid', return_sequences: true, dropout: 0.2, recurrent_dropout: 0.2 } }, { flatten: {} }] },
  gru: { input: [4, 3], layers: [{ gru: { units: 3, recurrent_activation: 'sigmoid', use_bias: true, dropout: 0.1 } }] },
  simple_rnn: { input: [4, 3], layers: [{ simple_rnn: { units: 3, activation: 'tanh', return_sequences: false } }] },
  // Token ids arrive as float32 like any feature; tfjs's Embedding casts them to int32 before the lookup.
  embedding: { input: [4], layers: [{ embedding: { input_dim: 10, output_dim: 3, input_length: 4, mask_zero: false } }, { flatten: {} }], integerInputs: 10 },
  activation: { input: [5], layers: [{ activation: { activation: 'softsign' } }] },
  reshape: { input: [6], layers: [{ reshape: { target_shape: [2, 3] } }, { flatten: {} }] },
  zero_padding2d: { input: [4, 4, 1], layers: [{ zero_padding2d: { padding: 1 } }, { flatten: {} }] },
  up_sampling2d: { input: [3, 3, 1], layers: [{ up_sampling2d: { size: [2, 2] } }, { flatten: {} }] },
};

test('every layer type of the catalog has a case here', () => {
  assert.deepEqual(LAYER_NAMES.filter((name) => CASES[name] === undefined), [], 'add a case for each new catalog layer');
});

test('every catalog layer builds in a Sequential model, takes training steps, and repeats them exactly under a seed', async () => {
  const tf = await cpuTf();
  for (const [name, c] of Object.entries(CASES)) {
    const spec = {
      model: { input_shape: c.input, layers: [...c.layers, { dense: { units: 2, activation: 'softmax' } }] },
      optimizer: { name: 'sgd', learning_rate: 0.1 },
      loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'],
    };
    const size = c.input.reduce((a, b) => a * b, 1);
    const count = 8;
    const raw = uniform(count * size, 5);
    const features = c.integerInputs === undefined ? raw : Float32Array.from(raw, (v) => Math.floor(((v + 1) / 2) * c.integerInputs!));
    const labels = Int32Array.from({ length: count }, (_, i) => i % 2);
    const runs = [];
    for (let run = 0; run < 2; run++) {
      const trainer = createTrainer(tf, spec, { seed: 3 });
      const before = weightsOf(trainer.model);
      const result = await trainUnit(tf, trainer, { features, labels }, { batchSize: 4, shuffleSeed: 1 });
      assert.ok(Number.isFinite(result.metrics.loss), `${name}: loss ${result.metrics.loss}`);
      const after = weightsOf(trainer.model);
      if (before.length > 0) assert.ok(maxDifference(before, after) > 0, `${name}: training changed no weight`);
      runs.push(after);
      disposeTrainer(trainer);
    }
    assert.equal(maxDifference(runs[0]!, runs[1]!), 0, `${name}: two runs with the same seeds differ`);
  }
});

function layerConfig(model: Sequential, index: number): Record<string, unknown> {
  return model.layers[index]!.getConfig() as Record<string, unknown>;
}
function className(value: unknown): string | undefined {
  return (value as { className?: string } | null)?.className;
}

test('snake_case arguments reach tfjs under tfjs names', async () => {
  const tf = await cpuTf();
  const model = buildModel(tf, {
    input_shape: [8, 8, 1],
    layers: [
      { conv2d: { filters: 4, kernel_size: 3, strides: 2, padding: 'same', dilation_rate: 1, activation: 'hard_sigmoid', kernel_initializer: 'lecun_normal', kernel_l2: 0.01, use_bias: false } },
      { max_pooling2d: { pool_size: 2 } },
      { reshape: { target_shape: [4, 4] } },
      { lstm: { units: 3, return_sequences: true, recurrent_activation: 'sigmoid', recurrent_dropout: 0.1 } },
      { flatten: {} },
      { dense: { units: 2, activation: 'softmax', kernel_initializer: 'zeros' } },
    ],
  }, { seed: 1 });
  const conv = layerConfig(model, 0);
  assert.deepEqual(conv.kernelSize, [3, 3]);
  assert.deepEqual(conv.strides, [2, 2]);
  assert.equal(conv.padding, 'same');
  assert.equal(conv.activation, 'hardSigmoid');
  assert.equal(conv.useBias, false);
  assert.equal(className(conv.kernelInitializer), 'VarianceScaling', 'lecun_normal is a variance-scaling initializer');
  assert.equal((conv.kernelInitializer as { config: { mode: string } }).config.mode, 'fanIn');
  assert.deepEqual(conv.kernelRegularizer, { className: 'L1L2', config: { l1: 0, l2: 0.01 } });
  assert.deepEqual(conv.dilationRate, [1, 1]);
  assert.deepEqual(conv.batchInputShape, [null, 8, 8, 1], 'the first layer gets input_shape');
  assert.deepEqual(layerConfig(model, 1).poolSize, [2, 2]);
  assert.deepEqual(layerConfig(model, 2).targetShape, [4, 4]);
  const lstm = layerConfig(model, 3);
  assert.equal(lstm.returnSequences, true);
  assert.equal(lstm.recurrentActivation, 'sigmoid');
  assert.equal(lstm.recurrentDropout, 0.1);
  assert.equal(className(layerConfig(model, 5).kernelInitializer), 'Zeros');
  assert.ok(weightsOf(model)[weightsOf(model).length - 2]!.every((v) => v === 0), 'zeros initializer');
  model.dispose();
});

test('the same seed gives the same initial weights, another seed others', async () => {
  const tf = await cpuTf();
  const spec: BoundModelSpec = {
    input_shape: [6, 6, 1],
    layers: [{ conv2d: { filters: 2, kernel_size: 3 } }, { flatten: {} }, { dense: { units: 4 } }, { reshape: { target_shape: [2, 2] } }, { lstm: { units: 2 } }, { dense: { units: 3, kernel_initializer: 'random_uniform' } }],
  };
  const a = buildModel(tf, spec, { seed: 11 });
  const b = buildModel(tf, spec, { seed: 11 });
  const c = buildModel(tf, spec, { seed: 12 });
  assert.equal(maxDifference(weightsOf(a), weightsOf(b)), 0);
  assert.ok(maxDifference(weightsOf(a), weightsOf(c)) > 0.01);
  // Distinct layers get distinct seeds: the two dense kernels of equal shape would otherwise repeat values.
  const kernels = weightsOf(a).filter((w) => w.length > 8);
  assert.notDeepEqual(kernels[0]!.slice(0, 4), kernels[1]!.slice(0, 4));
  for (const m of [a, b, c]) m.dispose();
});

test('features stored as [28, 28] feed a conv2d model with input_shape [28, 28, 1]', async () => {
  const tf = await cpuTf();
  const model = buildModel(tf, {
    input_shape: [28, 28, 1],
    layers: [{ conv2d: { filters: 2, kernel_size: 3, activation: 'relu' } }, { max_pooling2d: { pool_size: 2 } }, { flatten: {} }, { dense: { units: 10, activation: 'softmax' } }],
  });
  const images = uniform(3 * 28 * 28, 1);
  const x = featuresToTensor(tf, images, [28, 28, 1]);
  assert.deepEqual(x.shape, [3, 28, 28, 1]);
  const y = model.predict(x) as Tensor;
  assert.deepEqual(y.shape, [3, 10]);
  const stored = tf.tensor(images, [3, 28, 28]);
  const reshaped = reshapeToInput(tf, stored, [28, 28, 1]);
  assert.deepEqual(reshaped.shape, [3, 28, 28, 1]);
  assert.throws(() => featuresToTensor(tf, new Float32Array(100), [28, 28, 1]), /not a whole number of examples/);
  assert.throws(() => reshapeToInput(tf, tf.zeros([3, 27, 28]), [28, 28, 1]), /does not fit input_shape/);
  tf.dispose([x, y, stored, reshaped]);
  model.dispose();
});

test('mistakes in the model spec are reported with the layer and argument', async () => {
  const tf = await cpuTf();
  const build = (layers: LayerItem[], input_shape: number[] | undefined = [4]) => () => buildModel(tf, { input_shape, layers });
  assert.throws(build([{ densely: { units: 3 } }]), /layers\[0\]: unknown layer type 'densely'/);
  assert.throws(build([{ dense: { units: 3, unit: 4 } }]), /layers\[0\] \(dense\): unknown argument 'unit'/);
  assert.throws(build([{ dense: {} }]), /layers\[0\] \(dense\): 'units' is required/);
  assert.throws(build([{ dense: { units: '${hp.units}' } }]), /layers\[0\] \(dense\): 'units' must be an integer >= 1, got "\$\{hp.units\}"/);
  assert.throws(build([{ dense: { units: 2 } }, { dropout: { rate: 1.5 } }]), /layers\[1\] \(dropout\): 'rate' must be a number in \[0, 1\]/);
  assert.throws(build([{ dense: { units: 2, activation: 'leaky' } }]), /'activation' must be one of linear, relu/);
  assert.throws(build([{ dense: { units: 2 }, flatten: {} }]), /layers\[0\] must have exactly one key/);
  assert.throws(() => buildModel(tf, { layers: [{ dense: { units: 2 } }] }), /needs input_shape/);
  assert.throws(build([{ dense: { units: 2 } }], [4, 0]), /input_shape must be a list of positive integers/);
  assert.throws(build([{ conv2d: { filters: 2, kernel_size: 3 } }]), (error: unknown) => error instanceof ModelSpecError && /layers\[0\] \(conv2d\) cannot be built/.test(error.message));
  assert.throws(build([]), /no layers/);
});
