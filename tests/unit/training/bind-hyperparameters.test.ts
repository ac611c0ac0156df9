// Binding a configuration into a train step: exact `${hp.x}` keeps the value's type, embedded ones become
// text, the input is untouched, and a missing hyperparameter is named with where it is used.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrainStep } from '../../../compiler/spec/types.js';
import { bindTrainStep, bindValue, HyperparameterBindingError } from '../../../runtime/training/bind-hyperparameters.js';

const step = (): TrainStep => ({
  op: 'train',
  data: { train: 'split.train', validation: 'split.validation' },
  features: ['image'],
  label: 'label',
  model: {
    input_shape: [28, 28, 1],
    layers: [
      { conv2d: { filters: '${hp.filters}', kernel_size: 3, activation: '${hp.act}' } },
      { dropout: { rate: '${hp.dropout}' } },
      { dense: { units: 10, activation: 'softmax' } },
    ],
  },
  optimizer: { name: 'adam', learning_rate: '${hp.lr}' },
  loss: 'sparse_categorical_crossentropy',
  metrics: ['accuracy'],
  batch_size: '${hp.batch_size}',
  epochs: 10,
  description: 'filters=${hp.filters}, lr ${hp.lr}',
  search: {
    algorithm: 'grid',
    space: { filters: { choice: [16, 32] }, lr: { choice: [0.001] }, dropout: { choice: [0, 0.25] }, batch_size: { choice: [64] }, act: { choice: ['relu'] } },
    objective: { metric: 'val_accuracy', mode: 'max' },
  },
});
const hp = { filters: 32, lr: 0.0003, dropout: 0.25, batch_size: 64, act: 'relu' };

test('an exact ${hp.x} takes the value with its type', () => {
  const bound = bindTrainStep(step(), hp);
  assert.equal(bound.model.layers![0]!.conv2d!.filters, 32);
  assert.equal(bound.model.layers![0]!.conv2d!.activation, 'relu');
  assert.equal(bound.model.layers![1]!.dropout!.rate, 0.25);
  assert.deepEqual(bound.optimizer, { name: 'adam', learning_rate: 0.0003 });
  assert.equal(bound.batch_size, 64);
  assert.equal(typeof bound.batch_size, 'number');
  assert.equal(bound.epochs, 10);
});

test('${hp.x} inside a longer string is text', () => {
  assert.equal(bindTrainStep(step(), hp).description, 'filters=32, lr 0.0003');
  assert.equal(bindValue('x${hp.on}', { on: true }), 'xtrue');
  assert.equal(bindValue('${hp.a}${hp.b}', { a: 1, b: 2 }), '12', 'two references make text, not a number');
});

test('the input is not modified, search is left alone, and values are not shared', () => {
  const original = step();
  delete original.description; // it embeds ${hp.filters} as text, which a list value cannot be
  const snapshot = structuredClone(original);
  const shape = [4, 4];
  const bound = bindTrainStep(original, { ...hp, filters: shape } as Record<string, unknown>);
  assert.deepEqual(original, snapshot);
  assert.deepEqual(bound.search, original.search);
  assert.notEqual(bound.search, original.search);
  assert.deepEqual(bound.model.layers![0]!.conv2d!.filters, [4, 4]);
  assert.notEqual(bound.model.layers![0]!.conv2d!.filters, shape, 'an object value is copied');
});

test('other interpolations and ordinary values pass through', () => {
  assert.equal(bindValue('${vars.data}/x', {}), '${vars.data}/x');
  assert.equal(bindValue('${hp.}', {}), '${hp.}');
  assert.deepEqual(bindValue({ a: [1, null, true] }, {}), { a: [1, null, true] });
});

test('a hyperparameter missing from the configuration is an error naming it and its place', () => {
  const { filters: _omitted, ...withoutFilters } = hp;
  assert.throws(
    () => bindTrainStep(step(), withoutFilters),
    (error: unknown) =>
      error instanceof HyperparameterBindingError &&
      error.path === 'model.layers[0].conv2d.filters' &&
      /model\.layers\[0\]\.conv2d\.filters uses \$\{hp\.filters\} but the configuration has no 'filters' \(it has: lr, dropout, batch_size, act\)/.test(error.message),
  );
  assert.throws(() => bindValue('n=${hp.shape}', { shape: [1, 2] }, 'description'), /description embeds \$\{hp\.shape\} in text, but its value is object/);
});
