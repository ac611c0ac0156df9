// Every layer type the engine promises trains on wasm: one SGD step from the same weights moves each weight
// as it does on the cpu backend. A missing gradient kernel shows up here as "Kernel '...' not registered".
import { test } from 'node:test';
import type { Tf } from '../../../runtime/engine/index.js';
import { seededValues, sizeOf, wasmEngine } from './engine-fixture.js';
import { assertUpdatesClose, oneHotLabels, oneStep, updates } from './training-fixture.js';

type Layer = Parameters<ReturnType<Tf['sequential']>['add']>[0];
type LayerList = (tf: Tf) => Layer[];

const BATCH = 4;
const CLASSES = 3;

const layerStacks: Record<string, { inputShape: number[]; integers?: number; layers: LayerList }> = {
  conv2d: {
    inputShape: [8, 8, 2],
    layers: (tf) => [tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })],
  },
  depthwiseConv2d: {
    inputShape: [8, 7, 2],
    layers: (tf) => [tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, activation: 'relu' })],
  },
  separableConv2d: {
    inputShape: [7, 8, 3],
    layers: (tf) => [tf.layers.separableConv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' })],
  },
  maxPooling2d: {
    inputShape: [7, 7, 2],
    layers: (tf) => [tf.layers.conv2d({ filters: 3, kernelSize: 2 }), tf.layers.maxPooling2d({ poolSize: 2, strides: 2 })],
  },
  averagePooling2d: {
    inputShape: [7, 7, 2],
    layers: (tf) => [tf.layers.conv2d({ filters: 3, kernelSize: 2 }), tf.layers.averagePooling2d({ poolSize: 3, padding: 'same' })],
  },
  globalPooling: {
    inputShape: [6, 6, 2],
    layers: (tf) => [tf.layers.conv2d({ filters: 3, kernelSize: 3 }), tf.layers.globalMaxPooling2d({})],
  },
  batchNormalization: {
    inputShape: [5, 5, 3],
    // No bias before the normalisation, as models write it: the normalisation subtracts the bias again, so its
    // gradient is zero in exact arithmetic and the two backends' float noise need not agree (a flaky failure).
    layers: (tf) => [tf.layers.conv2d({ filters: 2, kernelSize: 1, useBias: false }), tf.layers.batchNormalization()],
  },
  dropoutDense: {
    inputShape: [6],
    layers: (tf) => [tf.layers.dense({ units: 5, activation: 'relu' }), tf.layers.dropout({ rate: 0.5, seed: 3 })],
  },
  embedding: {
    inputShape: [5],
    integers: 12,
    layers: (tf) => [tf.layers.embedding({ inputDim: 12, outputDim: 4 })],
  },
  lstm: { inputShape: [5, 3], layers: (tf) => [tf.layers.lstm({ units: 4 })] },
  gru: { inputShape: [5, 3], layers: (tf) => [tf.layers.gru({ units: 4, returnSequences: true })] },
  conv1d: {
    inputShape: [9, 2],
    layers: (tf) => [tf.layers.conv1d({ filters: 3, kernelSize: 3, padding: 'same' }), tf.layers.maxPooling1d({ poolSize: 2 })],
  },
  conv2dTranspose: {
    inputShape: [4, 4, 2],
    layers: (tf) => [tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2 })],
  },
};

for (const [name, stack] of Object.entries(layerStacks)) {
  test(`${name} trains on wasm like on the cpu backend`, async () => {
    const { tf } = await wasmEngine();
    const count = BATCH * sizeOf(stack.inputShape);
    const x =
      stack.integers === undefined
        ? seededValues(count, 41)
        : Float32Array.from(seededValues(count, 41), (v) => Math.floor((v + 0.5) * stack.integers!));
    const problem = {
      build: (t: Tf) => {
        const model = t.sequential();
        const [first, ...rest] = stack.layers(t);
        model.add(t.layers.inputLayer({ inputShape: stack.inputShape }));
        for (const layer of [first!, ...rest]) model.add(layer);
        if (model.outputs[0]!.shape.length > 2) model.add(t.layers.flatten());
        model.add(t.layers.dense({ units: CLASSES, activation: 'softmax' }));
        return model;
      },
      x: { values: x, shape: [BATCH, ...stack.inputShape] },
      y: { values: oneHotLabels(BATCH, CLASSES), shape: [BATCH, CLASSES] },
    };
    const cpu = await oneStep(tf, 'cpu', problem);
    const wasm = await oneStep(tf, 'wasm', problem, cpu.before);
    assertUpdatesClose(updates(wasm), updates(cpu), name);
  });
}
