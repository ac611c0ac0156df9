import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrainStep } from '../../../compiler/spec/types.js';
import { parseDuration, SearchBudget } from '../../../runtime/run/search-budget.js';
import { shapeParams } from '../../../runtime/run/shape-params.js';

test('budgets: epochs counted as they start, time including an earlier run, the first one reached stays', () => {
  let now = 100;
  const b = new SearchBudget({ maxEpochsTotal: 3, time: 60, elapsedBefore: 20, now: () => now });
  assert.equal(b.exhausted(), undefined);
  b.startEpoch();
  b.startEpoch();
  now += 39;
  assert.equal(b.exhausted(), undefined);
  now += 1;
  assert.equal(b.exhausted(), 'time');
  b.startEpoch();
  assert.equal(b.exhausted(), 'time');
  assert.equal(parseDuration('30m'), 1800);
  assert.equal(parseDuration(' 1.5h '), 5400);
  assert.throws(() => parseDuration('soon'), /not a duration/);
});

test('the values that shape the weights: model values other than dropout rates; for module models, those not used elsewhere', () => {
  const layers = {
    model: { input_shape: [4], layers: [{ dense: { units: '${hp.units}', activation: '${hp.act}' } }, { dropout: { rate: '${hp.dropout}' } }] },
    optimizer: { name: 'adam', learning_rate: '${hp.lr}' },
    batch_size: '${hp.batch}',
  } as unknown as TrainStep;
  assert.deepEqual([...shapeParams(layers, ['units', 'act', 'dropout', 'lr', 'batch'])].sort(), ['act', 'units']);
  const module = { model: { module: './m.ts', export: 'build' }, optimizer: { name: 'adam', learning_rate: '${hp.lr}' } } as unknown as TrainStep;
  assert.deepEqual([...shapeParams(module, ['depth', 'lr'])], ['depth']);
});
